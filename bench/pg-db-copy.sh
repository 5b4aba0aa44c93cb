#!/usr/bin/env bash
# db copy of 1,000,000 accounts SQLite → PostgreSQL against the floor: the same rows exported
# to CSV by the sqlite3 shell and loaded with psql's \copy (COPY FROM a CSV export) into a
# table of the same schema (issue 13; target ≤ 2× the floor). Also PostgreSQL → SQLite, and
# db copy's peak memory at 100,000 and 1,000,000 accounts (flat in the row count).
# Usage: bench/pg-db-copy.sh   (RUNS=3 by default)
source "$(dirname "$0")/pg-lib.sh"
build_release_pg
pg_start
runs=${RUNS:-3}
make_list_db "$work/list-1m.sqlite"
small=$work/list-100k.sqlite
if [ ! -f "$small" ]; then
  "$AUTHCTL" -q db copy --from "$work/list-1m.sqlite" --to "$small" >/dev/null
  sqlite3 "$small" "DELETE FROM users WHERE rowid > 100000; VACUUM"
fi
cols="id, email, password, activated_at, created_at, updated_at, disabled_at, failed_logins, locked_until, last_login_at, password_generated, stamp, security_changed_at"
results=$work/pg-db-copy.txt
mem=$work/pg-db-copy-memory.txt
: > "$results"; : > "$mem"
n=0
for _ in $(seq "$runs"); do
  n=$((n + 1))
  pg_createdb "copy$n"
  measure dbcopy-sqlite-to-pg "$AUTHCTL" -q db copy --from "$work/list-1m.sqlite" --to "$(pg_url "copy$n")" >> "$results"
  # The floor: export the users table to CSV, then COPY it into a migrated, empty database.
  pg_createdb "floor$n"
  "$AUTHCTL" --db "$(pg_url "floor$n")" -q migrate >/dev/null
  psql_on "floor$n" -c "TRUNCATE settings" >/dev/null
  floor=$work/floor.sh
  cat > "$floor" <<SH
sqlite3 -csv "$work/list-1m.sqlite" "SELECT $cols FROM users ORDER BY rowid" > "$work/users.csv"
"$pg_bin/psql" -X -q -h "$pg_dir" -U postgres -d "floor$n" -c "\\copy users ($cols) FROM '$work/users.csv' CSV"
SH
  measure floor-csv-copy bash "$floor" >> "$results"
  rm -f "$work/back-$n.sqlite"
  measure dbcopy-pg-to-sqlite "$AUTHCTL" -q db copy --from "$(pg_url "copy$n")" --to "$work/back-$n.sqlite" >> "$results"
  rm -f "$work/back-$n.sqlite"*
  pg_createdb "small$n"
  measure mem-100k "$AUTHCTL" -q db copy --from "$small" --to "$(pg_url "small$n")" >> "$mem"
  pg_createdb "big$n"
  measure mem-1m "$AUTHCTL" -q db copy --from "$work/list-1m.sqlite" --to "$(pg_url "big$n")" >> "$mem"
done
summarize "$results"
summarize "$mem"
