#!/usr/bin/env bash
# users purge on 1,000,000 accounts (one in three unconfirmed and old) against the equivalent
# sqlite3 DELETE on a copy of the same file, side by side in one run.
# Usage: bench/purge.sh   (RUNS=5 by default; the database is kept in bench/out/)
source "$(dirname "$0")/lib.sh"
build_release
db=$work/purge-1m.sqlite
if [ ! -f "$db" ]; then
  "$AUTHCTL" --db "$db" -q migrate
  sqlite3 "$db" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO users (id, email, password, activated_at, created_at, updated_at)
SELECT printf('%08x-%04x-4%03x-8%03x-%012x', i, i % 65536, i % 4096, i % 4096, i),
       'user' || i || '@example.com',
       '$2b$12$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2',
       CASE WHEN i % 3 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch') END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch')
FROM n;
SQL
fi
cutoff=$(date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%SZ)
results=$work/purge.txt
: > "$results"
copy=$work/purge-copy.sqlite
for _ in $(seq "$runs"); do
  rm -f "$copy" "$copy-wal" "$copy-shm"; cp "$db" "$copy"
  measure authctl-purge "$AUTHCTL" --db "$copy" -q users purge --unconfirmed --older-than 7d >> "$results"
  left_a=$(sqlite3 "$copy" "SELECT count(*) FROM users")
  rm -f "$copy" "$copy-wal" "$copy-shm"; cp "$db" "$copy"
  measure sqlite3-delete sqlite3 "$copy" "PRAGMA foreign_keys=ON; DELETE FROM users WHERE activated_at IS NULL AND created_at < '$cutoff'" >> "$results"
  left_b=$(sqlite3 "$copy" "SELECT count(*) FROM users")
done
echo "accounts left: authctl $left_a, sqlite3 $left_b"
summarize "$results"
