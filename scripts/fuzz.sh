#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/Fuzz/ (swiftc -sanitize=fuzzer,address) into
# .build-fuzz/ and runs each for a fixed number of runs from a copy of its seed corpus in
# Tests/Fuzz/corpus/<target>/ (the committed corpus is never written to).
#
# Usage: scripts/fuzz.sh [RUNS] (RUNS, else $FUZZ_RUNS, else 200000 runs per target)
#        FUZZ_TARGETS="email envfile" scripts/fuzz.sh 1000   (only those targets)
# Prints per target the executions done and exec/s; exits 1 if any target crashed, timed out
# or failed to build. A crashing input is left in .build-fuzz/artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-${FUZZ_RUNS:-200000}}
out=.build-fuzz
# Let libFuzzer and ASan report a trap, not the Swift runtime backtracer.
export SWIFT_BACKTRACE=enable=no

# target  source file (Tests/Fuzz/)  longest input (bytes)
targets=(
  "token     TokenFuzz.swift          9000"
  "email     EmailAddressFuzz.swift   512"
  "envfile   EnvFileFuzz.swift        4096"
  "import    ImportFuzz.swift         4096"
  "smtp      SMTPReplyFuzz.swift      2048"
  "message   MailMessageFuzz.swift    8192"
)
selected=${FUZZ_TARGETS:-}

mkdir -p "$out/artifacts"
includes=(-I Sources/CSQLite -I Sources/COpenSSL -I Sources/CCrypt -I Sources/CProcess)
flags=(-O -g -swift-version 6 -sanitize=fuzzer,address -parse-as-library -suppress-warnings)

# AuthKit once, instrumented, as a static library the targets import with @testable.
echo "fuzz: building AuthKit (instrumented)"
mapfile -t sources < <(find Sources/AuthKit -name '*.swift' | sort)
swiftc "${flags[@]}" -enable-testing -module-name AuthKit -emit-library -static \
  -emit-module -emit-module-path "$out/AuthKit.swiftmodule" -o "$out/libAuthKit.a" \
  "${includes[@]}" "${sources[@]}"

status=0
summary=()
for entry in "${targets[@]}"; do
  read -r name file maxlen <<<"$entry"
  if [ -n "$selected" ] && [[ " $selected " != *" $name "* ]]; then continue; fi
  bin=$out/fuzz-$name
  echo "fuzz: building $name"
  if ! swiftc "${flags[@]}" -use-ld=lld -I "$out" "${includes[@]}" "Tests/Fuzz/$file" \
    -L "$out" -lAuthKit -lsqlite3 -lssl -lcrypto -lcrypt -o "$bin"; then
    summary+=("$name: BUILD FAILED")
    status=1
    continue
  fi
  work=$out/corpus/$name
  rm -rf "$work"
  mkdir -p "$work"
  cp Tests/Fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  log=$out/$name.log
  echo "fuzz: running $name for $runs runs (max_len $maxlen)"
  start=$(date +%s.%N)
  if "$bin" -runs="$runs" -max_len="$maxlen" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" "$work" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and $out/artifacts/)"
    status=1
    tail -n 40 "$log" >&2
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  # libFuzzer's own exec/s is a whole-second division (0 under a second); time it here.
  rate=$(awk -v n="${execs:-0}" -v s="$start" -v e="$(date +%s.%N)" \
    'BEGIN { printf "%d", n / (e - s) }')
  summary+=("$(printf '%-8s %10s runs %8s exec/s  %s' "$name" "${execs:-?}" "${rate:-?}" "$result")")
done

echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit "$status"
