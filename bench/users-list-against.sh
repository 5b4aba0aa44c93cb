#!/usr/bin/env bash
# users list on 1,000,000 accounts: this tree's release build against another build of authctl
# (the tree before a change), side by side in one run, JSON and CSV; the outputs must be equal.
# Usage: bench/users-list-against.sh BASELINE_AUTHCTL   (RUNS=5 by default)
#   e.g. git archive main | tar -x -C /tmp/base && (cd /tmp/base && swift build -c release)
#        bench/users-list-against.sh /tmp/base/.build/release/authctl
source "$(dirname "$0")/lib.sh"
base=${1:?usage: bench/users-list-against.sh BASELINE_AUTHCTL}
build_release
db=$work/list-1m.sqlite
make_list_db "$db"
cmp <("$base" --db "$db" users list --format json) <("$AUTHCTL" --db "$db" users list --format json)
cmp <("$base" --db "$db" users list --format csv) <("$AUTHCTL" --db "$db" users list --format csv)
echo "same JSON and CSV output"
results=$work/users-list-against.txt
: > "$results"
for _ in $(seq "$runs"); do
  measure this-json "$AUTHCTL" --db "$db" users list --format json >> "$results"
  measure base-json "$base" --db "$db" users list --format json >> "$results"
  measure this-csv "$AUTHCTL" --db "$db" users list --format csv >> "$results"
  measure base-csv "$base" --db "$db" users list --format csv >> "$results"
done
summarize "$results" pairs
