#!/usr/bin/env bash
# users list on 1,000,000 accounts against the sqlite3 shell selecting the same columns,
# side by side in one run: JSON (sqlite3 -json) and CSV (sqlite3 -csv -header).
# Usage: bench/users-list.sh   (RUNS=5 by default; the database is kept in bench/out/)
source "$(dirname "$0")/lib.sh"
build_release
db=$work/list-1m.sqlite
if [ ! -f "$db" ]; then
  rm -f "$db"
  "$AUTHCTL" --db "$db" -q migrate
  sqlite3 "$db" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO users (id, email, password, activated_at, created_at, updated_at, last_login_at)
SELECT printf('%08x-%04x-4%03x-8%03x-%012x', i, i % 65536, i % 4096, i % 4096, i),
       'user' || i || '@example.com',
       '$2b$12$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2',
       CASE WHEN i % 3 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch') END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch'),
       CASE WHEN i % 2 = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1710000000 + i, 'unixepoch') END
FROM n;
SQL
fi
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
