"""Soak: a seeded nemesis that runs sessctl's bulk writes through failovers and checks every
claim of each summary against the current primaries (issue 14, "Revoked means revoked").

Run through scripts/soak-failover (it builds target/release/sessctl first). Not part of CI.

For each deployment asked for (--deployment sentinel|cluster|both) it starts its own servers
in a temp dir, on free ports of 127.0.0.1, each redis-server with its own config file
(`appendonly yes`, `appendfsync always`, so a node killed with SIGKILL and started again
comes back with every write it acknowledged; Redis's persistence is not what is under test):

  sentinel  a primary, one replica and three Sentinels (`redis-server --sentinel`, quorum 2,
            down-after 1000 ms, failover-timeout 4000 ms), watching `soak`
  cluster   three primaries with one replica each (`redis-cli --cluster create …
            --cluster-replicas 1 --cluster-yes`), cluster-node-timeout 2000 ms

Every node and every Sentinel has a TCP proxy in front of it (a thread per direction, in
this process), and the deployment hands out the proxies' addresses: the data nodes announce
their proxy's port (`replica-announce-port`, `cluster-announce-port`), so the address a
Sentinel names, and the nodes `CLUSTER SLOTS` lists, are proxies too. sessctl is given the
Sentinels' proxies (`redis+sentinel://…/soak`) or the six nodes' proxies as cluster seeds,
so every connection sessctl makes goes through a proxy, and so do the replication links and
the Sentinels' links to the nodes. The fault `proxy_drop` closes every connection open
through one proxy at that moment (new ones are accepted): sessctl's connection to a
primary (a batch's reply or its WAIT lost), its Sentinel subscription, or a replica's link
to its primary.

Then, until --duration is used up (or --max-ops), one operation after another, chosen by a
random.Random(--seed):

  revoke_user   revoke --user U [--user U2 …] --yes -o json [--backup F] [--rate R]
  revoke_all    revoke --all --yes -o json [--backup F] [--rate R]
  restore       restore F -o json (F: a backup an earlier revoke wrote)
  mint          mint --user U --count K -o json
  cleanup_fix   cleanup --no-ttl fix --yes -o json [--rate R] (after writing K sessions
                without a TTL)

While it runs, 0 to 2 faults at random moments of its expected run time:
sentinel_failover / cluster_failover_force (on a random replica), sigstop_primary,
sigstop_replica (SIGCONT 0.3 to 4 s later), kill9_primary, kill9_replica (started again 0.2
to 4 s later), proxy_drop. A fault due after sessctl has exited is not injected; a SIGCONT or
restart that is due always is.

After the operation the deployment is let settle (every Sentinel names one primary, it
answers ROLE master, the other node is its replica and has caught up; or cluster_state:ok on
all six nodes, one primary per slot range, each with a replica caught up), the data on the
current primaries is read, and every claim of the summary is checked against it and against
the soak's model (what it loaded, minted and saw before the operation). An operation that
ends with exit 1 is run again, with no fault, and must then finish. See the CHECKS list in
the code, and docs/durability.md ("The soak").

Every operation is logged as one JSON line (--log-dir); a contradicted claim logs the seed,
the operation, its argv, the fault timeline, the exit status, the summary, stderr and what
was found on the servers. Prints a markdown report on stdout; progress goes to stderr.
"""

import argparse
import base64
import collections
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis
from redis.crc import key_slot

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PREFIX = "session:"
TTL = 604800
SECRET = "soak-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
MASTER = "soak"

STOPPING = threading.Event()
NODES = []  # every server started, so that all are stopped whatever happens


