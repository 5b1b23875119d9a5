"""A real Tornado app that keeps its logins with the real `tornado-auth-sessions` package.

The end-to-end test (tests/e2e_tornado.rs) starts it, talks to it over plain HTTP and
checks that sessctl agrees with it. Nothing here re-implements the package: sessions are
made, read and (not) removed by `TornadoAuthSessionMixin` itself.

Usage: app.py --port PORT --redis-port PORT [--redis-db N]
Environment:
  E2E_COOKIE_SECRET   the cookie secret; a JSON object of integer versions to strings
                      ({"0":"old","1":"new"}) becomes Tornado's dict cookie_secret (key ring)
  E2E_KEY_VERSION     the key_version setting (signing key) when the secret is a key ring

Routes:
  POST /login    form field `user`: set_session(user, is_secure=False), 200 "ok <user>"
  GET  /whoami   @tornado.web.authenticated; writes the user id (else 302 to /login)
  POST /logout   the package's documented logout: remove_session(...), which is broken:
                 it deletes `session:b'<id>'` and leaves `session:<id>` alive
  GET  /login    the login page the redirects point at (200, plain text)
  GET  /health   200 "ok" (readiness)

Prints `READY http://127.0.0.1:PORT` on stdout (flushed) once it listens.
"""

import argparse
import asyncio
import json
import os
import sys

import tornado.web

from tornado_auth_sessions.session import TornadoAuthSessionMixin


class BaseHandler(TornadoAuthSessionMixin, tornado.web.RequestHandler):
    """The base handler the package's docs ask for: the mixin provides get_current_user."""


class LoginHandler(BaseHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain")
        self.write("login page\n")

    def post(self):
        user = self.get_body_argument("user")
        self.set_session(user, is_secure=False)
        self.set_header("Content-Type", "text/plain")
        self.write(f"ok {user}\n")


class WhoAmIHandler(BaseHandler):
    @tornado.web.authenticated
    def get(self):
        user = self.current_user
        if isinstance(user, bytes):
            user = user.decode()
        self.set_header("Content-Type", "text/plain")
        self.write(user)


class LogoutHandler(BaseHandler):
    # @authenticated as in any real app; it also makes the mixin create its Redis client
    # (remove_session does not call _init_session itself).
    @tornado.web.authenticated
    def post(self):
        self.remove_session(self.current_user)
        self.set_header("Content-Type", "text/plain")
        self.write("logged out\n")


class HealthHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("ok")


def cookie_secret_from_env():
    text = os.environ.get("E2E_COOKIE_SECRET")
    if text is None:
        sys.exit("app.py: set E2E_COOKIE_SECRET")
    try:
        ring = json.loads(text)
    except ValueError:
        return text
    if isinstance(ring, dict):
        return {int(k): v for k, v in ring.items()}
    return text


def make_app(redis_port, redis_db):
    settings = dict(
        cookie_secret=cookie_secret_from_env(),
        login_url="/login",
        redis_host={
            "host": "127.0.0.1",
            "port": redis_port,
            "db": redis_db,
            "password": None,
            "decode_responses": True,
        },
    )
    if "E2E_KEY_VERSION" in os.environ:
        settings["key_version"] = int(os.environ["E2E_KEY_VERSION"])
    return tornado.web.Application(
        [
            (r"/login", LoginHandler),
            (r"/whoami", WhoAmIHandler),
            (r"/logout", LogoutHandler),
            (r"/health", HealthHandler),
        ],
        **settings,
    )


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis-port", type=int, required=True)
    parser.add_argument("--redis-db", type=int, default=0)
    args = parser.parse_args()
    app = make_app(args.redis_port, args.redis_db)
    app.listen(args.port, address="127.0.0.1")
    print(f"READY http://127.0.0.1:{args.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
