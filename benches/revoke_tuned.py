"""Baseline (b): a tuned redis-py revocation: SCAN COUNT 1000 + MGET + batched DEL.

What a careful operator ends up with after the naive loop is too slow: one SCAN round trip
per ~1000 keys, one MGET per SCAN batch, and DELs sent 1000 keys at a time. Not
compare-and-delete (a key re-used between MGET and DEL would be deleted anyway), which is
fine for a baseline.
Prints one JSON line: {"deleted": n, "scanned": n}.

Usage: revoke_tuned.py --port PORT --user USER [--host H] [--db N] [--prefix session:]
                       [--count 1000] [--batch 1000]
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
    parser.add_argument("--count", type=int, default=1000, help="SCAN COUNT hint")
    parser.add_argument("--batch", type=int, default=1000, help="keys per DEL")
    args = parser.parse_args()

    r = redis.Redis(host=args.host, port=args.port, db=args.db, decode_responses=True)
    user = args.user
    pattern = args.prefix + "*"
    deleted = scanned = 0
    doomed = []
    cursor = 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=args.count)
        if keys:
            scanned += len(keys)
            for key, value in zip(keys, r.mget(keys)):
                if value == user:
                    doomed.append(key)
            if len(doomed) >= args.batch:
                deleted += r.delete(*doomed)
                doomed.clear()
        if cursor == 0:
            break
    if doomed:
        deleted += r.delete(*doomed)
    print(json.dumps({"deleted": deleted, "scanned": scanned}))


if __name__ == "__main__":
    main()
