#!/usr/bin/env bash
# Ten-million-row figures (issue 17), each against the sqlite3 shell doing the same work on the
# same file, with peak memory:
#  - list:   users list --format csv on 10M accounts; sqlite3 -csv -header, the same SELECT;
#  - export: users export (CSV) on 10M accounts; sqlite3 -csv -header, the same SELECT;
#  - purge:  users purge --unconfirmed --older-than 7d on a copy of 10M accounts (a third
#            unconfirmed and old); sqlite3's DELETE, foreign keys on, on another copy;
#  - prune:  prune on a copy of a database of 10M audit events past the retention; sqlite3's
#            DELETE of the same rows in one statement, on another copy;
#  - stats:  stats --format prom on 10M accounts and 10M audit events spread over a year;
#            sqlite3 running the same count queries.
# Databases are made once by the sqlite3 shell (sequential ids: quick to make) and kept in
# bench/out/. Usage: bench/scale.sh   (RUNS=3, ROWS=10000000, PARTS="list export purge prune
# stats" by default)
source "$(dirname "$0")/lib.sh"
build_release
rows=${ROWS:-10000000}
parts=${PARTS:-list export purge prune stats}
runs=${RUNS:-3}
accounts=$work/scale-accounts-$rows.sqlite
events=$work/scale-audit-$rows.sqlite
copy=$work/scale-copy.sqlite
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }
has() { [[ " $parts " == *" $1 "* ]]; }

# Accounts: make_list_db's shape (a third unconfirmed, all created in 2023, so old), then 10M
# audit events over the year before now: logins (ok and failed), registrations, resets.
make_list_db "$accounts" "$rows"
if has stats && [ "$(sqlite3 "$accounts" 'SELECT count(*) FROM audit')" -lt "$rows" ]; then
  sqlite3 "$accounts" "
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO audit (at, event, user_id, email, outcome)
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch('now') - 31536000 + i * 31536000 / $rows,
      'unixepoch'),
      CASE i % 4 WHEN 0 THEN 'register' WHEN 1 THEN 'reset' ELSE 'login' END,
      printf('%08x-%04x-4%03x-8%03x-%012x', i % $rows + 1, 0, 0, 0, i % $rows + 1),
      'user' || (i % $rows + 1) || '@example.com',
      CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'ok' END
    FROM n"
fi
if has prune && [ ! -f "$events" ]; then
  "$AUTHCTL" --db "$events" -q migrate >/dev/null
  sqlite3 "$events" "
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO audit (at, event, email, outcome, reason)
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1600000000 + i * 3, 'unixepoch'),
      CASE i % 3 WHEN 0 THEN 'login' WHEN 1 THEN 'register' ELSE 'reset' END,
      'user' || (i % 100000) || '@example.com', CASE i % 4 WHEN 0 THEN 'failed' ELSE 'ok' END,
      'an old event' FROM n"
