# Shared helpers for the benchmarks: build the release binary, time commands side by side.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_DIR:-$root/bench/out}
mkdir -p "$work"
runs=${RUNS:-5}

# AUTHCTL_BIN=path measures that binary instead (another version, for a before/after).
build_release() {
  if [ -n "${AUTHCTL_BIN:-}" ]; then
    AUTHCTL=$AUTHCTL_BIN
    return
  fi
  (cd "$root" && swift build -c release --product authctl >/dev/null)
  AUTHCTL="$root/.build/release/authctl"
}

# measure LABEL CMD...: runs CMD once (stdout to /dev/null), prints one line:
# "LABEL wall_seconds max_rss_kib cpu_seconds" (user + system). Runs of different commands are
# interleaved by the caller.
measure() {
  local label=$1; shift
  local t
  t=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$t" "$@" >/dev/null 2>/dev/null
  echo "$label $(tail -n 1 "$t" | awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }')"
  rm -f "$t"
}

# summarize FILE [pairs]: median wall time and median peak RSS per label, and the ratio of the
# first label's median to each other's (with "pairs": of label 1 to 2, 3 to 4, …).
summarize() {
  python3 - "$1" "${2:-first}" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, wall, rss, *cpu = line.split()
    rows.setdefault(label, []).append((float(wall), int(rss), float(cpu[0]) if cpu else None))
meds = {}
for label, vals in rows.items():
    w = statistics.median(v[0] for v in vals); r = statistics.median(v[1] for v in vals)
    c = statistics.median(v[2] for v in vals) if all(v[2] is not None for v in vals) else None
    meds[label] = (w, r, c)
    cpu = f" median CPU={c:.2f}s" if c is not None else ""
    print(f"{label:28s} runs={len(vals)} median wall={w:.3f}s median peak RSS={r/1024:.1f} MiB{cpu}"
          f" max peak RSS={max(v[1] for v in vals)/1024:.1f} MiB")
labels = list(meds)
pairs = [(labels[i], labels[i + 1]) for i in range(0, len(labels) - 1, 2)] \
    if sys.argv[2] == "pairs" else [(labels[0], b) for b in labels[1:]]
for a, b in pairs:
    cpu = f", {meds[a][2] / meds[b][2]:.2f}x CPU" if meds[a][2] and meds[b][2] else ""
    print(f"ratio {a} / {b}: {meds[a][0] / meds[b][0]:.2f}x wall{cpu}")
PY
}

# make_list_db PATH [N]: a database of N accounts (default 1,000,000; a third unconfirmed, half
# logged in), made once with $AUTHCTL and the sqlite3 shell.
make_list_db() {
  if [ ! -f "$1" ]; then
    rm -f "$1"
    "$AUTHCTL" --db "$1" -q migrate
    sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${2:-1000000})
INSERT INTO users (id, email, password, activated_at, created_at, updated_at, last_login_at)
SELECT printf('%08x-%04x-4%03x-8%03x-%012x', i, i % 65536, i % 4096, i % 4096, i),
       'user' || i || '@example.com',
       '\$2b\$12\$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2',
       CASE WHEN i % 3 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch') END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1690000000 + i, 'unixepoch'),
       CASE WHEN i % 2 = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1710000000 + i, 'unixepoch') END
FROM n;
SQL
  fi
}
