"""Access logs that never hold a secret of a URL: the token of a reset link (``/nova-senha/<token>``)
is written as ``/nova-senha/…``, in gunicorn's access log (``GunicornLogger``, the
``--logger-class`` of ``scripts/serve.sh``) and in the development server's (``init_app``).

The token is not personal data, but it opens an account for 24 hours: a log is read by more
people, and kept longer, than the link lives.

In production the app writes its own line per request (``webapp/core/requestlog.py``: the route
template, never the path or query string), so gunicorn runs there without an access log; these
access logs are for ``scripts/serve.sh`` and the development server, which still print paths.
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from gunicorn.glogging import Logger

_SECRET_PATH = re.compile(r"(/nova-senha/)[^/?#\s\"']+")


def redact(text: str) -> str:
    return _SECRET_PATH.sub(r"\1…", text)


class GunicornLogger(Logger):
    """gunicorn's logger, with every text an access-log format may name redacted (request line,
    path, referrer, request headers, environ)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(app: Flask) -> None:
    """Werkzeug's request log (``flask run``) redacted too; once per process."""
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactingFilter())
