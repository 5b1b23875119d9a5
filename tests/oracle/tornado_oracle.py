"""The real Tornado as an oracle for sessctl's tests.

Usage: tornado_oracle.py IN OUT

IN holds JSON Lines requests; OUT gets one JSON line per request that is not a "config".
Bytes travel as hex so that non-UTF-8 input survives. Floats travel as strings (repr), so
NaN and infinities do too.

  {"op": "config", "id": 3, "secret": {"single": HEX} | {"ring": {"0": HEX, ...}},
   "name": "session_id", "max_age_days": "31.0", "now": "1700000000.25"}
  {"op": "verify", "cfg": 3, "v": HEX}
      -> {"ok": true, "v": HEX} or {"ok": false, "exc": null | "AssertionError"}
      decode_signed_value(secret, name, value, max_age_days, clock=lambda: now)
  {"op": "sign", "secret": ..., "name": "...", "v": HEX, "version": 1|2, "kv": 0|null, "ts": 1700000000}
      -> {"c": HEX}   create_signed_value(..., clock=lambda: ts)
  {"op": "int", "s": HEX}   -> {"ok": true, "v": "decimal"} or {"ok": false}
  {"op": "b64", "s": HEX}   -> {"ok": true, "v": HEX} or {"ok": false}
  {"op": "cmp", "i": "decimal", "f": "repr"} -> {"lt": bool, "gt": bool}
"""
import base64
import json
import sys

from tornado.web import create_signed_value, decode_signed_value


def secret_of(spec):
    if "single" in spec:
        return bytes.fromhex(spec["single"])
    return {int(k): bytes.fromhex(v) for k, v in spec["ring"].items()}


def main():
    configs = {}
    with open(sys.argv[1], "r", encoding="utf-8") as inp, open(
        sys.argv[2], "w", encoding="utf-8"
    ) as out:
        for line in inp:
            req = json.loads(line)
            op = req["op"]
            if op == "config":
                configs[req["id"]] = (
                    secret_of(req["secret"]),
                    req["name"],
                    float(req["max_age_days"]),
                    float(req["now"]),
                )
                continue
            if op == "verify":
                secret, name, max_age_days, now = configs[req["cfg"]]
                try:
                    got = decode_signed_value(
                        secret,
                        name,
                        bytes.fromhex(req["v"]),
                        max_age_days=max_age_days,
                        clock=lambda: now,
                    )
                except Exception as e:  # AssertionError for v1 values with a key ring
                    res = {"ok": False, "exc": type(e).__name__}
                else:
                    if got is None:
                        res = {"ok": False, "exc": None}
                    else:
                        res = {"ok": True, "v": got.hex()}
            elif op == "sign":
                ts = req["ts"]
                cookie = create_signed_value(
                    secret_of(req["secret"]),
                    req["name"],
                    bytes.fromhex(req["v"]),
                    version=req["version"],
                    clock=lambda: ts,
                    key_version=req["kv"],
                )
                res = {"c": cookie.hex()}
            elif op == "int":
                try:
                    res = {"ok": True, "v": str(int(bytes.fromhex(req["s"])))}
                except ValueError:
                    res = {"ok": False}
            elif op == "b64":
                try:
                    res = {"ok": True, "v": base64.b64decode(bytes.fromhex(req["s"])).hex()}
                except Exception:
                    res = {"ok": False}
            elif op == "cmp":
                i, f = int(req["i"]), float(req["f"])
                res = {"lt": i < f, "gt": i > f}
            else:
                raise SystemExit("unknown op %r" % op)
            out.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