fi
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The SELECTs authctl runs (SQLiteTransaction+Accounts.swift: statusExpression, utc,
# activation), with the time written in.
activation="nullif(trim(activated_at, ' ' || char(9, 10, 13)), '')"
status_case="CASE WHEN disabled_at IS NOT NULL THEN 'disabled' WHEN (expires_at IS NOT NULL AND expires_at <= '$now') THEN 'expired' WHEN (valid_from IS NOT NULL AND valid_from > '$now') THEN 'not-yet-valid' WHEN locked_until IS NOT NULL AND locked_until > '$now' THEN 'locked' WHEN $activation IS NULL THEN 'unconfirmed' WHEN must_reset_at IS NOT NULL THEN 'must-reset' ELSE 'active' END"
utc() { echo "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', $1), $1)"; }
list_sql="SELECT id, email, $status_case AS status, $(utc created_at), $(utc "$activation"), $(utc last_login_at) FROM users ORDER BY rowid"
export_sql="SELECT email, NULL AS password_hash, $activation AS activated_at, created_at, expires_at FROM users ORDER BY rowid"
cutoff7=$(date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%SZ)
cutoff365=$(date -u -d '365 days ago' +%Y-%m-%dT%H:%M:%SZ)
hour=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
day=$(date -u -d '1 day ago' +%Y-%m-%dT%H:%M:%SZ)
results=$work/scale-$rows.txt
: > "$results"
for _ in $(seq "$runs"); do
  if has list; then
    measure authctl-list "$AUTHCTL" --db "$accounts" users list --format csv >> "$results"
    measure sqlite3-list sqlite3 -csv -header "$accounts" "$list_sql" >> "$results"
  fi
  if has export; then
    measure authctl-export "$AUTHCTL" --db "$accounts" users export >> "$results"
    measure sqlite3-export sqlite3 -csv -header "$accounts" "$export_sql" >> "$results"
  fi
  if has stats; then
    # The counts authctl runs (SQLiteTransaction+Accounts.swift: accountCountSQL), the time
    # written in.
    expired="expires_at IS NOT NULL AND expires_at <= '$now'"
    notyet="valid_from IS NOT NULL AND valid_from > '$now'"
    locked="locked_until IS NOT NULL AND locked_until > '$now'"
    open="disabled_at IS NULL AND NOT ($expired)"
    q_disabled="SELECT count(*) FROM users WHERE disabled_at IS NOT NULL"
    q_expired="SELECT count(*) FROM users WHERE $expired AND disabled_at IS NULL"
    q_notyet="SELECT count(*) FROM users WHERE $notyet AND $open"
    q_locked="SELECT count(*) FROM users WHERE $locked AND $open AND NOT ($notyet)"
    queries="SELECT count(*) FROM users INDEXED BY users_email;
      $q_disabled; $q_expired; $q_notyet; $q_locked;
      $q_disabled AND activated_at IS NULL; $q_expired AND activated_at IS NULL;
      $q_notyet AND activated_at IS NULL; $q_locked AND activated_at IS NULL;
      SELECT count(*) FROM users WHERE activated_at IS NULL;
      SELECT count(*) FROM users WHERE must_reset_at IS NOT NULL AND activated_at IS NOT NULL AND $open AND NOT ($notyet) AND NOT ($locked);
      SELECT count(*) FROM users WHERE activated_at IS NULL AND created_at < '$cutoff7';"
    for since in "$hour" "$day"; do
      for event in login lockout reset register; do
        for outcome in ok failed; do
          queries+="SELECT count(*) FROM audit WHERE event = '$event' AND outcome = '$outcome' AND at >= '$since';"
        done
      done
    done
    queries+="SELECT count(*), coalesce(sum(next_attempt_at > '$now'), 0), min(created_at) FROM outbox WHERE status = 'queued';
      SELECT count(*) FROM outbox WHERE status = 'failed';"
    # Both on a warm page cache (the copies of purge and prune evict it): one unmeasured run
    # of the same queries first.
    sqlite3 "$accounts" "$queries" >/dev/null
    measure authctl-stats "$AUTHCTL" --db "$accounts" stats --format prom >> "$results"
    measure sqlite3-stats sqlite3 "$accounts" "$queries" >> "$results"
  fi
  if has purge; then
    fresh "$copy"; cp "$accounts" "$copy"
    measure authctl-purge "$AUTHCTL" --db "$copy" -q users purge --unconfirmed --older-than 7d >> "$results"
    echo "purge, authctl: $(sqlite3 "$copy" 'SELECT count(*) FROM users') accounts left"
    fresh "$copy"; cp "$accounts" "$copy"
    measure sqlite3-purge sqlite3 "$copy" "PRAGMA foreign_keys=ON; DELETE FROM users WHERE activated_at IS NULL AND created_at < '$cutoff7'" >> "$results"
    echo "purge, sqlite3: $(sqlite3 "$copy" 'SELECT count(*) FROM users') accounts left"
    fresh "$copy"
  fi
  if has prune; then
    fresh "$copy"; cp "$events" "$copy"
    measure authctl-prune "$AUTHCTL" --db "$copy" prune --format json >> "$results"
    echo "prune, authctl: $(sqlite3 "$copy" 'SELECT count(*) FROM audit') events left"
    "$AUTHCTL" --db "$copy" prune --format json --dry-run >/dev/null
    fresh "$copy"; cp "$events" "$copy"
    measure sqlite3-prune sqlite3 "$copy" "DELETE FROM audit WHERE at < '$cutoff365'" >> "$results"
    echo "prune, sqlite3: $(sqlite3 "$copy" 'SELECT count(*) FROM audit') events left"
    fresh "$copy"
  fi
done
if has stats; then
  echo "stats, the numbers:"
  "$AUTHCTL" --db "$accounts" stats
fi
summarize "$results" pairs
