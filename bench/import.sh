#!/usr/bin/env bash
# users import of ROWS accounts with bcrypt hashes (a third unconfirmed) against the sqlite3
# shell putting the same rows into a table, side by side in one run:
#  - sqlite3-plain: `.import` into a table of the CSV's four columns with the unique email
#    index — what `.import` does at its fastest, into a table authctl could not use;
#  - sqlite3-equiv: `.import` into authctl's own users table (a database made by `authctl
#    migrate`: UUID primary key, unique email index, partial index of unconfirmed accounts)
#    through a view whose INSTEAD OF trigger makes the row authctl makes (a random UUID v4, the
#    email lower-cased, empty fields NULL, created_at/updated_at);
#  - sqlite3-floor: authctl's users table again, from a copy of the CSV with the ids made
#    beforehand, through a temporary table and one INSERT … SELECT with a 64 MiB page cache —
#    what SQLite alone needs to put these rows into this schema;
#  - sqlite3-sortedfloor: the same with the same ids handed out as authctl hands them out,
#    ascending within each block of 131,072 rows (AscendingUUIDs) — SQLite's floor for the
#    order authctl inserts in.
# The CSVs are made once by the sqlite3 shell and kept in bench/out/.
# Usage: bench/import.sh   (RUNS=5, ROWS=100000, KINDS="authctl plain equiv floor" by default,
#        add sortedfloor;
#        ROWS=10000000 KINDS="authctl floor" RUNS=3 for the ten-million figure)
source "$(dirname "$0")/lib.sh"
build_release
rows=${ROWS:-100000}
kinds=${KINDS:-authctl plain equiv floor}
csv=$work/import-$rows.csv
ids=$work/import-$rows-ids.csv
if [ ! -f "$csv" ]; then
  sqlite3 :memory: ".mode csv" ".headers on" ".output $csv" "
    WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $rows - 1)
    SELECT 'user' || i || '@example.com' AS email,
      printf('\$2b\$12\$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV%03d', i % 1000)
        AS password_hash,
      CASE WHEN i % 3 = 0 THEN NULL ELSE printf('2024-01-%02dT10:00:00Z', i % 28 + 1) END
        AS activated_at,
      printf('2023-06-%02dT08:00:00Z', i % 28 + 1) AS created_at
    FROM c"
fi
if [[ " $kinds " == *"floor "* ]] && [ ! -f "$ids" ]; then
  # A random UUID v4 per row, made by SQLite (randomblob), as the floor's given ids.
  sqlite3 :memory: ".mode csv" ".import $csv x" ".output $ids" "
    SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
      || substr(lower(hex(randomblob(2))), 2) || '-'
      || substr('89ab', 1 + abs(random() % 4), 1) || substr(lower(hex(randomblob(2))), 2)
      || '-' || lower(hex(randomblob(6))),
      email, password_hash, activated_at, created_at, created_at FROM x"
fi
sorted=$work/import-$rows-sorted-ids.csv
if [[ " $kinds " == *" sortedfloor "* ]] && [ ! -f "$sorted" ]; then
  # The same ids, sorted within each block of 131,072 rows and handed out in row order.
  sqlite3 :memory: ".mode csv" \
    "CREATE TABLE x(id, email, password, activated_at, created_at, updated_at)" ".import $ids x" \
    ".output $sorted" "
    WITH r AS (SELECT rowid AS n, (rowid - 1) / 131072 AS block FROM x),
      i AS (SELECT id, (rowid - 1) / 131072 AS block,
              row_number() OVER (PARTITION BY (rowid - 1) / 131072 ORDER BY id) AS k FROM x),
      o AS (SELECT n, block, row_number() OVER (PARTITION BY block ORDER BY n) AS k FROM r)
    SELECT i.id, x.email, x.password, x.activated_at, x.created_at, x.updated_at
    FROM o JOIN i USING (block, k) JOIN x ON x.rowid = o.n ORDER BY o.n"
fi
results=$work/import-$rows.txt
: > "$results"
a=$work/import-a.sqlite
b=$work/import-b.sqlite
c=$work/import-c.sqlite
d=$work/import-d.sqlite
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }
for _ in $(seq "$runs"); do
  if [[ " $kinds " == *" authctl "* ]]; then
    fresh "$a"; "$AUTHCTL" --db "$a" -q migrate >/dev/null
    measure authctl-import "$AUTHCTL" --db "$a" -q users import "$csv" >> "$results"
    echo "authctl rows: $(sqlite3 "$a" 'SELECT count(*) FROM users')"
    fresh "$a"
  fi
  if [[ " $kinds " == *" plain "* ]]; then
    fresh "$b"
    sqlite3 "$b" "PRAGMA journal_mode=WAL; CREATE TABLE users (email TEXT, password TEXT, activated_at TEXT, created_at TEXT); CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE);" >/dev/null
    measure sqlite3-plain sqlite3 "$b" ".import --csv --skip 1 $csv users" >> "$results"
    fresh "$b"
  fi
  if [[ " $kinds " == *" equiv "* ]]; then
    fresh "$c"; "$AUTHCTL" --db "$c" -q migrate >/dev/null
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
    fresh "$c"
  fi
  if [[ " $kinds " == *" floor "* ]]; then
    fresh "$d"; "$AUTHCTL" --db "$d" -q migrate >/dev/null
    measure sqlite3-floor sqlite3 "$d" "PRAGMA cache_size=-65536" ".mode csv" \
      "CREATE TEMP TABLE x(id, email, password, activated_at, created_at, updated_at)" \
      ".import $ids x" \
      "INSERT INTO users (id, email, password, activated_at, created_at, updated_at) SELECT id, email, NULLIF(password, ''), NULLIF(activated_at, ''), created_at, updated_at FROM x" >> "$results"
    echo "floor rows: $(sqlite3 "$d" 'SELECT count(*) FROM users')"
    fresh "$d"
  fi
  if [[ " $kinds " == *" sortedfloor "* ]]; then
    fresh "$d"; "$AUTHCTL" --db "$d" -q migrate >/dev/null
    measure sqlite3-sortedfloor sqlite3 "$d" "PRAGMA cache_size=-65536" ".mode csv" \
      "CREATE TEMP TABLE x(id, email, password, activated_at, created_at, updated_at)" \
      ".import $sorted x" \
      "INSERT INTO users (id, email, password, activated_at, created_at, updated_at) SELECT id, email, NULLIF(password, ''), NULLIF(activated_at, ''), created_at, updated_at FROM x" >> "$results"
    fresh "$d"
  fi
done
summarize "$results"
