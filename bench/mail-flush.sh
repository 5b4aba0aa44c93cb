#!/usr/bin/env bash
# mail flush of 1,000 queued messages to a local aiosmtpd sink, against Python's smtplib
# sending the same 1,000 messages (rendered from the same outbox rows) over one connection to
# the same sink; interleaved runs, medians, messages per second, and the CPU time each side
# and the sink spent.
# Usage: bench/mail-flush.sh   (RUNS=5 by default; N=1000 messages; files in bench/out/)
#        MAIL_CONNECTIONS=4 bench/mail-flush.sh   (authctl over four connections)
#        AUTHCTL_BIN=/path/to/authctl bench/mail-flush.sh   (another build, for a before/after)
source "$(dirname "$0")/lib.sh"
build_release
py=${PYTHON:-/usr/bin/python3}   # Debian's, where python3-aiosmtpd lives
n=${N:-1000}
sender=accounts@example.com
template=$work/mail-flush-template.sqlite
db=$work/mail-flush.sqlite
rm -f "$template" "$template"-wal "$template"-shm
JWT_SECRET=bench-secret-0123456789abcdef0123456789 "$AUTHCTL" --db "$template" -q migrate
# Bodies like the confirmation mail: a token line, a password line, a link longer than a
# quoted-printable line, some prose.
sqlite3 "$template" <<SQL
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
INSERT INTO outbox (user_id, kind, recipient, subject, body, message_id, created_at, next_attempt_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'confirm', 'user' || i || '@example.com',
  'Confirm your account',
  'Hello,' || char(10) || char(10) ||
  'an account was registered for user' || i || '@example.com. To confirm it, run' || char(10) || char(10) ||
  '    authctl confirm eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' || hex(randomblob(90)) || '.' || hex(randomblob(16)) || char(10) || char(10) ||
  'or open this link:' || char(10) || char(10) ||
  'http://127.0.0.1:5000/activate_account?electric_mail=%242b%2412%24' || hex(randomblob(26)) || '&token=eyJ' || hex(randomblob(90)) || char(10) || char(10) ||
  'Token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' || hex(randomblob(90)) || char(10) || char(10) ||
  'Your password (change it with ''authctl passwd'' after logging in):' || char(10) || char(10) ||
  'Password: ' || substr(hex(randomblob(8)), 1, 16) || char(10) || char(10) ||
  'The token works for 2 days. If it expires, run' || char(10) ||
  '''authctl register user' || i || '@example.com'' again for a new one.' || char(10) || char(10) ||
  'If you did not ask for this account, ignore this message.',
  lower(hex(randomblob(16))) || '@example.com',
  strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 hours'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 hours')
FROM k;
SQL
echo "queued: $(sqlite3 "$template" "SELECT count(*) FROM outbox WHERE status = 'queued'") messages"

portfile=$work/mail-sink.port
rm -f "$portfile" "$portfile".count
"$py" "$root/bench/mail-sink.py" "$portfile" &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.1; done
port=$(cat "$portfile")
echo "sink: aiosmtpd $("$py" -c 'import aiosmtpd; print(aiosmtpd.__version__)') on 127.0.0.1:$port"

export AUTHCTL_DB=$db MAIL_SERVER=127.0.0.1 MAIL_PORT=$port MAIL_DEFAULT_SENDER=$sender
export JWT_SECRET=bench-secret-0123456789abcdef0123456789
# One connection, as smtplib's side (the default MAIL_MAX_EMAILS is 100).
export MAIL_MAX_EMAILS=${MAIL_MAX_EMAILS:-$n} MAIL_CONNECTIONS=${MAIL_CONNECTIONS:-1}
fresh() { rm -f "$db" "$db"-wal "$db"-shm; cp "$template" "$db"; }
sink_count() { cat "$portfile".count; }

# The sink's own CPU time (user + system, 1/100 s) while serving each side: the bound.
sink_cpu() { awk '{print $14 + $15}' "/proc/$sink/stat"; }
results=$work/mail-flush.txt
sinkcpu=$work/mail-flush-sink.txt
clientcpu=$work/mail-flush-client.txt
: > "$results"
: > "$sinkcpu"
: > "$clientcpu"
# timed LABEL CMD...: measure's line for $results, and the command's own CPU (user + system
# seconds) to $clientcpu.
timed() {
  local label=$1; shift
  local t
  t=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$t" "$@" >/dev/null 2>/dev/null
  read -r wall rss user sys < <(tail -n 1 "$t")
  rm -f "$t"
  echo "$label $wall $rss" >> "$results"
  echo "$label $user $sys" >> "$clientcpu"
}
for _ in $(seq "$runs"); do
  fresh
  c0=$(sink_cpu)
  timed authctl-flush "$AUTHCTL" -q mail flush
  echo "authctl-flush $(( $(sink_cpu) - c0 ))" >> "$sinkcpu"
  sent=$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE status = 'sent' AND body IS NULL")
  [ "$sent" = "$n" ] || { echo "authctl delivered $sent of $n"; exit 1; }
  echo "after authctl: sink messages/connections $(sink_count)"
  fresh
  c0=$(sink_cpu)
  timed python-smtplib "$py" "$root/bench/mail-smtplib.py" "$db" "$port" "$sender"
  echo "python-smtplib $(( $(sink_cpu) - c0 ))" >> "$sinkcpu"
  echo "after smtplib: sink messages/connections $(sink_count)"
done
summarize "$results"
python3 - "$sinkcpu" "$clientcpu" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, ticks = line.split()
    rows[label].append(int(ticks) / 100)
for k, v in rows.items():
    print(f"sink CPU while serving {k:16s} median {statistics.median(v):.2f}s")
rows = collections.defaultdict(list)
for line in open(sys.argv[2]):
    label, user, system = line.split()
    rows[label].append(float(user) + float(system))
for k, v in rows.items():
    print(f"client CPU of {k:24s} median {statistics.median(v):.2f}s (user + system)")
PY
python3 - "$results" "$n" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, _ = line.split()
    rows[label].append(float(wall))
n = int(sys.argv[2])
rate = {k: n / statistics.median(v) for k, v in rows.items()}
for k, r in rate.items():
    print(f"{k:28s} {r:8.0f} messages/s (median)")
a, b = list(rate)
print(f"ratio {a} / {b}: {rate[a] / rate[b]:.2f}x messages/s")
# Each run of one side is followed by one of the other: the ratio within each such pair
# follows the machine's load less than the ratio of the medians.
pairs = sorted(y / x for x, y in zip(rows[a], rows[b]))
print(f"ratio within each interleaved pair: median {statistics.median(pairs):.2f}x "
      f"(from {pairs[0]:.2f}x to {pairs[-1]:.2f}x over {len(pairs)} pairs)")
PY
