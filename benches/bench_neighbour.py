"""The neighbour benchmark: what a scan costs the app that shares Redis with it.

Run through scripts/bench-neighbour (it builds target/release/sessctl and manages a venv
with redis-py and matplotlib).

Starts its own redis-server on a free port in a temp dir (--save "" --appendonly no), loads
N sessions (default 1,000,000) of U users with `redis-cli --pipe`, exactly as
tornado-auth-sessions writes them, and then, for each workload, runs a probe
(benches/neighbour_probe.py: one GET per millisecond on its own connection, as an app
would) for the workload's whole run and records the probe's round trips (p50, p99, p99.9,
max), the workload's wall time and its pace (keys scanned per second):

  idle              the probe alone
  revoke            sessctl revoke --user U --yes, full speed
  stats             sessctl stats -o json, full speed
  revoke --rate R   for each R in --rates (time-boxed by --max-duration when N/R is long:
                    the pace and the probe are measured on the part that ran, the run time
                    for N keys is N / pace)
  revoke --max-latency T   for each T in --latencies
  tuned redis-py    benches/revoke_tuned.py (SCAN COUNT 1000 + MGET + batched DEL)
  redis-cli --scan  redis-cli --scan --pattern 'session:*'
  KEYS              redis-cli KEYS 'session:*'

Between runs the user's sessions are written back, so every run sees the same N keys.
Then checks that a run in slices (list --max-duration --resume, about 5 slices) lists
exactly the sessions one run lists.

Writes a markdown report on stdout (machine, table, goals), a JSON file of every figure
(--json) and a PNG plot (--png: probe p99 against pace; run time for N keys).
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
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
    print(f"[neighbour {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="redis-", dir=tmp)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir,
             "--logfile", os.path.join(self.dir, "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
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


def resp(*parts):
    out = [b"*%d\r\n" % len(parts)]
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def load(server, n, users, target):
    """Loads n sessions; returns (the target user's keys, a sample of keys for the probe)."""
    log(f"loading {n:,} sessions of {users:,} users with redis-cli --pipe")
    started = time.monotonic()
    server.r.flushall()
    pipe = subprocess.Popen(["redis-cli", "-p", str(server.port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    target_keys, sample, chunk = [], [], []
    for i in range(n):
        key = PREFIX + secrets.token_urlsafe(32)
        user = str(i % users + 1)
        if user == target:
            target_keys.append(key)
        if i % max(1, n // 1000) == 0:
            sample.append(key)
        chunk.append(resp(b"SETEX", key, TTL, user))
        if len(chunk) == 10000:
            pipe.stdin.write(b"".join(chunk))
            chunk.clear()
    pipe.stdin.write(b"".join(chunk))
    out = pipe.communicate(timeout=600)[0].decode(errors="replace")
    if pipe.returncode != 0 or "errors: 0" not in out:
        raise SystemExit(f"redis-cli --pipe failed:\n{out}")
    if server.r.dbsize() != n:
        raise SystemExit(f"loaded {server.r.dbsize()} keys, expected {n}")
    log(f"loaded in {time.monotonic() - started:.1f} s")
    return target_keys, sample


def restore(server, keys, user):
    p = server.r.pipeline(transaction=False)
    for key in keys:
        p.set(key, user, ex=TTL)
    p.execute()


class Probe:
    """benches/neighbour_probe.py in its own process (no GIL shared with this one)."""

    def __init__(self, server, keys_file, every_us):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "neighbour_probe.py"), "--port", str(server.port),
             "--keys-file", keys_file, "--every-us", str(every_us)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"the probe did not start: {line}{self.proc.stderr.read()}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=60)
        lines = [l for l in out.splitlines() if l.startswith("{")]
        if not lines:
            raise SystemExit(f"the probe failed: {err}")
        return json.loads(lines[-1])


def run_workload(server, probe_args, argv, env, timeout, settle=0.3):
    """Runs argv with the probe measuring; returns wall time, the probe's figures, stdout."""
    probe = Probe(*probe_args)
    time.sleep(settle)  # a few probe samples before the workload starts do no harm
    started = time.monotonic()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, timeout=timeout)
    wall = time.monotonic() - started
    figures = probe.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{argv} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return wall, figures, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


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
    version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "redis": version, "kernel": platform.release(),
            "python": platform.python_version(), "redis_py": redis.__version__,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def parse_ms(text):
    text = text.strip()
    if text.endswith("us"):
        return float(text[:-2]) / 1000
    if text.endswith("ms"):
        return float(text[:-2])
    if text.endswith("s"):
        return float(text[:-1]) * 1000
    raise SystemExit(f"not a latency: {text}")


def main():
    parser = argparse.ArgumentParser(description="What a scan costs the app that shares Redis with it.")
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--user", default="4242")
    parser.add_argument("--rates", default="10000,20000,50000,100000,200000")
    parser.add_argument("--latencies", default="500us,1ms,2ms,5ms")
    parser.add_argument("--box", type=float, default=15.0,
                        help="seconds a --rate run may take at most (--max-duration); 15")
    parser.add_argument("--probe-every-us", type=int, default=1000)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of the idle probe")
    parser.add_argument("--slices", type=int, default=5, help="slices of the resume check (5)")
    parser.add_argument("--sessctl", default=os.path.join(ROOT, "target/release/sessctl"))
    parser.add_argument("--json", default=None, help="write every figure to this file")
    parser.add_argument("--png", default=None, help="write the plot to this file")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    n = args.sessions

    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSCTL_") and k != "REDIS_URL"}
    env["NO_COLOR"] = "1"
    env["XDG_CONFIG_HOME"] = "/nonexistent"
    tmp = tempfile.mkdtemp(prefix="bench-neighbour-")
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    info = machine()
    log(f"machine: {info}")
    server = Server(tmp)
    rows = []
    try:
        user_keys, sample = load(server, n, args.users, args.user)
        keys_file = os.path.join(tmp, "probe-keys")
        with open(keys_file, "w") as f:
            f.write("\n".join(sample) + "\n")
        probe_args = (server, keys_file, args.probe_every_us)
        sessctl = [args.sessctl, "-r", server.url(), "-q"]

        def record(name, kind, wall, figures, scanned, extra=None):
            row = {"name": name, "kind": kind, "wall_s": wall, "keys_per_second": scanned / wall if wall else None,
                   "probe": figures, **(extra or {})}
            rows.append(row)
            p = figures
            log(f"{name:<32} {wall or 0:7.2f} s  {row['keys_per_second'] or 0:>10,.0f} keys/s  probe p50 "
                f"{p['p50_ms']:.3f} p99 {p['p99_ms']:.3f} p99.9 {p['p999_ms']:.3f} max {p['max_ms']:.1f} ms")
            return row

        # idle
        probe = Probe(*probe_args)
        time.sleep(args.idle)
        record("idle", "idle", None, probe.stop(), 0)

        def sessctl_revoke(name, kind, extra_args, extra=None):
            wall, figures, out, err = run_workload(
                server, probe_args, sessctl + ["revoke", "--user", args.user, "--yes", "-o", "json"] + extra_args,
                env, args.timeout)
            summary = json.loads(out.strip().splitlines()[-1])
            restore(server, user_keys, args.user)
            row = record(name, kind, wall, figures, summary["scanned"], extra)
            row["summary"] = summary
            row["correct"] = summary["revoked"] == len(user_keys) if summary.get("complete") else None
            return row

        full = sessctl_revoke("sessctl revoke --user", "full", [])
        wall, figures, out, _ = run_workload(server, probe_args, sessctl + ["stats", "-o", "json"], env, args.timeout)
        record("sessctl stats", "full", wall, figures, json.loads(out)["scanned"])

        for rate in [int(r) for r in args.rates.split(",") if r]:
            box = []
            if n / rate > args.box:
                box = ["--max-duration", f"{args.box}s"]
            row = sessctl_revoke(f"revoke --rate {rate:,}", "rate", ["--rate", str(rate)] + box,
                                 {"target_rate": rate, "time_boxed": bool(box)})
            row["run_time_n_s"] = n / row["summary"]["keys_per_second"]

        for text in [t for t in args.latencies.split(",") if t]:
            row = sessctl_revoke(f"revoke --max-latency {text}", "latency",
                                 ["--max-latency", text, "--max-duration", f"{args.box * 4}s"],
                                 {"target_ms": parse_ms(text)})
            row["run_time_n_s"] = n / row["summary"]["keys_per_second"]

        py = sys.executable
        wall, figures, out, _ = run_workload(
            server, probe_args, [py, os.path.join(HERE, "revoke_tuned.py"), "--port", str(server.port),
                                 "--user", args.user], env, args.timeout)
        restore(server, user_keys, args.user)
        tuned = record("tuned redis-py (SCAN+MGET+DEL)", "baseline", wall, figures, json.loads(out)["scanned"])

        wall, figures, out, _ = run_workload(
            server, probe_args, ["redis-cli", "-p", str(server.port), "--scan", "--pattern", "session:*"], env,
            args.timeout)
        record("redis-cli --scan", "baseline", wall, figures, len(out.splitlines()))

        wall, figures, out, _ = run_workload(
            server, probe_args, ["redis-cli", "-p", str(server.port), "KEYS", "session:*"], env, args.timeout)
        record("KEYS session:*", "baseline", wall, figures, len(out.splitlines()))

        # Slices: list in about --slices time-boxed runs with a resume file, against one run.
        log("resume check: one list, then the same list in slices")
        started = time.monotonic()
        one = subprocess.run(sessctl + ["list", "-o", "json"], env=env, capture_output=True, check=True).stdout
        one_wall = time.monotonic() - started
        whole = {json.loads(l)["session_id"] for l in one.splitlines() if l.strip()}
        box = max(0.05, one_wall / args.slices)
        resume = os.path.join(tmp, "list.resume")
        seen, dupes, slices = set(), 0, 0
        while True:
            slices += 1
            out = subprocess.run(sessctl + ["list", "-o", "json", "--max-duration", f"{box:.3f}s", "--resume", resume],
                                 env=env, capture_output=True, check=True)
            for l in out.stdout.splitlines():
                if l.strip():
                    sid = json.loads(l)["session_id"]
                    if sid in seen:
                        dupes += 1
                    seen.add(sid)
            if not os.path.exists(resume) or slices > 100:
                break
        resume_check = {"one_run": len(whole), "slices": slices, "box_s": box, "in_slices": len(seen),
                        "duplicates": dupes, "missing": len(whole - seen), "extra": len(seen - whole),
                        "exact": seen == whole and dupes == 0}
        log(f"resume check: {resume_check}")
    finally:
        server.stop()

    report(args, info, rows, full, tuned, resume_check, n)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "sessions": n, "rows": rows, "resume": resume_check}, f, indent=1)
    if args.png:
        plot(args.png, rows, n)


def report(args, info, rows, full, tuned, resume_check, n):
    print(f"Machine: {info['nproc']} CPU(s) ({info['cpu']}), {info['redis']}, Linux {info['kernel']}, "
          f"load average at the start {info['load']}. {n:,} sessions, {args.users:,} users; the probe "
          f"sends one GET every {args.probe_every_us} µs on its own connection.\n")
    print("| workload | run time (s) | pace (keys/s) | probe p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | "
          f"run time for {n:,} keys (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p = r["probe"]
        wall = "—" if r["wall_s"] is None else f"{r['wall_s']:.2f}"
        kps = r.get("summary", {}).get("keys_per_second") or r["keys_per_second"]
        pace = "—" if not kps else f"{kps:,.0f}"
        name = r["name"] + (" (time-boxed)" if r.get("time_boxed") else "")
        whole = r.get("run_time_n_s") or (r["wall_s"] if r["kind"] in ("full", "baseline") else None)
        print(f"| {name} | {wall} | {pace} | {p['p50_ms']:.3f} | {p['p99_ms']:.3f} | {p['p999_ms']:.3f} | "
              f"{p['max_ms']:.1f} | {'—' if whole is None else f'{whole:.1f}'} |")
    print()
    print("Goals:\n")
    full_kps = full["summary"]["scanned"] / full["wall_s"]
    for r in rows:
        if r["kind"] == "rate":
            achieved = r["summary"]["keys_per_second"]
            off = (achieved - r["target_rate"]) / r["target_rate"] * 100
            verdict = "met" if abs(off) <= 10 else "NOT met"
            print(f"- `--rate {r['target_rate']}`: achieved {achieved:,} keys/s ({off:+.1f} %): {verdict} (±10 %)")
    for r in rows:
        if r["kind"] == "latency":
            kps = r["summary"]["keys_per_second"]
            share = kps / full_kps * 100
            p99 = r["probe"]["p99_ms"]
            target = r["target_ms"]
            line = (f"- `--max-latency {target:g}ms`: probe p99 {p99:.3f} ms (sessctl's own probe saw "
                    f"{r['summary'].get('observed_p99_ms')} ms) at {kps:,} keys/s, {share:.0f} % of full speed")
            if abs(target - 1.0) < 1e-9:
                ok = p99 <= 1.2 and share >= 30
                line += f": {'met' if ok else 'NOT met'} (p99 ≤ 1.2 ms at ≥ 30 %)"
            print(line)
    ratio = tuned["wall_s"] / full["wall_s"]
    print(f"- full speed: `revoke --user` {full['wall_s']:.2f} s, tuned redis-py {tuned['wall_s']:.2f} s: "
          f"{ratio:.2f}x: {'met' if ratio >= 2.5 else 'NOT met'} (≥ 2.5x)")
    rc = resume_check
    print(f"- resume: one `list` run found {rc['one_run']:,} sessions; {rc['slices']} slices of "
          f"--max-duration {rc['box_s']:.2f}s found {rc['in_slices']:,} ({rc['duplicates']} twice, "
          f"{rc['missing']} missing, {rc['extra']} extra): {'met' if rc['exact'] else 'NOT met'}")


def plot(path, rows, n):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2))
    idle = next(r for r in rows if r["kind"] == "idle")
    left.axhline(idle["probe"]["p99_ms"], color="grey", linestyle=":", label="idle p99")
    for kind, style, label in [("rate", "o-", "sessctl --rate"), ("latency", "s-", "sessctl --max-latency")]:
        pts = sorted((r["summary"]["keys_per_second"], r["probe"]["p99_ms"], r) for r in rows if r["kind"] == kind)
        if pts:
            left.plot([p[0] for p in pts], [p[1] for p in pts], style, label=label)
            for x, y, r in pts:
                tag = f"{r['target_rate'] // 1000}k" if kind == "rate" else f"{r['target_ms']:g}ms"
                left.annotate(tag, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    for r in rows:
        if r["kind"] in ("full", "baseline") and r["keys_per_second"]:
            label = r["name"]
            if r["name"].startswith("KEYS"):
                # One reply blocks Redis once: its p99 hides the stall, its maximum shows it.
                label += f" (p99; one stall of {r['probe']['max_ms']:.0f} ms)"
            left.plot([r["keys_per_second"]], [r["probe"]["p99_ms"]], "x" if r["kind"] == "baseline" else "D",
                      markersize=8, label=label)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("pace (keys scanned per second)")
    left.set_ylabel("probe GET round trip, p99 (ms)")
    left.set_title("What the app sees: p99 against pace")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)

    names, times, colours = [], [], []
    for r in rows:
        t = r.get("run_time_n_s") or (r["wall_s"] if r["kind"] in ("full", "baseline") else None)
        if t:
            names.append(r["name"])
            times.append(t)
            colours.append({"rate": "C0", "latency": "C1", "full": "C2", "baseline": "C3"}[r["kind"]])
    right.barh(names, times, color=colours)
    right.invert_yaxis()
    right.set_xscale("log")
    right.set_xlabel(f"run time for {n:,} keys (s, log scale)")
    right.set_title("What it costs: run time")
    right.grid(True, axis="x", which="both", alpha=0.3)
    right.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    log(f"plot written to {path}")


if __name__ == "__main__":
    main()
