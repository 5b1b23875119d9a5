"""Benchmark: offline dumps, live snapshots and undo (docs/snapshots.md).

Run through scripts/bench-snapshot (it builds target/release/sessctl first).

1. `stats --rdb` against live `stats`, at each size (default 1,000,000 and 3,000,000
   sessions of 10,000 users): same figures, wall time of each, peak RSS of each (GNU time
   %M). The dump is made by the server's own SAVE.
2. At the first size: `revoke --user U --snapshot` against the scan-based `revoke --user U`,
   on the same data (the user's sessions written back between runs): the same sessions
   removed, Redis CPU (INFO used_cpu_sys + used_cpu_user of the server process, and the
   main thread's own used_cpu_*_main_thread; the forked child is not counted in either),
   wall time. The server runs with repl-diskless-sync-delay 0.
3. `revoke --all --backup F` then `restore F` over --undo-size sessions (default 100,000):
   every session back, its TTL within 2 s of what it had, and the real Tornado app
   (tests/e2e/app.py, real tornado-auth-sessions) accepting a sample of the restored
   sessions' cookies (signed here with Tornado's own create_signed_value).

Prints a markdown report on stdout; progress on stderr. Each sessctl run is bounded by
--timeout.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_revoke import PREFIX, ROOT, TTL, Server, free_port, load, log, machine, restore, timed  # noqa: E402

SESSCTL = os.path.join(ROOT, "target", "release", "sessctl")
SECRET = "bench cookie secret, long enough to look real"


def env(server):
    e = {k: v for k, v in os.environ.items() if not k.startswith("SESSCTL_") and k != "REDIS_URL"}
    e["SESSCTL_REDIS_URL"] = server.url()
    e["SESSCTL_SECRET"] = SECRET
    e["XDG_CONFIG_HOME"] = "/nonexistent/sessctl-bench"
    return e


def cpu(server):
    c = server.r.info("cpu")
    main = c.get("used_cpu_sys_main_thread", 0) + c.get("used_cpu_user_main_thread", 0)
    children = c["used_cpu_sys_children"] + c["used_cpu_user_children"]
    return c["used_cpu_sys"] + c["used_cpu_user"], main, children


def run(server, args, timeout, **kw):
    before = cpu(server)
    r = timed(server, [SESSCTL] + args, timeout, env=env(server), **kw)
    # The snapshot's forked child is counted (used_cpu_*_children) once Redis has reaped it.
    deadline = time.monotonic() + 30
    while server.r.info("persistence")["rdb_bgsave_in_progress"] and time.monotonic() < deadline:
        time.sleep(0.05)
    after = cpu(server)
    r["cpu_s"] = after[0] - before[0]
    r["main_cpu_s"] = after[1] - before[1]
    r["children_cpu_s"] = after[2] - before[2]
    if r["code"] != 0:
        raise SystemExit(f"sessctl {args} exited {r['code']}:\n{r['stderr']}")
    return r


FIGURES = ["sessions", "users", "no_ttl", "non_string", "malformed", "scanned", "ttl_distribution", "top_users"]


def stats_part(server, n, users, timeout, report):
    log(f"stats at {n:,}: SAVE")
    load(server, n, users, "1", timeout)
    t = time.monotonic()
    # BGSAVE and wait: a SAVE of millions of keys outlasts the client's socket timeout.
    server.r.bgsave()
    while True:
        time.sleep(0.2)
        p = server.r.info("persistence")
        if not p["rdb_bgsave_in_progress"]:
            break
    if p["rdb_last_bgsave_status"] != "ok":
        raise SystemExit("BGSAVE failed")
    dump = os.path.join(server.dir, "dump.rdb")
    log(f"  SAVE took {time.monotonic() - t:.1f} s; {os.path.getsize(dump) / 1e6:.0f} MB")
    live = run(server, ["stats", "-o", "json"], timeout)
    off = run(server, ["stats", "-o", "json", "--rdb", dump], timeout)
    a, b = json.loads(live["stdout"]), json.loads(off["stdout"])
    same = all(a[f] == b[f] for f in FIGURES)
    report.append({
        "n": n,
        "same": same,
        "differs": [f for f in FIGURES if a[f] != b[f]],
        "live_wall": live["wall"], "rdb_wall": off["wall"],
        "live_rss": live["rss_kib"], "rdb_rss": off["rss_kib"],
        "live_redis_cpu": live["cpu_s"], "rdb_redis_cpu": off["cpu_s"],
        "dump_mb": os.path.getsize(dump) / 1e6,
    })
    log(f"  live {live['wall']:.2f} s {live['rss_kib'] / 1024:.0f} MiB; rdb {off['wall']:.2f} s "
        f"{off['rss_kib'] / 1024:.0f} MiB; same figures: {same}")


def revoke_part(server, n, users, timeout, repeat, report):
    target = "7"
    keys = load(server, n, users, target, timeout)
    for i in range(repeat):
        for mode in ["scan", "snapshot"]:
            args = ["revoke", "--user", target, "--yes", "-o", "json"]
            if mode == "snapshot":
                args.append("--snapshot")
            r = run(server, args, timeout)
            s = json.loads(r["stdout"])
            left = server.r.dbsize()
            still = server.r.exists(*keys)
            ok = s["revoked"] == len(keys) and left == n - len(keys) and still == 0
            report.append({"mode": mode, "round": i + 1, "wall": r["wall"], "cpu": r["cpu_s"],
                           "main": r["main_cpu_s"], "children": r["children_cpu_s"], "revoked": s["revoked"], "ok": ok, "rss": r["rss_kib"]})
            log(f"  revoke {mode}: {r['wall']:.2f} s, Redis CPU {r['cpu_s']:.3f} s "
                f"(main thread {r['main_cpu_s']:.3f} s), revoked {s['revoked']}, correct {ok}")
            restore(server, keys, target)


def app_start(server):
    port = free_port()
    logs = tempfile.mkdtemp(prefix="app-")
    e = dict(os.environ, E2E_COOKIE_SECRET=SECRET, PYTHONUNBUFFERED="1")
    out = open(os.path.join(logs, "stdout"), "w")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/e2e/app.py"), "--port", str(port),
                             "--redis-port", str(server.port)], stdout=out, stderr=subprocess.STDOUT, env=e)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the Tornado app did not start")


def whoami(port, cookie):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/whoami", headers={"Cookie": f'session_id="{cookie}"'})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


def undo_part(server, n, users, timeout, sample, report):
    import tornado.web

    load(server, n, users, "1", timeout)
    keys = [k for k in server.r.scan_iter(match=PREFIX + "*", count=10000)]
    # PEXPIRETIME (Redis 7.0): the absolute expiry, so the comparison does not depend on
    # when each read happened.
    p = server.r.pipeline(transaction=False)
    for k in keys:
        p.get(k)
        p.execute_command("PEXPIRETIME", k)
    got = p.execute()
    before = {k: (got[2 * i], got[2 * i + 1]) for i, k in enumerate(keys)}
    work = tempfile.mkdtemp(prefix="undo-")
    backup = os.path.join(work, "revoked.jsonl")
    r1 = run(server, ["revoke", "--all", "--yes", "-o", "json", "--backup", backup], timeout)
    revoked = json.loads(r1["stdout"])["revoked"]
    gone = server.r.dbsize() == 0
    r2 = run(server, ["restore", backup, "-o", "json"], timeout)
    s = json.loads(r2["stdout"])
    p = server.r.pipeline(transaction=False)
    for k in keys:
        p.get(k)
        p.execute_command("PEXPIRETIME", k)
    got = p.execute()
    worst = 0
    wrong = 0
    for i, k in enumerate(keys):
        user, ttl = got[2 * i], got[2 * i + 1]
        u0, t0 = before[k]
        if user != u0 or ttl < 0:
            wrong += 1
            continue
        worst = max(worst, abs(t0 - ttl))
    proc, port = app_start(server)
    accepted = 0
    try:
        for k in random.sample(keys, min(sample, len(keys))):
            sid = k[len(PREFIX):]
            cookie = tornado.web.create_signed_value(SECRET, "session_id", sid).decode()
            status, body = whoami(port, cookie)
            accepted += status == 200 and body == before[k][0]
    finally:
        proc.kill()
        proc.wait()
    report.update({
        "n": n, "revoked": revoked, "all_gone": gone, "revoke_wall": r1["wall"], "restore_wall": r2["wall"],
        "restored": s["restored"], "expired": s["expired"], "already_present": s["already_present"],
        "wrong": wrong, "worst_ttl_loss_ms": worst, "sample": min(sample, len(keys)), "accepted": accepted,
        "backup_mb": os.path.getsize(backup) / 1e6, "restore_rss": r2["rss_kib"],
    })
    log(f"  undo: revoked {revoked}, restored {s['restored']}, worst TTL loss {worst} ms, "
        f"app accepted {accepted}/{min(sample, len(keys))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,3000000")
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--undo-size", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=2, help="revoke rounds per mode")
    ap.add_argument("--sample", type=int, default=200, help="restored cookies checked against the app")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--parts", default="stats,revoke,undo", help="which parts to run")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="bench-snapshot-")
    server = Server(tmp)
    server.r.config_set("repl-diskless-sync-delay", 0)
    stats, revokes, undo = [], [], {}
    try:
        parts = a.parts.split(",")
        if "stats" in parts:
            for n in sizes:
                stats_part(server, n, a.users, a.timeout, stats)
        if "revoke" in parts:
            log(f"revoke at {sizes[0]:,}")
            revoke_part(server, sizes[0], a.users, a.timeout, a.repeat, revokes)
        if "undo" in parts:
            log(f"undo at {a.undo_size:,}")
            undo_part(server, a.undo_size, a.users, a.timeout, a.sample, undo)
    finally:
        server.stop()

    m = machine()
    print("Machine: " + (", ".join(f"{k} {v}" for k, v in m.items()) if isinstance(m, dict) else str(m)) + "\n")
    if stats:
        print("### stats --rdb against live stats\n")
        print("| sessions | dump | live stats | stats --rdb | speed-up | peak RSS live | peak RSS --rdb | same figures |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in stats:
            same = "yes" if s["same"] else "NO: " + ", ".join(s["differs"])
            print(f"| {s['n']:,} | {s['dump_mb']:.0f} MB | {s['live_wall']:.2f} s | {s['rdb_wall']:.2f} s | "
                  f"{s['live_wall'] / s['rdb_wall']:.1f}x | {s['live_rss'] / 1024:.1f} MiB | {s['rdb_rss'] / 1024:.1f} MiB | {same} |")
    if revokes:
        print("\n### revoke --user: snapshot against scan\n")
        print("| mode | round | wall | Redis CPU (process) | Redis CPU (main thread) | forked child's CPU | revoked | correct |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for r in revokes:
            print(f"| {r['mode']} | {r['round']} | {r['wall']:.2f} s | {r['cpu']:.3f} s | {r['main']:.3f} s | "
                  f"{r['children']:.3f} s | {r['revoked']:,} | {'yes' if r['ok'] else 'NO'} |")
    scan = [r for r in revokes if r["mode"] == "scan"]
    snap = [r for r in revokes if r["mode"] == "snapshot"]
    if scan and snap:
        med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
        print(f"\nMedians: Redis process CPU snapshot/scan = {med([r['cpu'] for r in snap]) / med([r['cpu'] for r in scan]):.0%}; "
              f"main thread = {med([r['main'] for r in snap]) / med([r['main'] for r in scan]):.0%}; "
              f"wall snapshot/scan = {med([r['wall'] for r in snap]) / med([r['wall'] for r in scan]):.2f}x")
    u = undo
    if not u:
        return
    print("\n### revoke --all --backup, then restore\n")
    print(f"{u['n']:,} sessions: revoke --all --backup {u['revoke_wall']:.2f} s (revoked {u['revoked']:,}, "
          f"all gone: {u['all_gone']}; backup {u['backup_mb']:.1f} MB); restore {u['restore_wall']:.2f} s "
          f"(restored {u['restored']:,}, expired {u['expired']}, already present {u['already_present']}; "
          f"peak RSS {u['restore_rss'] / 1024:.1f} MiB). Sessions with a wrong user or no TTL after: {u['wrong']}; "
          f"largest difference between a session's expiry time before the revoke and after the restore "
          f"(PEXPIRETIME) {u['worst_ttl_loss_ms']} ms. The Tornado app accepted {u['accepted']} of "
          f"{u['sample']} restored sessions' cookies.")


if __name__ == "__main__":
    main()
