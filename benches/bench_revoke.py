"""Benchmark: revoke every session of ONE user among N sessions, three ways.

Run through scripts/bench-revoke (it builds target/release/sessctl first).

For each size N (default 100,000 and 1,000,000) it starts its own redis-server on a free
port in a temp dir (--save "" --appendonly no), loads N sessions of U users (default
10,000) with `redis-cli --pipe` exactly as tornado-auth-sessions writes them
(`SETEX session:<token_urlsafe(32)> 604800 <user id>`, users round-robin, so each user has
N/U sessions), then times, on the same data:

  naive    benches/revoke_naive.py  - redis-py scan_iter + GET + DEL per key
  tuned    benches/revoke_tuned.py  - redis-py SCAN COUNT 1000 + MGET + batched DEL
  sessctl  target/release/sessctl revoke --user U --yes -o json
  list     target/release/sessctl list -o json > /dev/null   (all N sessions)

Between runs the user's sessions are written back, so every run sees the same N keys.
Measured per run: wall time; Redis command time (sum of `usec` in INFO commandstats after
CONFIG RESETSTAT) and its share of the wall time; Redis process CPU (used_cpu_user+sys
delta); the client process's CPU (user + system) and peak RSS (GNU time %M); correctness
(deleted == the user's session count, DBSIZE == N - count afterwards, none of the user's keys
left).

With --sessctl-baseline OTHER_BINARY (an older build), that binary's `revoke --user` is timed
on the same data too, its runs alternating with sessctl's, and the report gives the ratios
(the machine is shared, so only a comparison within one run means anything).

Prints a markdown report (machine, table, scaling) on stdout; progress goes to stderr.
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TTL = 604800
PREFIX = "session:"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------
# redis-server


class Server:
    def __init__(self, tmp):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="redis-", dir=tmp)
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", self.dir,
                "--logfile", os.path.join(self.dir, "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        self.r = redis.Redis(port=self.port, decode_responses=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.r.ping():
                    break
            except redis.exceptions.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"redis-server did not start; see {self.dir}/redis.log")
            time.sleep(0.05)

    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------------------------
# data


def resp(*parts):
    out = [b"*%d\r\n" % len(parts)]
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def load(server, n, users, target, timeout):
    """Loads n sessions of `users` users; returns the target user's session keys."""
    log(f"loading {n:,} sessions of {users:,} users with redis-cli --pipe")
    started = time.monotonic()
    server.r.flushall()
    pipe = subprocess.Popen(
        ["redis-cli", "-p", str(server.port), "--pipe"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    target_keys = []
    ttl = str(TTL).encode()
    chunk = []
    for i in range(n):
        key = PREFIX + secrets.token_urlsafe(32)
        user = str(i % users + 1)
        if user == target:
            target_keys.append(key)
        chunk.append(resp(b"SETEX", key, ttl, user))
        if len(chunk) == 10000:
            pipe.stdin.write(b"".join(chunk))
            chunk.clear()
    pipe.stdin.write(b"".join(chunk))
    out = pipe.communicate(timeout=timeout)[0].decode(errors="replace")
    if pipe.returncode != 0 or "errors: 0" not in out:
        raise SystemExit(f"redis-cli --pipe failed:\n{out}")
    size = server.r.dbsize()
    if size != n:
        raise SystemExit(f"loaded {size} keys, expected {n}")
    log(f"loaded in {time.monotonic() - started:.1f} s; used_memory "
        f"{server.r.info('memory')['used_memory_human']}")
    return target_keys


def restore(server, keys, user):
    p = server.r.pipeline(transaction=False)
    for key in keys:
        p.set(key, user, ex=TTL)
    p.execute()


# ------------------------------------------------------------------------------------
# one timed run


def redis_cpu(server):
    info = server.r.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def redis_commands(server):
    """{command: (calls, usec)} since CONFIG RESETSTAT, without the benchmark's own calls."""
    stats = server.r.info("commandstats")
    return {k.removeprefix("cmdstat_"): (v["calls"], v["usec"]) for k, v in stats.items()
            if k not in ("cmdstat_config", "cmdstat_info")}


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def timed(server, argv, timeout, env=None, stdout=subprocess.PIPE):
    """Runs argv as a child; returns wall, Redis times, peak RSS and its output.

    Peak RSS comes from GNU time's %M (the child's ru_maxrss). Without /usr/bin/time it is
    our own wait4() ru_maxrss, which Linux inflates to at least this Python process's size
    (the forked copy is counted before exec), so small clients then read ~35 MiB.
    """
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    server.r.config_resetstat()
    cpu0 = redis_cpu(server)
    err = tempfile.TemporaryFile()
    out = tempfile.TemporaryFile() if stdout == subprocess.PIPE else stdout
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                            start_new_session=True)
    deadline = started + timeout
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise TimeoutError(f"{argv} still running after {timeout} s; killed")
        time.sleep(0.005)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    commands = redis_commands(server)
    usec = sum(u for _, u in commands.values())
    cpu = redis_cpu(server) - cpu0
    rss_kib = rusage.ru_maxrss  # KiB on Linux
    # The child's CPU (user + system), its own children included (GNU time's is negligible).
    client_cpu = rusage.ru_utime + rusage.ru_stime
    if rss_file:
        with open(rss_file) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        os.unlink(rss_file)
        if lines and lines[-1].strip().isdigit():
            rss_kib = int(lines[-1])
    err.seek(0)
    stderr = err.read().decode(errors="replace")
    text = ""
    if stdout == subprocess.PIPE:
        out.seek(0)
        text = out.read().decode(errors="replace")
    return {
        "code": proc.returncode,
        "wall": wall,
        "redis_s": usec / 1e6,
        "redis_cpu_s": cpu,
        "rss_kib": rss_kib,
        "client_cpu_s": client_cpu,
        "commands": ", ".join(f"{c} {n:,} calls {u / 1e6:.3f} s" for c, (n, u) in
                              sorted(commands.items(), key=lambda kv: -kv[1][1])),
        "stdout": text,
        "stderr": stderr,
    }


def check_revoke(server, run, n, user_keys, deleted):
    left = server.r.dbsize()
    still = server.r.exists(*user_keys) if user_keys else 0
    run["deleted"] = deleted
    run["left"] = left
    run["ok"] = deleted == len(user_keys) and left == n - len(user_keys) and still == 0
    if not run["ok"]:
        log(f"  INCORRECT: deleted {deleted} (expected {len(user_keys)}), {left} keys left "
            f"(expected {n - len(user_keys)}), {still} of the user's keys still there")


# ------------------------------------------------------------------------------------


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    version = subprocess.run(["redis-server", "--version"], capture_output=True,
                             text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "redis": version,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "redis_py": redis.__version__,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def fmt_s(x):
    return "—" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def median_run(runs):
    """Median of each metric over the repeats (correctness: all runs must be right)."""
    if not runs:
        return None
    keys = ["wall", "redis_s", "redis_cpu_s", "rss_kib", "client_cpu_s"]
    m = {k: statistics.median(r[k] for r in runs) for k in keys}
    m["runs"] = len(runs)
    m["ok"] = all(r.get("ok", True) for r in runs)
    m["deleted"] = runs[-1].get("deleted")
    m["left"] = runs[-1].get("left")
    return m


def main():
    parser = argparse.ArgumentParser(
        description="Time revoking one user's sessions: redis-py loops vs sessctl.")
    parser.add_argument("--sizes", default="100000,1000000",
                        help="comma-separated session counts (default 100000,1000000)")
    parser.add_argument("--users", type=int, default=10000, help="distinct users (10000)")
    parser.add_argument("--user", default="4242", help="the user to revoke (4242)")
    parser.add_argument("--skip-naive", action="store_true",
                        help="skip the naive loop above 100k sessions (~80 s at 1M)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of tuned/sessctl/list per size; medians are reported (3)")
    parser.add_argument("--sessctl", default=os.path.join(ROOT, "target/release/sessctl"))
    parser.add_argument("--no-sessctl", action="store_true", help="baselines only")
    parser.add_argument("--sessctl-baseline", metavar="PATH",
                        help="another sessctl binary (an older build) timed on the same data, "
                             "its runs alternating with --sessctl's; the report gives the ratio")
    parser.add_argument("--baseline-label", default="baseline build",
                        help="what to call --sessctl-baseline in the report")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds before any single run is killed (900)")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    if int(args.user) > args.users:
        raise SystemExit("--user must be one of 1..--users")
    py = sys.executable

    env = dict(os.environ)
    for k in list(env):
        if k.startswith("SESSCTL_") or k == "REDIS_URL":
            del env[k]
    # revoke --user and list need no secret; one is configured as an operator would have it.
    env["SESSCTL_SECRET"] = "benchmark secret (unused by revoke --user and list)"
    env["NO_COLOR"] = "1"

    tmp = tempfile.mkdtemp(prefix="bench-revoke-")
    server = None

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    results = {}
    info = machine()
    started = time.monotonic()
    subprocess.run([py, "-c", "import redis"], check=True)
    info["py_startup"] = time.monotonic() - started
    log(f"machine: {info}")
    try:
        for n in sizes:
            server = Server(tmp)
            env["SESSCTL_REDIS_URL"] = server.url()
            user_keys = load(server, n, args.users, args.user, args.timeout)
            count = len(user_keys)
            log(f"N={n:,}: user {args.user} has {count} sessions")
            methods = []
            if not (args.skip_naive and n > 100_000):
                methods.append(("naive", [py, os.path.join(HERE, "revoke_naive.py")], 1))
            methods.append(("tuned", [py, os.path.join(HERE, "revoke_tuned.py")],
                            args.repeat))
            if not args.no_sessctl:
                methods.append(("sessctl", [args.sessctl], args.repeat))
            if args.sessctl_baseline and not args.no_sessctl:
                methods.append(("baseline", [args.sessctl_baseline], args.repeat))
            # The runs in order: each method's repeats in turn, except sessctl and its baseline,
            # which alternate (sessctl first in odd rounds, the baseline first in even ones) so
            # that drifting load on a shared machine weighs on both alike.
            schedule = []
            paired = [m for m in methods if m[0] in ("sessctl", "baseline")]
            for name, base, repeat in methods:
                if name in ("sessctl", "baseline") and len(paired) == 2:
                    continue
                schedule += [(name, base, i, repeat) for i in range(repeat)]
            if len(paired) == 2:
                for i in range(args.repeat):
                    pair = paired if i % 2 == 0 else paired[::-1]
                    schedule += [(name, base, i, repeat) for name, base, repeat in pair]
            per_size = {"count": count}
            runs_of = {name: [] for name, _, _ in methods}
            given_up = set()
            for name, base, i, repeat in schedule:
                if name in given_up:
                    continue
                if name in ("sessctl", "baseline"):
                    argv = base + ["revoke", "--user", args.user, "--yes", "-o", "json"]
                else:
                    argv = base + ["--port", str(server.port), "--user", args.user]
                log(f"N={n:,} {name} run {i + 1}/{repeat}")
                try:
                    run = timed(server, argv, args.timeout, env=env)
                except TimeoutError as e:
                    log(f"  {e}")
                    given_up.add(name)
                    continue
                if run["code"] != 0:
                    log(f"  {name} exited {run['code']}\n  stdout: {run['stdout'][:2000]}"
                        f"\n  stderr: {run['stderr'][:2000]}")
                    run["ok"] = False
                    run["deleted"] = None
                    run["left"] = server.r.dbsize()
                else:
                    try:
                        last = [l for l in run["stdout"].splitlines() if l.strip()][-1]
                        summary = json.loads(last)
                        deleted = summary["revoked"] if name in ("sessctl", "baseline") \
                            else summary["deleted"]
                    except (IndexError, ValueError, KeyError) as e:
                        log(f"  cannot read {name}'s summary ({e}): {run['stdout'][:500]}")
                        deleted = None
                    check_revoke(server, run, n, user_keys, deleted)
                log(f"  wall {run['wall']:.3f} s, redis {run['redis_s']:.3f} s, "
                    f"rss {run['rss_kib'] / 1024:.1f} MiB, client CPU {run['client_cpu_s']:.3f} s, ok={run['ok']}"
                    f"\n  Redis: {run['commands']}")
                runs_of[name].append(run)
                restore(server, user_keys, args.user)
                assert server.r.dbsize() == n
            for name, runs in runs_of.items():
                per_size[name] = median_run(runs)
                if name in ("sessctl", "baseline"):
                    per_size[name + "_walls"] = [r["wall"] for r in runs]
            if not args.no_sessctl:
                runs = []
                for i in range(args.repeat):
                    log(f"N={n:,} list run {i + 1}/{args.repeat}")
                    try:
                        run = timed(server, [args.sessctl, "list", "-o", "json"], args.timeout,
                                    env=env, stdout=subprocess.DEVNULL)
                    except TimeoutError as e:
                        log(f"  {e}")
                        break
                    run["ok"] = run["code"] == 0
                    if not run["ok"]:
                        log(f"  list exited {run['code']}: {run['stderr'][:2000]}")
                    log(f"  wall {run['wall']:.3f} s, rss {run['rss_kib'] / 1024:.1f} MiB"
                        f"\n  Redis: {run['commands']}")
                    runs.append(run)
                # Correctness of list, untimed: one JSON line per session.
                lines = 0
                users = set()
                with subprocess.Popen([args.sessctl, "list", "-o", "json"], env=env,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL) as p:
                    for line in p.stdout:
                        lines += 1
                        if lines <= 1000:
                            users.add(json.loads(line)["user"])
                if runs:
                    runs[-1]["ok"] = runs[-1]["ok"] and lines == n and p.returncode == 0
                    if lines != n:
                        log(f"  INCORRECT: list printed {lines} lines for {n} sessions")
                per_size["list"] = median_run(runs)
            results[n] = per_size
            server.stop()
            server = None
    except KeyboardInterrupt:
        log("interrupted; reporting what was measured")
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["rm", "-rf", tmp])

    info["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report(results, info, args)


def report(results, info, args):
    print("### Revoking one user's sessions\n")
    print(f"Machine: {info['nproc']} CPUs ({info['cpu']}), Linux {info['kernel']}, "
          f"{info['redis']}; Python {info['python']}, redis-py {info['redis_py']}; "
          f"load average {info['load']} at start, {info.get('load_end', '?')} at the end "
          f"(the machine is shared; wall times vary with it). Redis and the client share the machine "
          f"(loopback TCP). {args.users:,} users, sessions spread evenly; medians of "
          f"{args.repeat} runs (naive: 1 run). Wall times include process start-up "
          f"(Python + `import redis` alone: {info['py_startup']:.2f} s).\n")
    print("| N sessions | method | user's sessions | wall (s) | Redis command time (s) | "
          "Redis busy % of wall | Redis CPU (s) | client CPU (s) | client peak RSS (MiB) | deleted | keys left | correct |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    names = {
        "naive": "redis-py `scan_iter` + `GET` + `DEL`",
        "tuned": "redis-py `SCAN 1000` + `MGET` + batched `DEL`",
        "sessctl": "`sessctl revoke --user U --yes`",
        "list": "`sessctl list -o json > /dev/null`",
        "baseline": f"`sessctl revoke --user U --yes`, {args.baseline_label}",
    }
    for n, per in results.items():
        for name in ("naive", "tuned", "sessctl", "baseline", "list"):
            m = per.get(name)
            if m is None:
                if name == "naive" and name not in per:
                    print(f"| {n:,} | {names[name]} | {per['count']} | skipped | | | | | | | | |")
                continue
            busy = 100 * m["redis_s"] / m["wall"] if m["wall"] else 0
            if name == "list":
                deleted, left, sessions = "—", "—", f"(all {n:,})"
            else:
                deleted = "—" if m["deleted"] is None else f"{m['deleted']:,}"
                left = "—" if m["left"] is None else f"{m['left']:,}"
                sessions = str(per["count"])
            print(f"| {n:,} | {names[name]} | {sessions} | {fmt_s(m['wall'])} | "
                  f"{fmt_s(m['redis_s'])} | {busy:.0f}% | {fmt_s(m['redis_cpu_s'])} | {fmt_s(m['client_cpu_s'])} | "
                  f"{m['rss_kib'] / 1024:.1f} | {deleted} | {left} | "
                  f"{'yes' if m['ok'] else '**NO**'} |")
    sizes = sorted(results)
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        print(f"\nScaling from {a:,} to {b:,} sessions ({b / a:g}x data):\n")
        print("| method | wall | client peak RSS |")
        print("|---|---:|---:|")
        for name in ("naive", "tuned", "sessctl", "list"):
            ma, mb = results[a].get(name), results[b].get(name)
            if ma and mb and ma["wall"] and ma["rss_kib"]:
                print(f"| {names[name]} | {fmt_s(ma['wall'])} s → {fmt_s(mb['wall'])} s "
                      f"({mb['wall'] / ma['wall']:.1f}x) | {ma['rss_kib'] / 1024:.1f} → "
                      f"{mb['rss_kib'] / 1024:.1f} MiB ({mb['rss_kib'] / ma['rss_kib']:.2f}x) |")
    for n in sizes:
        per = results[n]
        s, b = per.get("sessctl"), per.get("baseline")
        if s and b and s["wall"] and b["wall"]:
            walls = ", ".join(f"{w:.3f}" for w in per.get("sessctl_walls", []))
            base_walls = ", ".join(f"{w:.3f}" for w in per.get("baseline_walls", []))
            print(f"\nAt {n:,} sessions, `revoke --user` wall time: this build {fmt_s(s['wall'])} s "
                  f"(runs {walls}), {args.baseline_label} {fmt_s(b['wall'])} s (runs {base_walls}); "
                  f"ratio this/baseline {s['wall'] / b['wall']:.3f} (medians, runs alternating). "
                  f"Redis command time {fmt_s(s['redis_s'])} s vs {fmt_s(b['redis_s'])} s; "
                  f"client CPU {s['client_cpu_s']:.3f} s vs {b['client_cpu_s']:.3f} s "
                  f"(ratio {s['client_cpu_s'] / max(b['client_cpu_s'], 1e-9):.3f}); "
                  f"client peak RSS {s['rss_kib'] / 1024:.1f} vs {b['rss_kib'] / 1024:.1f} MiB.", end="")
        for base in ("naive", "tuned"):
            m = per.get(base)
            if s and m and s["wall"] and m["wall"]:
                ratio = m["wall"] / s["wall"]
                how = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
                print(f"\nAt {n:,} sessions, sessctl is {how} than the {base} redis-py "
                      f"script (wall time).", end="")
    print("\n\nRedis command time is the sum of `usec` in `INFO commandstats` (command "
          "execution only; network I/O and parsing show in Redis CPU). Peak RSS is the "
          "client process's `ru_maxrss` as GNU time reports it (`%M`; ~1 MiB floor). "
          "Rerun: `scripts/bench-revoke` (`--skip-naive` skips the slow loop at 1M).\n")


if __name__ == "__main__":
    main()
