#!/usr/bin/env bash
# users list --format csv on 1,000,000 accounts in PostgreSQL against psql --csv running the
# same SELECT on the same server (issue 13; target ≤ 1.2×), and peak memory at 100,000 and
# 1,000,000 rows on both stores (flat in the row count).
# Usage: bench/pg-users-list.sh   (RUNS=5 by default)
source "$(dirname "$0")/pg-lib.sh"
build_release_pg
pg_start
make_list_db "$work/list-1m.sqlite"
pg_createdb list1m
"$AUTHCTL" -q db copy --from "$work/list-1m.sqlite" --to "$(pg_url list1m)" >/dev/null
url=$(pg_url list1m)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sql="SELECT id, email, CASE WHEN disabled_at IS NOT NULL THEN 'disabled' WHEN locked_until IS NOT NULL AND locked_until > '$now' THEN 'locked' WHEN activated_at IS NULL THEN 'unconfirmed' ELSE 'active' END AS status, created_at, activated_at, last_login_at FROM users ORDER BY seq"
a=$("$AUTHCTL" --db "$url" users list --format csv | wc -l)
b=$(psql_on list1m --csv -c "$sql" | wc -l)
echo "rows: authctl csv $a lines, psql csv $b lines"
results=$work/pg-users-list.txt
: > "$results"
for _ in $(seq "$runs"); do
  measure authctl-pg-csv "$AUTHCTL" --db "$url" users list --format csv >> "$results"
  measure psql-csv "$pg_bin/psql" -X -q -h "$pg_dir" -U postgres -d list1m --csv -c "$sql" >> "$results"
done
summarize "$results"
# Peak memory against the row count: --limit 100000 and all 1,000,000, on both stores.
mem=$work/pg-users-list-memory.txt
: > "$mem"
for _ in 1 2 3; do
  measure pg-100k "$AUTHCTL" --db "$url" users list --format csv --limit 100000 >> "$mem"
  measure pg-1m "$AUTHCTL" --db "$url" users list --format csv >> "$mem"
  measure sqlite-100k "$AUTHCTL" --db "$work/list-1m.sqlite" users list --format csv --limit 100000 >> "$mem"
  measure sqlite-1m "$AUTHCTL" --db "$work/list-1m.sqlite" users list --format csv >> "$mem"
done
summarize "$mem" pairs
