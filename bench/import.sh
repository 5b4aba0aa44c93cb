#!/usr/bin/env bash
# users import of 100,000 rows with bcrypt hashes against sqlite3 .import of the same CSV, side
# by side in one run, into two kinds of table:
#  - sqlite3-plain: a table of the CSV's four columns with the unique email index;
#  - sqlite3-equiv: authctl's own users table (a database made by `authctl migrate`: UUID
#    primary key, unique email index, partial index of unconfirmed accounts), filled through a
#    view whose INSTEAD OF trigger makes the same row authctl makes (a random UUID v4, the
#    email lower-cased, empty fields NULL, created_at/updated_at) — the same database in the end.
# Usage: bench/import.sh   (RUNS=5 by default)
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
c=$work/import-c.sqlite
for _ in $(seq "$runs"); do
  rm -f "$a" "$a-wal" "$a-shm"; "$AUTHCTL" --db "$a" -q migrate
  measure authctl-import "$AUTHCTL" --db "$a" -q users import "$csv" >> "$results"
  rm -f "$b"
  sqlite3 "$b" "PRAGMA journal_mode=WAL; CREATE TABLE users (email TEXT, password TEXT, activated_at TEXT, created_at TEXT); CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE);" >/dev/null
  measure sqlite3-plain sqlite3 "$b" ".import --csv --skip 1 $csv users" >> "$results"
  rm -f "$c" "$c-wal" "$c-shm"; "$AUTHCTL" --db "$c" -q migrate
  sqlite3 "$c" <<'SQL'
CREATE VIEW incoming(email, password_hash, activated_at, created_at) AS
  SELECT email, password, activated_at, created_at FROM users;
CREATE TRIGGER incoming_insert INSTEAD OF INSERT ON incoming BEGIN
  INSERT INTO users (id, email, password, activated_at, created_at, updated_at) VALUES (
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
      || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1)
      || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
    lower(trim(NEW.email)), NULLIF(NEW.password_hash, ''), NULLIF(NEW.activated_at, ''),
    COALESCE(NULLIF(NEW.created_at, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
SQL
  measure sqlite3-equiv sqlite3 "$c" ".import --csv --skip 1 $csv incoming" >> "$results"
done
echo "rows: authctl $(sqlite3 "$a" 'SELECT count(*) FROM users'), sqlite3-plain $(sqlite3 "$b" 'SELECT count(*) FROM users'), sqlite3-equiv $(sqlite3 "$c" 'SELECT count(*) FROM users')"
summarize "$results"
