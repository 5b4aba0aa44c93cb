#!/usr/bin/env bash
# Lookups in a breached-password corpus of LINES lines (default 100,000,000, some 4.6 GB) in
# the format of HIBP's "ordered by hash" SHA-1 list, through AuthKit's BreachCorpus (the
# memory-mapped binary search behind AUTHCTL_BREACHED_FILE), cold (the file's pages dropped
# from the page cache first) then warm. The file is made by bench/breached-gen.c (compiled
# with cc -O2) in a scratch folder (BREACHED_DIR, default /tmp) and deleted at the end.
# Also times one `authctl register --password-stdin` against it, the way a person meets it.
# Usage: bench/breached.sh   (LINES=100000000, LOOKUPS=1000, RUNS=5)
source "$(dirname "$0")/lib.sh"
lines=${LINES:-100000000}
lookups=${LOOKUPS:-1000}
scratch=$(mktemp -d "${BREACHED_DIR:-/tmp}/authctl-breached.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cc -O2 -o "$scratch/breached-gen" "$root/bench/breached-gen.c"
(cd "$root" && swift build -c release --product breached-bench >/dev/null)
build_release
corpus=$scratch/pwned-passwords-sha1-ordered-by-hash.txt
start=$(date +%s.%N)
"$scratch/breached-gen" "$lines" "$corpus"
end=$(date +%s.%N)
echo "generated $lines lines, $(stat -c %s "$corpus") bytes, in $(python3 -c "print(f'{$end - $start:.1f}')") s"
for _ in $(seq "$runs"); do
  "$root/.build/release/breached-bench" "$corpus" "$lookups"
done | tee "$work/breached.txt"
python3 - "$work/breached.txt" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    label, *fields = line.split()
    for f in fields:
        k, v = f.split("=")
        rows[label][k].append(float(v))
for label, f in rows.items():
    print(f"{label}: runs={len(f['median_ms'])} median of medians={statistics.median(f['median_ms']):.4f} ms "
          f"median p99={statistics.median(f['p99_ms']):.4f} ms worst max={max(f['max_ms']):.4f} ms "
          f"median lookups/s={statistics.median(f['per_second']):.0f}")
PY
# One register with a chosen password, the whole process (start-up, bcrypt at cost 12 and the
# lookup), against the same without the corpus.
db=$scratch/bench.sqlite
for i in $(seq "$runs"); do
  measure with-corpus env AUTHCTL_DB="$db" AUTHCTL_BREACHED_FILE="$corpus" MAIL_SUPPRESS_SEND=true \
    sh -c "printf '%s\n' 'a fresh passphrase $i one' | $AUTHCTL register b$i@example.com --password-stdin"
  measure without-corpus env AUTHCTL_DB="$db" MAIL_SUPPRESS_SEND=true \
    sh -c "printf '%s\n' 'a fresh passphrase $i two' | $AUTHCTL register c$i@example.com --password-stdin"
done > "$work/breached-register.txt"
summarize "$work/breached-register.txt"
