#!/usr/bin/env bash
# users list on 1,000,000 accounts against the sqlite3 shell selecting the same columns,
# side by side in one run: JSON (sqlite3 -json) and CSV (sqlite3 -csv -header).
# Usage: bench/users-list.sh   (RUNS=5 by default; the database is kept in bench/out/)
source "$(dirname "$0")/lib.sh"
build_release
db=$work/list-1m.sqlite
make_list_db "$db"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sql="SELECT id, email, CASE WHEN disabled_at IS NOT NULL THEN 'disabled' WHEN locked_until IS NOT NULL AND locked_until > '$now' THEN 'locked' WHEN activated_at IS NULL THEN 'unconfirmed' ELSE 'active' END AS status, created_at, activated_at, last_login_at FROM users ORDER BY rowid"
results=$work/users-list.txt
: > "$results"
# Check both print the same number of rows once.
a=$("$AUTHCTL" --db "$db" users list --format csv | wc -l); b=$(sqlite3 -csv -header "$db" "$sql" | wc -l)
echo "rows: authctl csv $a lines, sqlite3 csv $b lines"
for _ in $(seq "$runs"); do
  measure authctl-json "$AUTHCTL" --db "$db" users list --format json >> "$results"
  measure sqlite3-json sqlite3 -json "$db" "$sql" >> "$results"
  measure authctl-csv "$AUTHCTL" --db "$db" users list --format csv >> "$results"
  measure sqlite3-csv sqlite3 -csv -header "$db" "$sql" >> "$results"
done
summarize "$results" pairs
