"""Reads hex-encoded Cookie header values (one per line) and writes, per line, the hex of
tornado.httputil.parse_cookie(header).get(name) encoded as UTF-8, or '-' when absent."""
import sys

from tornado.httputil import parse_cookie

name = sys.argv[1]
with open(sys.argv[2]) as src, open(sys.argv[3], "w") as out:
    for line in src:
        header = bytes.fromhex(line.strip()).decode("latin-1")
        value = parse_cookie(header).get(name)
        out.write("-\n" if value is None else value.encode("utf-8").hex() + "\n")
