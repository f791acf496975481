"""A real gunicorn serving the app from the checkout, and a small cookie-keeping HTTP client.

For tests that need what the test client cannot give: several worker processes sharing one
database, requests really in flight at the same time.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str | None], workers: int = 2, options: tuple[str, ...] = ()):
    """gunicorn with *workers* sync workers on a free port of 127.0.0.1, the environment updated
    with *env* (a None value unsets the variable) and its command line with *options*; yields
    its base URL."""
    port = free_port()
    environment = {**os.environ, **env}
    environment = {name: value for name, value in environment.items() if value is not None}
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         *options, "webapp:create_app()"],
        cwd=ROOT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn saiu com código {server.returncode}")
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        server.send_signal(signal.SIGQUIT)  # quick shutdown: nothing is in flight any more
        server.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies against *base*; redirects are returned, not followed.

    Cookies are kept by name and sent back whatever their expiry: the test process's clock may
    be frozen or years away (``GUIA_TEST_CLOCK``) while the server's is not, and a standard
    cookie jar would drop them as expired. Every answer is also appended to *log* as (status,
    method, path, start of the body), so a test can look at all of them, not only the ones it
    asserts on."""

    def __init__(self, base: str, log: list | None = None):
        self.base = base
        self.log = log if log is not None else []
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        try:
            with self._opener.open(req, timeout=60) as response:
                status, text, headers = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, text, headers = error.code, error.read().decode(errors="replace"), error.headers
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value
        self.log.append((status, method, path, text[:300]))
        return status, text, dict(headers)

    def get(self, path: str) -> tuple[int, str, dict]:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        return self.request("POST", path, data)

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on *path* (a page that has one)."""
        status, text, _ = self.get(path)
        found = _CSRF.search(text)
        if found is None:
            raise AssertionError(f"GET {path} → {status}, sem formulário: {text[:300]}")
        return found.group(1)
