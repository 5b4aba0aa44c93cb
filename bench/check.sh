#!/usr/bin/env bash
# authctl check (issue 14), three figures, with the release binary `make` builds (static Swift
# runtime, what `make install` puts where servers run it):
#  1. latency at bcrypt cost 12: `check EMAIL` (right password) against the bare hash of
#     bench/bcrypt.sh's bcrypt-bench (timed in-process, and as a whole process), interleaved;
#     the same at cost 4, where the hash is ~1 ms and the rest is the overhead;
#  2. throughput at cost 4: one `check --batch` process answering 10,000 lines against 10,000
#     separate `check` processes, requests per second;
#  3. 16 `check` processes at once against one SQLite file, at cost 12, ROUNDS times (right and
#     wrong passwords, one account and 16): how many exit 75 (busy).
#  The floor of any command is the process start: `authctl --version` is timed beside them.
#  AUTHCTL_BASE=/path/to/another/authctl adds that build to part 1, interleaved run by run with
#  this one (before/after figures from the same run), each on its own copy of the database.
# Usage: bench/check.sh   (RUNS=15 latency runs; LINES=10000; ROUNDS=10; PARTS=123 to choose)
source "$(dirname "$0")/lib.sh"
runs=${RUNS:-15}
lines=${LINES:-10000}
rounds=${ROUNDS:-10}
# The binary `make` builds without PostgreSQL (WITH_POSTGRESQL=0): static Swift runtime and
# static C libraries.
(cd "$root" && make -s build WITH_POSTGRESQL=0 \
  SWIFTPM_FLAGS="--scratch-path $root/.build-static --product authctl" >/dev/null &&
  swift build -c release --product bcrypt-bench >/dev/null)
AUTHCTL="$root/.build-static/release/authctl"
BENCH="$root/.build/release/bcrypt-bench"
PY=${AUTHCTL_TEST_PYTHON:-/usr/bin/python3}
"$PY" - "$AUTHCTL" "$BENCH" "$work" "$runs" "$lines" "$rounds" "${PARTS:-123}" "${AUTHCTL_BASE:-}" <<'PY'
import os, shutil, statistics, subprocess, sys, time
authctl, bench, work = sys.argv[1], sys.argv[2], sys.argv[3]
runs, lines, rounds = map(int, sys.argv[4:7])
parts = sys.argv[7]
base = sys.argv[8]
pw = "tulip ledger 4 orbit canyon"

def database(name, cost, emails, binary=authctl):
    d = os.path.join(work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    db = os.path.join(d, "authctl.sqlite")
    env = dict(os.environ, AUTHCTL_BCRYPT_COST=str(cost))
    csv = "email,password_hash,activated_at,created_at\n" + "".join(
        f"{e},,2024-01-01T00:00:00Z,\n" for e in emails)
    subprocess.run([binary, "--db", db, "-q", "users", "import", "-"], input=csv.encode(),
                   env=env, check=True, stdout=subprocess.DEVNULL)
    for e in emails:
        subprocess.run([binary, "--db", db, "-q", "users", "set-password", e, "--password-stdin"],
                       input=(pw + "\n").encode(), env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return db

import resource
cpu = []  # each timed process's own CPU (user + system), from the children's rusage

def timed(cmd, stdin=b"", env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, capture_output=True, env=env)
    e = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return e, r

def med(xs): return statistics.median(xs) * 1000

def latency():
  print(f"== 1. check latency, medians of {runs} interleaved runs (ms)")
  builds = [("this build", authctl)] + ([("AUTHCTL_BASE", base)] if base else [])
  for cost in (12, 4):
      env = dict(os.environ, AUTHCTL_BCRYPT_COST=str(cost))
      dbs = [database(f"check-latency-{cost}-{i}", cost, ["ann@example.com"], b)
             for i, (_, b) in enumerate(builds)]
      check = [[] for _ in builds]
      check_cpu = [[] for _ in builds]
      start = [[] for _ in builds]
      bare_in, bare_proc = [], []
      for i in range(runs):
          for j, (_, binary) in enumerate(builds):
              e, r = timed([binary, "--version"])
              start[j].append(e)
              e, r = timed([binary, "--db", dbs[j], "check", "ann@example.com"],
                           (pw + "\n").encode(), env)
              assert r.returncode == 0, r
              check[j].append(e)
              check_cpu[j].append(cpu[-1])
          e, r = timed([bench, str(cost)])
          bare_in.append(float(r.stdout)); bare_proc.append(e)
      bi, bp = med(bare_in), med(bare_proc)
      print(f"cost {cost:2d}: bare hash in-process {bi:8.1f}   bcrypt-bench process {bp:8.1f}")
      for j, (label, binary) in enumerate(builds):
          c, v = med(check[j]), med(start[j])
          print(f"  {label:10s}: check {c:8.1f}   authctl --version {v:6.1f}   overhead: check - bare hash = {c - bi:.1f} ms (of which process start {v:.1f} ms); check - bcrypt-bench process = {c - bp:.1f} ms; check's own CPU {med(check_cpu[j]):.1f} ms")

def throughput():
  chunks = 10
  print(f"== 2. throughput at cost 4, {lines} requests each way, in {chunks} interleaved chunks")
  db = database("check-throughput", 4, ["ann@example.com"])
  env = dict(os.environ, AUTHCTL_BCRYPT_COST="4", AUTHCTL_LOCKOUT_THRESHOLD="1000")
  request = "ann@example.com " + pw.replace(" ", "%20") + "\n"
  batch, procs = 0.0, 0.0
  for _ in range(chunks):
      n = lines // chunks
      e, r = timed([authctl, "--db", db, "check", "--batch"], (request * n).encode(), env)
      assert r.returncode == 0 and r.stdout.count(b"OK\n") == n, r.stdout[-200:]
      batch += e
      t = time.perf_counter()
      for i in range(n):
          r = subprocess.run([authctl, "--db", db, "check", "ann@example.com"],
                             input=(pw + "\n").encode(), capture_output=True, env=env)
          assert r.returncode == 0, r
      procs += time.perf_counter() - t
  batch_rate, proc_rate = lines / batch, lines / procs
  print(f"check --batch (one process per chunk): {batch:.2f} s, {batch_rate:.0f} requests/s")
  print(f"separate check processes: {procs:.2f} s, {proc_rate:.0f} requests/s")
  print(f"ratio: {batch_rate / proc_rate:.1f}x")

def parallel():
  print(f"== 3. 16 check processes at once, cost 12, {rounds} rounds each")
  emails = [f"user{i}@example.com" for i in range(16)]
  db = database("check-parallel", 12, emails)
  env = dict(os.environ, AUTHCTL_BCRYPT_COST="12", AUTHCTL_LOCKOUT_THRESHOLD="1000")
  for label, who, secret in [("one account, right", ["user0@example.com"] * 16, pw),
                             ("16 accounts, right", emails, pw),
                             ("16 accounts, wrong", emails, "not the password at all")]:
      statuses = {}
      t = time.perf_counter()
      for _ in range(rounds):
          procs = [subprocess.Popen([authctl, "--db", db, "check", e], stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                   for e in who]
          for p in procs: p.stdin.write((secret + "\n").encode()); p.stdin.close()
          for p in procs:
              rc = p.wait()
              statuses[rc] = statuses.get(rc, 0) + 1
      e = time.perf_counter() - t
      print(f"{label:20s}: {16 * rounds} checks in {e:.1f} s, exit statuses {dict(sorted(statuses.items()))}, exit 75: {statuses.get(75, 0)}")

for part, run in (("1", latency), ("2", throughput), ("3", parallel)):
    if part in parts: run()
PY
