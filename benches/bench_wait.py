"""Benchmark: what confirming deletions with replicas (`WAIT`) costs `sessctl revoke --user`.

Run through scripts/bench-wait (it builds target/release/sessctl first).

Starts a primary and one replica (redis-server, --save "" --appendonly no, on free ports in
a temp dir), loads N sessions of U users on the primary (as bench-revoke does) and waits
for the replica to catch up. Then times `sessctl revoke --user <one user> --yes -o json`
with `--wait-replicas 1` (each batch of 1,000 deletions confirmed by the replica, the
default where the primary has replicas) and `--wait-replicas 0` (no WAIT), in alternating
runs, writing the user's sessions back (and letting the replica catch up) between runs.

Checks each run: revoked == the user's session count, none of the user's keys left on the
primary nor, once caught up, on the replica. Prints a markdown table on stdout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_revoke import ROOT, Server, load, log, machine, restore  # noqa: E402


def caught_up(primary, replica, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        want = primary.r.info("replication")["master_repl_offset"]
        info = replica.r.info("replication")
        if info.get("master_link_status") == "up" and info.get("slave_repl_offset") == want:
            return
        time.sleep(0.05)
    raise SystemExit("the replica did not catch up")


def run(binary, primary, user, wait, timeout):
    argv = [binary, "-r", primary.url(), "--wait-replicas", str(wait), "revoke", "--user", user,
            "--yes", "-o", "json"]
    started = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - started
    if out.returncode != 0:
        raise SystemExit(f"sessctl failed ({out.returncode}): {out.stderr}")
    return wall, json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=1_000_000)
    ap.add_argument("--users", type=int, nargs="+", default=[10, 10_000],
                    help="user counts to run (10: the user has a tenth of the sessions)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each mode, alternating")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/sessctl"))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-wait-")
    primary, replica = Server(tmp), Server(tmp)
    rows = []
    try:
        replica.r.replicaof("127.0.0.1", primary.port)
        for users in args.users:
            keys = load(primary, args.sessions, users, "1", args.timeout)
            caught_up(primary, replica)
            times = {1: [], 0: []}
            for i in range(args.repeat * 2):
                wait = 1 if i % 2 == 0 else 0
                wall, summary = run(args.binary, primary, "1", wait, args.timeout)
                assert summary["revoked"] == len(keys), summary
                assert primary.r.exists(*keys[:1000]) == 0
                caught_up(primary, replica)
                assert replica.r.exists(*keys[:1000]) == 0
                log(f"{users} users, wait {wait}: {wall:.3f} s, revoked {summary['revoked']:,}")
                times[wait].append(wall)
                restore(primary, keys, "1")
                caught_up(primary, replica)
            on, off = statistics.median(times[1]), statistics.median(times[0])
            rows.append((users, len(keys), on, off, times))
    finally:
        replica.stop()
        primary.stop()

    info = machine()
    print(f"Machine: {info['nproc']} cores, {info['cpu']}, {info['redis']}, load {info['load']}\n")
    print(f"`revoke --user` over {args.sessions:,} sessions, primary + 1 replica, "
          f"{args.repeat} runs per mode, alternating (median wall time):\n")
    print("| users | sessions revoked | WAIT on (`--wait-replicas 1`) | WAIT off (`0`) | cost of WAIT |")
    print("|---:|---:|---:|---:|---:|")
    for users, n, on, off, times in rows:
        runs_on = ", ".join(f"{t:.2f}" for t in times[1])
        runs_off = ", ".join(f"{t:.2f}" for t in times[0])
        print(f"| {users:,} | {n:,} | {on:.3f} s ({runs_on}) | {off:.3f} s ({runs_off}) | "
              f"{(on / off - 1) * 100:+.1f} % |")


if __name__ == "__main__":
    main()
