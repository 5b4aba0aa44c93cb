#!/usr/bin/env bash
# users import of 100,000 rows with bcrypt hashes against sqlite3 .import of the same CSV into
# an equivalent table (same columns, same case-insensitive unique index on email), side by
# side in one run. Usage: bench/import.sh   (RUNS=5 by default)
source "$(dirname "$0")/lib.sh"
build_release
csv=$work/import-100k.csv
if [ ! -f "$csv" ]; then
  python3 - "$csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("email,password_hash,activated_at,created_at\n")
    for i in range(100000):
        act = "" if i % 3 == 0 else "2024-01-%02dT10:00:00Z" % (i % 28 + 1)
        f.write("user%d@example.com,$2b$12$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV%03d,%s,2023-06-%02dT08:00:00Z\n"
                % (i, i % 1000, act, i % 28 + 1))
PY
fi
results=$work/import.txt
: > "$results"
a=$work/import-a.sqlite
b=$work/import-b.sqlite
for _ in $(seq "$runs"); do
  rm -f "$a" "$a-wal" "$a-shm"; "$AUTHCTL" --db "$a" -q migrate
  measure authctl-import "$AUTHCTL" --db "$a" -q users import "$csv" >> "$results"
  rm -f "$b"
  sqlite3 "$b" "PRAGMA journal_mode=WAL; CREATE TABLE users (email TEXT, password TEXT, activated_at TEXT, created_at TEXT); CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE);" >/dev/null
  measure sqlite3-import sqlite3 "$b" ".import --csv --skip 1 $csv users" >> "$results"
done
echo "rows: authctl $(sqlite3 "$a" 'SELECT count(*) FROM users'), sqlite3 $(sqlite3 "$b" 'SELECT count(*) FROM users')"
summarize "$results"
