"""The app's view of Redis during the neighbour benchmark: one GET at a steady pace on a
connection of its own, each round trip timed.

Sends `GET <key>` every --every-us microseconds (scheduled from the start, so a slow reply
does not shift the schedule; a send that is late goes out at once and is counted as late),
cycling over the keys given in --keys-file (one per line), until SIGTERM or SIGINT, or
--seconds. Then prints one JSON object: samples, late sends, and the round trips' p50, p99,
p99.9 and max in milliseconds (plus the raw round trips in microseconds with --raw).

A plain socket with the command bytes prepared in advance, so the client adds as little as
possible to what it measures (redis-py would add tens of microseconds per call).
"""

import argparse
import json
import signal
import socket
import time


def read_reply(sock, buf):
    """Reads one RESP reply (simple, error, integer, nil or bulk string); returns the rest."""
    while True:
        end = buf.find(b"\r\n")
        if end >= 0:
            head = buf[:end]
            if head[:1] == b"$":
                size = int(head[1:])
                if size < 0:
                    return buf[end + 2:]
                total = end + 2 + size + 2
                while len(buf) < total:
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("server closed the connection")
                    buf += chunk
                return buf[total:]
            return buf[end + 2:]
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk


def percentile(sorted_us, q):
    if not sorted_us:
        return None
    rank = max(1, min(len(sorted_us), int(-(-q * len(sorted_us) // 1))))
    return sorted_us[rank - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys-file", required=True)
    parser.add_argument("--every-us", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()

    with open(args.keys_file, "rb") as f:
        keys = [line.strip() for line in f if line.strip()]
    commands = [b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k) for k in keys]

    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    sock = socket.create_connection((args.host, args.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    every = args.every_us / 1e6
    samples = []
    late = 0
    buf = b""
    start = time.perf_counter()
    deadline = start + args.seconds
    i = 0
    # Ready: the benchmark waits for this line before starting the workload.
    print("ready", flush=True)
    while not stop:
        due = start + i * every
        now = time.perf_counter()
        if now >= deadline:
            break
        if due > now:
            time.sleep(due - now)
        elif now - due > every:
            late += 1
        cmd = commands[i % len(commands)]
        t0 = time.perf_counter()
        sock.sendall(cmd)
        buf = read_reply(sock, buf)
        samples.append(int((time.perf_counter() - t0) * 1e6))
        i += 1
    sock.close()
    s = sorted(samples)

    def ms(us):
        return None if us is None else us / 1000.0

    out = {
        "samples": len(s),
        "late": late,
        "p50_ms": ms(percentile(s, 0.50)),
        "p99_ms": ms(percentile(s, 0.99)),
        "p999_ms": ms(percentile(s, 0.999)),
        "max_ms": ms(s[-1] if s else None),
    }
    if args.raw:
        out["raw_us"] = samples
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
