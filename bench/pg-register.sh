#!/usr/bin/env bash
# register throughput from 1, 4 and 16 parallel processes at bcrypt cost 4, on SQLite and on
# PostgreSQL (issue 13): each run registers TOTAL new addresses (default 480), split evenly
# over P worker loops that each start one `authctl register` after another; the rate is
# accounts per second of wall time. Mail is suppressed (MAIL_SUPPRESS_SEND) so the figure is
# the store's and the process's, not a mailbox's.
# Usage: bench/pg-register.sh   (TOTAL=480 RUNS=3 by default)
source "$(dirname "$0")/pg-lib.sh"
build_release_pg
pg_start
total=${TOTAL:-480}
runs=${RUNS:-3}
export AUTHCTL_BCRYPT_COST=4 MAIL_SUPPRESS_SEND=1
export JWT_SECRET=bench-secret-0123456789abcdef0123456789abcdef
results=$work/pg-register.txt
: > "$results"
n=0
for run in $(seq "$runs"); do
  for p in 1 4 16; do
    for store in sqlite postgres; do
      n=$((n + 1))
      if [ "$store" = sqlite ]; then
        db=$work/register-$n.sqlite; rm -f "$db" "$db-wal" "$db-shm"
      else
        pg_createdb "reg$n"; db=$(pg_url "reg$n")
      fi
      "$AUTHCTL" --db "$db" -q migrate >/dev/null
      per=$((total / p))
      start=$(date +%s.%N)
      for w in $(seq "$p"); do
        ( for i in $(seq "$per"); do
            "$AUTHCTL" --db "$db" -q register "w$w-$i@example.com" >/dev/null || echo "fail $?"
          done ) &
      done
      wait
      end=$(date +%s.%N)
      echo "$store-p$p $(python3 -c "print(f'{$per * $p / ($end - $start):.1f}')")" >> "$results"
    done
  done
done
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, rate = line.split()
    rows.setdefault(label, []).append(float(rate))
for label, v in rows.items():
    print(f"{label:14s} runs={len(v)} median {statistics.median(v):7.1f} accounts/s  ({', '.join(f'{x:.0f}' for x in v)})")
PY
