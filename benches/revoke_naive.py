"""Baseline (a): the loop an operator writes first with redis-py.

    for k in r.scan_iter("session:*"):
        if r.get(k) == user:
            r.delete(k)

One SCAN (default COUNT 10) round trip per 10 keys and one GET round trip per key.
Prints one JSON line: {"deleted": n, "scanned": n}.

Usage: revoke_naive.py --port PORT --user USER [--host H] [--db N] [--prefix session:]
"""

import argparse
import json

import redis


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=int, default=0)
    parser.add_argument("--prefix", default="session:")
    parser.add_argument("--user", required=True)
    args = parser.parse_args()

    r = redis.Redis(host=args.host, port=args.port, db=args.db, decode_responses=True)
    deleted = scanned = 0
    for k in r.scan_iter(args.prefix + "*"):
        scanned += 1
        if r.get(k) == args.user:
            deleted += r.delete(k)
    print(json.dumps({"deleted": deleted, "scanned": scanned}))


if __name__ == "__main__":
    main()