def log(msg):
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port(bus=False):
    """A free port on 127.0.0.1 (and port + 10000 free too when `bus`)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not bus:
            return port
        if port + 10000 > 65535:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue
    raise SystemExit("no free port")


# ------------------------------------------------------------------------------------
# the proxy


class Proxy:
    """A TCP proxy on 127.0.0.1 in front of one port. `drop()` closes every connection open
    through it now; new connections are accepted as before."""

    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.conns = set()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, upstream)
            with self.lock:
                self.conns.add(pair)
            threading.Thread(target=self._pump, args=(client, upstream, pair), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, pair), daemon=True).start()

    def _pump(self, src, dst, pair):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        self._close(pair)

    def _close(self, pair):
        with self.lock:
            self.conns.discard(pair)
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def drop(self):
        with self.lock:
            pairs = list(self.conns)
        for pair in pairs:
            self._close(pair)
        return len(pairs)

    def close(self):
        self.closed = True
        try:
            self.listener.close()
        except OSError:
            pass
        self.drop()


# ------------------------------------------------------------------------------------
# servers


class Node:
    """A redis-server (or Sentinel) with its own config file, behind a Proxy."""

    def __init__(self, tmp, name, conf_lines, sentinel=False, bus=False):
        self.name = name
        self.port = free_port(bus=bus)
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.sentinel = sentinel
        self.proxy = Proxy(self.port)
        self.conf = os.path.join(self.dir, "sentinel.conf" if sentinel else "redis.conf")
        lines = [
            f"port {self.port}",
            "bind 127.0.0.1",
            f'dir "{self.dir}"',
            f'logfile "{self.dir}/redis.log"',
        ]
        if not sentinel:
            lines += [
                'save ""',
                "appendonly yes",
                "appendfsync always",
                "repl-diskless-sync yes",
                "repl-diskless-sync-delay 0",
                "replica-announce-ip 127.0.0.1",
                f"replica-announce-port {self.proxy.port}",
            ]
        lines += [line.format(proxy=self.proxy.port, port=self.port, bus=self.port + 10000) for line in conf_lines]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.stopped = False
        NODES.append(self)
        self.start()

    def start(self):
        argv = ["redis-server", self.conf] + (["--sentinel"] if self.sentinel else [])
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.stopped = False
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.client(timeout=1).ping():
                    return
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.RedisError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start; see {self.dir}/redis.log")
            time.sleep(0.05)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def client(self, timeout=5):
        return redis.Redis(port=self.port, decode_responses=True, socket_timeout=timeout,
                           socket_connect_timeout=timeout)

    def signal(self, sig):
        if self.alive():
            os.kill(self.proc.pid, sig)
            return True
        return False

    def kill9(self):
        if not self.alive():
            return False
        self.proc.kill()
        self.proc.wait()
        self.stopped = False
        return True

    def stop(self):
        self.proxy.close()
        if self.alive():
            try:
                os.kill(self.proc.pid, signal.SIGCONT)
            except OSError:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def role(self):
        try:
            return self.client(timeout=2).execute_command("ROLE")
        except redis.exceptions.RedisError:
            return None


class Deployment:
    kind = "?"

    def __init__(self, tmp):
        self.tmp = tmp
        self.nodes = []
        self.sentinels = []

    def by_proxy(self, port):
        for n in self.nodes:
            if n.proxy.port == int(port):
                return n
        return None

    def stop(self):
        for n in self.sentinels + self.nodes:
            try:
                n.stop()
            except Exception:  # noqa: BLE001 - cleaning up whatever is left
                pass

    def pids(self):
        return [n.proc.pid for n in self.sentinels + self.nodes if n.alive()]


class SentinelDeployment(Deployment):
    kind = "sentinel"

    def __init__(self, tmp):
        super().__init__(tmp)
        a = Node(tmp, "node-a", [])
        b = Node(tmp, "node-b", [])
        self.nodes = [a, b]
        b.client().execute_command("REPLICAOF", "127.0.0.1", str(a.proxy.port))
        for i in range(3):
            conf = [
                f"sentinel monitor {MASTER} 127.0.0.1 {a.proxy.port} 2",
                f"sentinel down-after-milliseconds {MASTER} 1000",
                f"sentinel failover-timeout {MASTER} 4000",
                f"sentinel parallel-syncs {MASTER} 1",
            ]
            self.sentinels.append(Node(tmp, f"sentinel-{i}", conf, sentinel=True))
        wait_for(lambda: self.settled() is None, 60, "the Sentinel deployment did not come up")

    def url(self):
        hosts = ",".join(f"127.0.0.1:{s.proxy.port}" for s in self.sentinels)
        return ["-r", f"redis+sentinel://{hosts}/{MASTER}"]

    def named(self):
        """The node every live Sentinel names as primary, or None."""
        answers = set()
        for s in self.sentinels:
            try:
                addr = s.client(timeout=2).execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
            except redis.exceptions.RedisError:
                return None
            answers.add(tuple(addr) if addr else None)
        if len(answers) != 1:
            return None
        (addr,) = answers
        return self.by_proxy(addr[1]) if addr else None

    def primaries(self):
        p = self.named()
        return [p] if p else []

    def replicas(self):
        p = self.named()
        return [n for n in self.nodes if n is not p]

    def settled(self):
        """None once settled, else why not."""
        p = self.named()
        if p is None:
            return "the Sentinels do not agree on a primary"
        role = p.role()
        if not role or role[0] != "master":
            return f"{p.name}, named by the Sentinels, is not a master: {role}"
        other = [n for n in self.nodes if n is not p][0]
        orole = other.role()
        if not orole or orole[0] != "slave" or int(orole[2]) != p.proxy.port or orole[3] != "connected":
            return f"{other.name} is not a connected replica of {p.name}: {orole}"
        offset = role[1]
        acked = {int(r[1]): int(r[2]) for r in role[2]}
        if acked.get(other.proxy.port) != offset or int(orole[4]) != offset:
            return f"{other.name} has not caught up ({orole[4]} of {offset})"
        for s in self.sentinels:
            try:
                reps = s.client(timeout=2).execute_command("SENTINEL", "REPLICAS", MASTER)
            except redis.exceptions.RedisError as e:
                return f"{s.name}: {e}"
            seen = [r if isinstance(r, dict) else dict(zip(r[::2], r[1::2])) for r in reps]
            ok = [r for r in seen if int(r["port"]) == other.proxy.port and "s_down" not in str(r["flags"])
                  and not r.get("is_sdown") and r.get("master-link-status") == "ok"]
            if not ok:
                return f"{s.name} does not see {other.name} as a healthy replica yet"
        return None

    def repair(self):
        """A deployment that does not settle: both nodes masters, say. Asks for a failover."""
        try:
            self.sentinels[0].client().execute_command("SENTINEL", "FAILOVER", MASTER)
        except redis.exceptions.RedisError:
            pass


class ClusterDeployment(Deployment):
    kind = "cluster"

    def __init__(self, tmp):
        super().__init__(tmp)
        conf = [
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            "cluster-node-timeout 2000",
            "cluster-announce-ip 127.0.0.1",
            "cluster-announce-port {proxy}",
            "cluster-announce-bus-port {bus}",
        ]
        self.nodes = [Node(tmp, f"node-{i}", conf, bus=True) for i in range(6)]
        out = subprocess.run(
            ["redis-cli", "--cluster", "create"] + [f"127.0.0.1:{n.port}" for n in self.nodes]
            + ["--cluster-replicas", "1", "--cluster-yes"],
            capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed: {out.stdout}{out.stderr}")
        wait_for(lambda: self.settled() is None, 90, "the cluster did not come up")

    def url(self):
        args = []
        for n in self.nodes:
            args += ["-r", f"redis://127.0.0.1:{n.proxy.port}/0"]
        return args

    def slot_map(self, node):
        """[(start, end, primary Node, [replica Nodes])] as `node` sees it."""
        out = []
        for entry in node.client(timeout=2).execute_command("CLUSTER", "SLOTS"):
            start, end, master = entry[0], entry[1], entry[2]
            out.append((int(start), int(end), self.by_proxy(master[1]),
                        [self.by_proxy(r[1]) for r in entry[3:]]))
        return sorted(out, key=lambda e: e[0])

    def primaries(self):
        owners = []
        for n in self.nodes:
            if not n.alive() or n.stopped:
                continue
            try:
                for _, _, p, _ in self.slot_map(n):
                    if p not in owners:
                        owners.append(p)
                return owners
            except redis.exceptions.RedisError:
                continue
        return owners

    def replicas(self):
        p = self.primaries()
        return [n for n in self.nodes if n not in p]

    def settled(self):
        maps = []
        for n in self.nodes:
            try:
                c = n.client(timeout=2)
                info = c.execute_command("CLUSTER", "INFO")
                if "cluster_state:ok" not in info:
                    return f"{n.name}: cluster_state is not ok"
                nodes = c.execute_command("CLUSTER", "NODES")
                if "fail" in nodes or "handshake" in nodes or "noaddr" in nodes:
                    return f"{n.name} still sees a failing node"
                maps.append([(s, e, p.name if p else None, [r.name if r else None for r in rs])
                             for s, e, p, rs in self.slot_map(n)])
            except redis.exceptions.RedisError as e:
                return f"{n.name}: {e}"
        if any(m != maps[0] for m in maps):
            return "the nodes do not agree on the slot map"
        covered = sum(e - s + 1 for s, e, _, _ in maps[0])
        if covered != 16384:
            return f"only {covered} slots served"
        owners = {p for _, _, p, _ in maps[0]}
        if len(owners) != 3:
            return f"{len(owners)} primaries serve slots"
        for _, _, p, rs in maps[0]:
            if len(rs) != 1:
                return f"{p} has {len(rs)} replicas"
        for p in self.primaries():
            role = p.role()
            if not role or role[0] != "master":
                return f"{p.name} serves slots but is not a master: {role}"
            for r in role[2]:
                if int(r[2]) != role[1]:
                    return f"a replica of {p.name} has not caught up"
            if len(role[2]) != 1:
                return f"{p.name} has {len(role[2])} connected replicas"
        for n in self.replicas():
            role = n.role()
            if not role or role[0] != "slave" or role[3] != "connected":
                return f"{n.name} is not a connected replica: {role}"
        return None

    def repair(self):
        pass


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise RuntimeError(what)
        time.sleep(0.1)


# ------------------------------------------------------------------------------------
# data


def new_key(rng):
    token = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
    return PREFIX + token


def write_sessions(dep, sessions, ttl=True):
    """Writes {key: user} on the current primaries (directly, not through the proxies)."""
    if isinstance(dep, ClusterDeployment):
        slots = dep.slot_map(dep.primaries()[0])
        by_node = collections.defaultdict(list)
        for key, user in sessions.items():
            slot = key_slot(key.encode())
            for s, e, p, _ in slots:
                if s <= slot <= e:
                    by_node[p].append((key, user))
                    break
    else:
        by_node = {dep.primaries()[0]: list(sessions.items())}
    for node, items in by_node.items():
        pipe = node.client(timeout=30).pipeline(transaction=False)
        for i, (key, user) in enumerate(items):
            if ttl:
                pipe.set(key, user, ex=TTL)
            else:
                pipe.set(key, user)
            if i % 2000 == 1999:
                pipe.execute()
        pipe.execute()


def snapshot(dep):
    """{key: (user, has_ttl)} of every session key on the current primaries, and any key
    found on a primary that does not serve its slot."""
    data = {}
    misplaced = []
    primaries = dep.primaries()
    slots = dep.slot_map(primaries[0]) if isinstance(dep, ClusterDeployment) else None
    for node in primaries:
        c = node.client(timeout=30)
        keys = list(c.scan_iter(match=PREFIX + "*", count=1000))
        for i in range(0, len(keys), 2000):
            chunk = keys[i:i + 2000]
            pipe = c.pipeline(transaction=False)
            for k in chunk:
                pipe.get(k)
                pipe.pttl(k)
            replies = pipe.execute()
            for j, k in enumerate(chunk):
                user, pttl = replies[2 * j], replies[2 * j + 1]
                if user is None:
                    continue
                data[k] = (user, pttl != -1)
                if slots:
                    slot = key_slot(k.encode())
                    owner = next(p for s, e, p, _ in slots if s <= slot <= e)
                    if owner is not node:
                        misplaced.append((k, node.name))
    return data, misplaced


def read_backup(path):
    """The sessions `restore` would put back, as {key: user}, mirroring its rules: a
    session line is skipped when a not_deleted line names the same key and time; a key
    is put back once (the first line)."""
    entries, skip = [], set()
    try:
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if "not_deleted" in rec:
                    skip.add((rec["not_deleted"], rec.get("time")))
                elif "key" in rec:
                    entries.append(rec)
    except FileNotFoundError:
        return {}, 0, 0
    out = {}
    for rec in entries:
        if (rec["key"], rec.get("time")) in skip:
            continue
        out.setdefault(rec["key"], rec["user"])
    return out, len(entries), len(skip)


# ------------------------------------------------------------------------------------
# faults


class Nemesis:
    """Runs the faults of one operation on a timeline, in a thread."""

    KINDS = {
        "sentinel": ["sentinel_failover", "sigstop_primary", "sigstop_replica", "kill9_primary",
                     "kill9_replica", "proxy_drop"],
        "cluster": ["cluster_failover_force", "sigstop_primary", "sigstop_replica", "kill9_primary",
                    "kill9_replica", "proxy_drop"],
    }

    def __init__(self, dep, rng, plan, started):
        self.dep = dep
        self.rng = rng
        self.events = sorted(plan, key=lambda e: e[0])  # (t, kind, args)
        self.started = started
        self.timeline = []
        self.fired = collections.Counter()
        self.skipped = collections.Counter()
        self.done = threading.Event()
        self.child_exited = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def note(self, what):
        t = time.monotonic() - self.started
        self.timeline.append(f"+{t:.2f}s {what}")

    def _run(self):
        try:
            while self.events:
                self.events.sort(key=lambda e: e[0])
                t, kind, arg = self.events.pop(0)
                while time.monotonic() - self.started < t:
                    if STOPPING.is_set():
                        arg = None
                        break
                    time.sleep(0.01)
                recovery = kind in ("sigcont", "restart")
                if not recovery and (self.child_exited.is_set() or STOPPING.is_set()):
                    self.skipped[kind] += 1
                    self.note(f"{kind}: not injected (sessctl had exited)")
                    continue
                try:
                    self._fire(kind, arg)
                except Exception as e:  # noqa: BLE001 - a fault that fails is noted, not fatal
                    self.note(f"{kind}: failed: {e}")
        finally:
            self.done.set()

    def _pick(self, which):
        """A node that is up and says (ROLE) it is a primary, or a replica."""
        want = "master" if which == "primary" else "slave"
        nodes = []
        for n in self.dep.nodes:
            if n.alive() and not n.stopped:
                role = n.role()
                if role and role[0] == want:
                    nodes.append(n)
        return self.rng.choice(nodes) if nodes else None

    def _fire(self, kind, arg):
        rng = self.rng
        if kind == "sigcont":
            node, proc = arg
            if node.proc is proc and node.alive():
                os.kill(proc.pid, signal.SIGCONT)
                node.stopped = False
                self.note(f"SIGCONT {node.name}")
            return
        if kind == "restart":
            node = arg
            node.start()
            self.note(f"restarted {node.name}")
            return
        if kind == "sentinel_failover":
            try:
                r = self.dep.sentinels[rng.randrange(3)].client(timeout=2).execute_command(
                    "SENTINEL", "FAILOVER", MASTER)
                self.note(f"SENTINEL FAILOVER: {r}")
                self.fired[kind] += 1
            except redis.exceptions.RedisError as e:
                self.note(f"SENTINEL FAILOVER refused: {e}")
                self.skipped[kind] += 1
            return
        if kind == "cluster_failover_force":
            node = self._pick("replica")
            if node is None:
                self.skipped[kind] += 1
                self.note(f"{kind}: no replica up")
                return
            try:
                r = node.client(timeout=2).execute_command("CLUSTER", "FAILOVER", "FORCE")
                self.note(f"CLUSTER FAILOVER FORCE on {node.name}: {r}")
                self.fired[kind] += 1
            except redis.exceptions.RedisError as e:
                self.note(f"CLUSTER FAILOVER FORCE on {node.name} refused: {e}")
                self.skipped[kind] += 1
            return
        if kind == "proxy_drop":
            candidates = self.dep.nodes + self.dep.sentinels
            # mostly a primary's proxy: that is where sessctl's writes go
            prim = self._pick("primary")
            target = prim if prim and rng.random() < 0.6 else rng.choice(candidates)
            n = target.proxy.drop()
            self.note(f"proxy_drop {target.name}: {n} connection(s) closed")
            self.fired[kind] += 1
            return
        which = "primary" if kind.endswith("primary") else "replica"
        node = self._pick(which)
        if node is None:
            self.skipped[kind] += 1
            self.note(f"{kind}: no {which} up")
            return
        if kind.startswith("sigstop"):
            pause = round(rng.uniform(0.3, 4.0), 2)
            os.kill(node.proc.pid, signal.SIGSTOP)
            node.stopped = True
            self.note(f"SIGSTOP {node.name} ({which}) for {pause}s")
            self.events.append((time.monotonic() - self.started + pause, "sigcont", (node, node.proc)))
        else:
            delay = round(rng.uniform(0.2, 4.0), 2)
            node.kill9()
            self.note(f"kill -9 {node.name} ({which}), restart in {delay}s")
            self.events.append((time.monotonic() - self.started + delay, "restart", node))
        self.fired[kind] += 1


# ------------------------------------------------------------------------------------
# the soak


class Checker:
    def __init__(self):
        self.checked = collections.Counter()
        self.contradicted = collections.Counter()
        self.failures = []

    def claim(self, name, ok, detail=""):
        self.checked[name] += 1
        if not ok:
            self.contradicted[name] += 1
            self.failures.append(f"{name}: {detail}")
        return ok


class Soak:
    def __init__(self, args, dep, rng, log_file, stats):
        self.args = args
        self.dep = dep
        self.rng = rng
        self.log_file = log_file
        self.stats = stats
        self.model = {}
        self.backups = []
        self.users = [f"user{i}" for i in range(1, args.users + 1)]
        self.tmp = tempfile.mkdtemp(prefix="backups-", dir=dep.tmp)
        self.n_backup = 0

    # --- helpers

    def settle(self):
        deadline = time.monotonic() + self.args.settle_timeout
        why = None
        repaired = False
        while time.monotonic() < deadline:
            why = self.dep.settled()
            if why is None:
                return None
            if not repaired and time.monotonic() > deadline - self.args.settle_timeout / 2:
                self.dep.repair()
                repaired = True
            time.sleep(0.1)
        return why

    def top_up(self):
        users = set(self.users)
        want = self.args.sessions - sum(1 for u, _ in self.model.values() if u in users)
        if want < self.args.sessions // 2:
            return
        fresh = {}
        for i in range(want):
            fresh[new_key(self.rng)] = self.rng.choice(self.users)
        write_sessions(self.dep, fresh)
        for k, u in fresh.items():
            self.model[k] = (u, True)

    def sessctl(self, argv, plan, timeout):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SESSCTL_") and k not in ("REDIS_URL", "NO_COLOR", "COLUMNS")}
        env["SESSCTL_SECRET"] = SECRET
        env["XDG_CONFIG_HOME"] = os.path.join(self.dep.tmp, "no-config")
        full = [self.args.binary] + self.dep.url() + argv
        # the nemesis draws from its own generator: how many of its draws happen depends on
        # timing, and the operations that follow must not
        nemesis_seed = self.rng.random()
        out_path = os.path.join(self.dep.tmp, "stdout")
        err_path = os.path.join(self.dep.tmp, "stderr")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.monotonic()
            child = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
            nemesis = Nemesis(self.dep, random.Random(nemesis_seed), plan, started)
            nemesis.thread.start()
            try:
                code = child.wait(timeout)
            except KeyboardInterrupt:
                # Ctrl-C or SIGTERM: stop sessctl too (killed if it takes more than 5 s: the
                # wrapper's timeout kills this process a minute later, and the servers with it
                # only if they are stopped here), then the servers
                child.terminate()
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                raise
            except subprocess.TimeoutExpired:
                child.terminate()
                try:
                    code = child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    code = child.wait()
                code = f"timeout ({code})"
            wall = time.monotonic() - started
            nemesis.child_exited.set()
            nemesis.thread.join()
        with open(out_path, encoding="utf-8", errors="replace") as f:
            stdout = f.read()
        with open(err_path, encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        return full, code, stdout, stderr, wall, nemesis

    def plan_faults(self, expected):
        n = self.rng.choices([0, 1, 2], weights=[1, 3, 2])[0]
        kinds = Nemesis.KINDS[self.dep.kind]
        return [(round(self.rng.uniform(0.05, max(0.3, expected * 0.9)), 2), self.rng.choice(kinds), None)
                for _ in range(n)]

    # --- operations

    def choose(self):
        kinds = ["revoke_user", "revoke_all", "mint", "cleanup_fix"]
        weights = [30, 12, 18, 12]
        if self.backups:
            kinds.append("restore")
            weights.append(20)
        kind = self.rng.choices(kinds, weights=weights)[0]
        if len(self.model) > 4 * self.args.sessions:
            kind = "revoke_all"  # mints add up: keep the data set bounded
        rate = self.rng.choice([None, 2000, 5000, 10000]) if kind != "restore" else None
        if kind == "revoke_user":
            users = self.rng.sample(self.users, self.rng.choice([1, 1, 2, 3]))
            argv = ["revoke"]
            for u in users:
                argv += ["--user", u]
            spec = {"users": users}
        elif kind == "revoke_all":
            argv = ["revoke", "--all"]
            spec = {}
        elif kind == "mint":
            user = self.rng.choice(self.users)
            count = self.rng.choice([500, 2000, 5000, 10000])
            argv = ["mint", "--user", user, "--count", str(count)]
            spec = {"user": user, "count": count}
            rate = None
        elif kind == "cleanup_fix":
            argv = ["cleanup", "--no-ttl", "fix"]
            spec = {"no_ttl": self.rng.choice([1000, 5000, 20000])}
        else:
            path = self.rng.choice(self.backups)
            argv = ["restore", path]
            spec = {"file": path}
        if kind in ("revoke_user", "revoke_all"):
            if self.rng.random() < 0.5:
                self.n_backup += 1
                path = os.path.join(self.tmp, f"backup-{self.n_backup}.jsonl")
                argv += ["--backup", path]
                spec["backup"] = path
            argv.append("--yes")
        if kind == "cleanup_fix":
            argv.append("--yes")
        if rate:
            argv += ["--rate", str(rate)]
        argv += ["-o", "json"]
        return kind, argv, spec, rate

    def expected_time(self, kind, spec, rate):
        n = len(self.model) + spec.get("no_ttl", 0)
        if kind == "mint":
            return spec["count"] / 15000
        if kind == "restore":
            return 1.0
        return n / rate if rate else max(0.5, n / 60000)

    def run_one(self, index):
        why = self.settle()
        if why:
            return self.rebuild(f"did not settle before operation {index}: {why}")
        kind, argv, spec, rate = self.choose()
        # what the operation starts from
        if kind == "cleanup_fix":
            fresh = {new_key(self.rng): f"nottl{index}" for _ in range(spec["no_ttl"])}
            write_sessions(self.dep, fresh, ttl=False)
            for k, u in fresh.items():
                self.model[k] = (u, False)
        elif kind != "mint" and kind != "restore":
            self.top_up()
        why = self.settle()
        if why:
            return self.rebuild(f"did not settle after loading for operation {index}: {why}")
        before, misplaced = snapshot(self.dep)
        check = Checker()
        self.compare_model(check, before, misplaced, "before the operation")
        self.model = dict(before)
        plan = self.plan_faults(self.expected_time(kind, spec, rate))
        record = {"seed": self.args.seed, "deployment": self.dep.kind, "index": index, "kind": kind,
                  "plan": plan, "sessions_before": len(before)}
        result = self.execute(kind, argv, spec, plan, before, check, record)
        self.stats["ops"][f"{self.dep.kind}/{kind}"] += 1
        self.stats["exit"][f"{self.dep.kind}/{kind}/{result}"] += 1
        for name, n in check.checked.items():
            self.stats["checked"][name] += n
        for name, n in check.contradicted.items():
            self.stats["contradicted"][name] += n
        record["claims_checked"] = sum(check.checked.values())
        record["contradictions"] = check.failures
        self.log_file.write(json.dumps(record) + "\n")
        self.log_file.flush()
        if check.failures:
            self.stats["contradictions"].append({
                "deployment": self.dep.kind, "index": index, "kind": kind, "claims": check.failures[:5],
                "run": record.get("run", {}).get("argv"), "timeline": record.get("run", {}).get("timeline"),
                "summary": record.get("run", {}).get("summary")})
            log(f"CONTRADICTION in operation {index} ({kind}): {check.failures[:3]}")
        return True

    def execute(self, kind, argv, spec, plan, before, check, record, rerun=False):
        full, code, stdout, stderr, wall, nemesis = self.sessctl(argv, plan, self.args.op_timeout)
        for k, n in nemesis.fired.items():
            self.stats["faults"][f"{self.dep.kind}/{k}"] += n
        for k, n in nemesis.skipped.items():
            self.stats["faults_skipped"][f"{self.dep.kind}/{k}"] += n
        why = self.settle()
        settled_ok = why is None
        after, misplaced = snapshot(self.dep) if settled_ok else ({}, [])
        summary = None
        lines = [line for line in stdout.splitlines() if line.strip()]
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except ValueError:
                parsed.append(None)
        if kind != "mint" and parsed and isinstance(parsed[-1], dict):
            summary = parsed[-1]
        key = "rerun" if rerun else "run"
        record[key] = {"argv": full, "exit": code, "wall_s": round(wall, 2), "timeline": nemesis.timeline,
                       "summary": summary, "stderr": stderr[-4000:],
                       "sessions_after": len(after)}
        log(f"{self.dep.kind} #{record['index']} {kind}{' (again)' if rerun else ''}: exit {code} in {wall:.1f}s, "
            f"faults {nemesis.timeline or '-'}, summary {summary if kind != 'mint' else len(parsed)}")
        if not check.claim("settles", settled_ok, f"the deployment did not settle: {why}"):
            self.stats["settle_failures"] += 1
            return "unsettled"
        if misplaced:
            check.claim("no key on a primary that does not serve its slot", False, str(misplaced[:5]))
        # common claims
        check.claim("exit 0 or 1", code in (0, 1), f"exit {code}")
        check.claim("no panic", "panicked" not in stderr, stderr[-2000:])
        if kind != "mint":
            check.claim("a JSON summary on stdout", summary is not None, stdout[-500:])
        summary = summary or {}
        if code == 0 and kind != "mint":
            check.claim("exit 0 => complete:true", summary.get("complete") is True, json.dumps(summary))
        if code == 1:
            if kind != "mint":
                check.claim("exit 1 => complete:false", summary.get("complete") is False, json.dumps(summary))
            errors = [line for line in stderr.splitlines()
                      if line.startswith("sessctl:") and not line.startswith("sessctl: note")
                      and not line.startswith("sessctl: warning")]
            check.claim("exit 1 => one error line", len(errors) == 1, stderr[-2000:])
            check.claim("exit 1 => the error says to run again", any("again" in e for e in errors), stderr[-2000:])
        getattr(self, f"check_{kind}")(code, summary, parsed, spec, before, after, check)
        self.model = dict(after)
        if code == 1 and not rerun:
            record["rerun_of_exit_1"] = True
            self.stats["reruns"] += 1
            again = self.execute(kind, argv, spec, [], after, check, record, rerun=True)
            check.claim("a rerun after exit 1 finishes (exit 0)", again == 0, f"rerun exit {again}")
        if kind in ("revoke_user", "revoke_all") and "backup" in spec:
            if spec["backup"] not in self.backups and os.path.exists(spec["backup"]):
                self.backups.append(spec["backup"])
        return code

    def compare_model(self, check, data, misplaced, when):
        missing = [k for k in self.model if k not in data]
        changed = [k for k in self.model if k in data and data[k] != self.model[k]]
        extra = [k for k in data if k not in self.model]
        ok = not (missing or changed or extra)
        check.claim("between operations the data is the model", ok,
                    f"{when}: {len(missing)} missing (e.g. {missing[:3]}), {len(changed)} changed, "
                    f"{len(extra)} unknown")
        if misplaced:
            check.claim("no key on a primary that does not serve its slot", False, str(misplaced[:5]))

    def untouched(self, check, before, after, allowed, what):
        """Every key outside `allowed` is as it was."""
        bad = []
        for k, v in before.items():
            if k not in allowed and after.get(k) != v:
                bad.append((k, v, after.get(k)))
        new = [k for k in after if k not in before and k not in allowed]
        check.claim(f"{what}: nothing else touched", not bad and not new,
                    f"{len(bad)} changed (e.g. {bad[:3]}), {len(new)} new (e.g. {new[:3]})")

    def check_revoke(self, code, summary, spec, before, after, check, target, what):
        self.untouched(check, before, after, target, what)
        gone = {k for k in target if k not in after}
        back = [k for k in target if k in after and after[k] != before[k]]
        check.claim(f"{what}: a matched session is gone or unchanged", not back, str(back[:3]))
        revoked = summary.get("revoked")
        check.claim(f"{what}: revoked <= sessions gone", isinstance(revoked, int) and revoked <= len(gone),
                    f"revoked {revoked}, gone {len(gone)} of {len(target)}")
        if code == 0:
            left = [k for k in target if k in after]
            check.claim(f"{what}: exit 0 => none left on the current primaries", not left,
                        f"{len(left)} of {len(target)} left, e.g. {left[:3]}")
            check.claim(f"{what}: exit 0 => revoked == the sessions there were", revoked == len(target),
                        f"revoked {revoked}, there were {len(target)}")
            check.claim(f"{what}: exit 0 => matched == the sessions there were",
                        summary.get("matched") == len(target),
                        f"matched {summary.get('matched')}, there were {len(target)}")
        if "backup" in spec:
            # a rerun appends to the first run's backup: what the first run matched counts too
            scope = spec.setdefault("scope", {})
            for k in target:
                scope.setdefault(k, before[k][0])
            restorable, lines, _ = read_backup(spec["backup"])
            missing = [k for k in gone if k not in restorable]
            check.claim(f"{what}: every session gone has a backup line restore would use", not missing,
                        f"{len(missing)} gone without one, e.g. {missing[:3]}")
            foreign = [k for k in restorable if k not in scope]
            check.claim(f"{what}: the backup holds only matched sessions", not foreign, str(foreign[:3]))
            wrong = [k for k in restorable if k in scope and restorable[k] != scope[k]]
            check.claim(f"{what}: the backup has each session's user", not wrong, str(wrong[:3]))

    def check_revoke_user(self, code, summary, parsed, spec, before, after, check):
        users = set(spec["users"])
        target = {k for k, v in before.items() if v[0] in users}
        self.check_revoke(code, summary, spec, before, after, check, target, "revoke --user")

    def check_revoke_all(self, code, summary, parsed, spec, before, after, check):
        self.check_revoke(code, summary, spec, before, after, check, set(before), "revoke --all")

    def check_mint(self, code, summary, parsed, spec, before, after, check):
        printed = [p for p in parsed if isinstance(p, dict) and "session_id" in p]
        check.claim("mint: every stdout line is a session", len(printed) == len(parsed), "")
        keys = [PREFIX + p["session_id"] for p in printed]
        missing = [k for k in keys if after.get(k, (None,))[0] != spec["user"]]
        check.claim("mint: every printed session is there with its user", not missing,
                    f"{len(missing)} of {len(keys)} printed missing, e.g. {missing[:3]}")
        no_ttl = [k for k in keys if k in after and not after[k][1]]
        check.claim("mint: every printed session has a TTL", not no_ttl, str(no_ttl[:3]))
        check.claim("mint: printed sessions are new", not [k for k in keys if k in before], "")
        check.claim("mint: each printed once", len(set(keys)) == len(keys), "")
        if code == 0:
            check.claim("mint: exit 0 => --count sessions printed", len(keys) == spec["count"],
                        f"{len(keys)} printed of {spec['count']}")
            self.untouched(check, before, after, set(keys), "mint")
        else:
            # sessions written but not confirmed may stay behind, unprinted: only new keys of
            # the user are allowed
            strays = [k for k in after if k not in before and k not in set(keys)]
            wrong = [k for k in strays if after[k][0] != spec["user"]]
            self.untouched(check, before, after, set(keys) | set(strays) - set(wrong), "mint (exit 1)")
            self.stats["mint_strays"] += len(strays) - len(wrong)

    def check_cleanup_fix(self, code, summary, parsed, spec, before, after, check):
        target = {k for k, v in before.items() if not v[1]}
        bad = []
        for k, v in before.items():
            a = after.get(k)
            if k in target:
                if a is None or a[0] != v[0]:
                    bad.append((k, v, a))
            elif a != v:
                bad.append((k, v, a))
        new = [k for k in after if k not in before]
        check.claim("cleanup fix: no session deleted or changed, only TTLs given", not bad and not new,
                    f"{len(bad)} changed, e.g. {bad[:3]}, {len(new)} new")
        now_ttl = [k for k in target if k in after and after[k][1]]
        fixed = summary.get("fixed")
        check.claim("cleanup fix: fixed <= sessions that have a TTL now",
                    isinstance(fixed, int) and fixed <= len(now_ttl),
                    f"fixed {fixed}, {len(now_ttl)} of {len(target)} have one")
        if code == 0:
            check.claim("cleanup fix: exit 0 => none left without a TTL", len(now_ttl) == len(target),
                        f"{len(target) - len(now_ttl)} of {len(target)} still without")
            check.claim("cleanup fix: exit 0 => fixed == those without a TTL", fixed == len(target),
                        f"fixed {fixed}, there were {len(target)}")
            check.claim("cleanup fix: exit 0 => no_ttl == those without a TTL",
                        summary.get("no_ttl") == len(target), f"no_ttl {summary.get('no_ttl')}, {len(target)}")

    def check_restore(self, code, summary, parsed, spec, before, after, check):
        restorable, _, _ = read_backup(spec["file"])
        self.untouched(check, before, after, set(restorable), "restore")
        absent = [k for k in restorable if k not in before]
        overwritten = [k for k in restorable if k in before and after.get(k) != before[k]]
        check.claim("restore: a session present is never overwritten", not overwritten, str(overwritten[:3]))
        wrong = [k for k in absent if k in after and after[k][0] != restorable[k]]
        check.claim("restore: a session put back has its user", not wrong, str(wrong[:3]))
        back = [k for k in absent if k in after]
        restored = summary.get("restored")
        check.claim("restore: restored <= sessions put back", isinstance(restored, int) and restored <= len(back),
                    f"restored {restored}, {len(back)} of {len(absent)} back")
        if code == 0:
            check.claim("restore: exit 0 => every session of the backup is there", len(back) == len(absent),
                        f"{len(absent) - len(back)} of {len(absent)} absent")
            check.claim("restore: exit 0 => restored == sessions put back", restored == len(absent),
                        f"restored {restored}, {len(absent)} were absent")
            check.claim("restore: exit 0 => already_present == sessions present before",
                        summary.get("already_present") == len(restorable) - len(absent),
                        f"already_present {summary.get('already_present')}, "
                        f"{len(restorable) - len(absent)} were present")

    def rebuild(self, why):
        log(f"{self.dep.kind}: {why}; starting the deployment again")
        self.stats["rebuilds"] += 1
        self.stats["rebuild_reasons"].append(why)
        self.log_file.write(json.dumps({"seed": self.args.seed, "deployment": self.dep.kind, "rebuild": why}) + "\n")
        return False


def run_deployment(kind, args, seconds, stats, log_file, tmp_root):
    rng = random.Random(f"{args.seed}/{kind}")
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline and not STOPPING.is_set() and index < args.max_ops:
        tmp = tempfile.mkdtemp(prefix=f"{kind}-", dir=tmp_root)
        log(f"{kind}: starting the deployment in {tmp}")
        dep = SentinelDeployment(tmp) if kind == "sentinel" else ClusterDeployment(tmp)
        DEPLOYMENTS.append(dep)
        try:
            soak = Soak(args, dep, rng, log_file, stats)
            soak.top_up()
            while time.monotonic() < deadline and not STOPPING.is_set() and index < args.max_ops:
                index += 1
                if not soak.run_one(index):
                    break
        finally:
            dep.stop()
            DEPLOYMENTS.remove(dep)
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
    return index


DEPLOYMENTS = []


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
    return f"{os.cpu_count()} cores, {model}, {version.split(' sha=')[0]}, kernel {platform.release()}, " \
           f"Python {platform.python_version()}, redis-py {redis.__version__}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--duration", type=float, default=600, help="seconds in all (split between deployments)")
    ap.add_argument("--deployment", choices=["sentinel", "cluster", "both"], default="both")
    ap.add_argument("--sessions", type=int, default=20000, help="sessions kept loaded (topped up)")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--max-ops", type=int, default=100000, help="operations per deployment at most")
    ap.add_argument("--op-timeout", type=float, default=240, help="seconds one sessctl run may take")
    ap.add_argument("--settle-timeout", type=float, default=90)
    ap.add_argument("--log-dir", default=os.path.join(ROOT, "target", "soak"))
    ap.add_argument("--keep", action="store_true", help="keep the servers' directories (logs, AOF)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/sessctl"))
    args = ap.parse_args()

    def on_signal(signum, _frame):
        STOPPING.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    os.makedirs(args.log_dir, exist_ok=True)
    log_path = os.path.join(args.log_dir, f"soak-{args.seed}-{time.strftime('%Y%m%dT%H%M%S')}.jsonl")
    kinds = ["sentinel", "cluster"] if args.deployment == "both" else [args.deployment]
    stats = {k: collections.Counter() for k in
             ("ops", "exit", "faults", "faults_skipped", "checked", "contradicted")}
    stats.update(contradictions=[], reruns=0, settle_failures=0, rebuilds=0, rebuild_reasons=[], mint_strays=0)
    load_before = os.getloadavg()
    started = time.monotonic()
    tmp_root = tempfile.mkdtemp(prefix="soak-failover-")
    interrupted = False
    ops = {}
    try:
        with open(log_path, "w") as log_file:
            for i, kind in enumerate(kinds):
                share = (args.duration - (time.monotonic() - started)) / (len(kinds) - i)
                ops[kind] = run_deployment(kind, args, share, stats, log_file, tmp_root)
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: stopping the servers")
    finally:
        for node in NODES:
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - cleaning up whatever is left
                pass
        if not args.keep:
            shutil.rmtree(tmp_root, ignore_errors=True)
    wall = time.monotonic() - started
    load_after = os.getloadavg()
    report(args, stats, wall, load_before, load_after, log_path, interrupted)
    sys.exit(1 if sum(stats["contradicted"].values()) or interrupted else 0)


def report(args, stats, wall, load_before, load_after, log_path, interrupted):
    p = print
    p(f"## Soak: seed {args.seed}, {args.deployment}, {wall / 60:.1f} min{' (interrupted)' if interrupted else ''}\n")
    p(f"Machine: {machine()}; load average {' '.join(f'{x:.2f}' for x in load_before)} at the start, "
      f"{' '.join(f'{x:.2f}' for x in load_after)} at the end. {args.sessions:,} sessions of {args.users} users "
      f"kept loaded. Log: {log_path}\n")
    p("| operation | runs | exit 0 | exit 1 (run again) | other |")
    p("|---|---:|---:|---:|---:|")
    for op in sorted(stats["ops"]):
        ex = {c: stats["exit"][f"{op}/{c}"] for c in (0, 1)}
        other = stats["ops"][op] - ex[0] - ex[1]
        p(f"| {op} | {stats['ops'][op]} | {ex[0]} | {ex[1]} | {other} |")
    p(f"| **all** | {sum(stats['ops'].values())} | | | |\n")
    p("| fault | injected | not injected (refused, no target, or sessctl had exited) |")
    p("|---|---:|---:|")
    for f in sorted(set(stats["faults"]) | set(stats["faults_skipped"])):
        p(f"| {f} | {stats['faults'][f]} | {stats['faults_skipped'][f]} |")
    p(f"| **all** | {sum(stats['faults'].values())} | {sum(stats['faults_skipped'].values())} |\n")
    p(f"Reruns after exit 1: {stats['reruns']}. Deployments that did not settle: {stats['settle_failures']} "
      f"(started again: {stats['rebuilds']}). Unprinted sessions a failed mint left: {stats['mint_strays']}.\n")
    p("| claim | checked | contradicted |")
    p("|---|---:|---:|")
    for c in sorted(stats["checked"]):
        p(f"| {c} | {stats['checked'][c]:,} | {stats['contradicted'][c]} |")
    p(f"| **all** | {sum(stats['checked'].values()):,} | {sum(stats['contradicted'].values())} |")
    for c in stats["contradictions"]:
        p(f"\nContradicted: seed {args.seed}, {c['deployment']} operation {c['index']} ({c['kind']}): "
          f"{json.dumps(c)}")
    for why in stats["rebuild_reasons"]:
        p(f"\nStarted again: {why}")


if __name__ == "__main__":
    main()
