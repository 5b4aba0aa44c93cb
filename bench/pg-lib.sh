# PostgreSQL helpers for the benchmarks (issue 13): a release build with the PostgreSQL trait
# and a throwaway server of Debian's postgresql (initdb/pg_ctl as the postgres user when root),
# on a Unix socket in a temporary folder, stopped when the script exits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_release_pg() {
  (cd "$root" && swift build -c release --traits PostgreSQL --product authctl >/dev/null)
  AUTHCTL="$root/.build/release/authctl"
}

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
pg_dir=$(mktemp -d /tmp/authctl-bench-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; as_pg=(runuser -u postgres --); fi

# pg_start: a server tuned like a small dedicated one (fsync on: the figures are honest).
pg_start() {
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  cat >> "$pg_dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$pg_dir'
max_connections = 100
shared_buffers = 512MB
max_wal_size = 4GB
CONF
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start >/dev/null
  trap pg_stop EXIT
}

pg_stop() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}

# pg_url DB: the --db URL of database DB on the benchmark server.
pg_url() { echo "postgresql:///$1?host=$pg_dir&user=postgres"; }

# psql_on DB ARGS…: psql on database DB.
psql_on() { local db=$1; shift; "$pg_bin/psql" -X -q -h "$pg_dir" -U postgres -d "$db" "$@"; }

# pg_createdb NAME
pg_createdb() { psql_on postgres -c "CREATE DATABASE $1" >/dev/null; }
