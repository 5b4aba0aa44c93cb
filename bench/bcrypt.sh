#!/usr/bin/env bash
# One bcrypt hash at cost 12 through authctl's code (AuthKit's PasswordHasher over libxcrypt,
# built in release as the small `bcrypt-bench` executable target) against python bcrypt
# (Debian python3-bcrypt) at cost 12, side by side in one run, interleaved.
# Each side prints the seconds its one hash took, timed in-process (so Python's start-up is not
# counted); the whole process is timed too (wall, peak RSS).
# Usage: bench/bcrypt.sh   (RUNS=5 by default; COST=12)
source "$(dirname "$0")/lib.sh"
cost=${COST:-12}
(cd "$root" && swift build -c release --product bcrypt-bench >/dev/null)
BENCH="$root/.build/release/bcrypt-bench"
PY=${AUTHCTL_TEST_PYTHON:-/usr/bin/python3}
pycode='import sys, time, bcrypt
cost = int(sys.argv[1]); salt = bcrypt.gensalt(cost, prefix=b"2b")
t = time.monotonic(); h = bcrypt.hashpw(b"correct horse battery staple", salt); e = time.monotonic() - t
assert h.startswith(b"$2b$"); print(e)'
# measure_process LABEL CMD...: "LABEL wall_seconds max_rss_kib" of one run, with /usr/bin/time
# writing its report to a file (lib.sh's measure sends time's own report to /dev/null).
measure_process() {
  local label=$1; shift
  /usr/bin/time -o "$work/bcrypt-time.txt" -f '%e %M' "$@" >/dev/null 2>&1
  echo "$label $(tail -n 1 "$work/bcrypt-time.txt")"
}
inproc=$work/bcrypt-inprocess.txt
results=$work/bcrypt-process.txt
: > "$inproc"
: > "$results"
for _ in $(seq "$runs"); do
  echo "authctl-bcrypt $("$BENCH" "$cost")" >> "$inproc"
  echo "python-bcrypt $("$PY" -c "$pycode" "$cost")" >> "$inproc"
  measure_process authctl-bcrypt-process "$BENCH" "$cost" >> "$results"
  measure_process python-bcrypt-process "$PY" -c "$pycode" "$cost" >> "$results"
done
echo "one hash, cost $cost, in-process:"
python3 - "$inproc" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, secs = line.split()
    rows.setdefault(label, []).append(float(secs))
meds = {k: statistics.median(v) for k, v in rows.items()}
for k, v in rows.items():
    print(f"{k:28s} runs={len(v)} median={meds[k]:.3f}s min={min(v):.3f}s max={max(v):.3f}s")
a, b = list(meds)
print(f"ratio {a} / {b}: {meds[a] / meds[b]:.2f}x")
PY
echo "whole process (start-up included):"
summarize "$results"
