"""One log line per request, with a request id, and the request's metrics.

Each request gets an id — the ``X-Request-ID`` the proxy sent when it is a plausible id, else a
new one — returned in the response's ``X-Request-ID`` and written on every log line of that
request, so the proxy's line, the app's and an error's traceback can be put together.

The line (logger ``guia.request``, on stdout) says the time, the request id, the method, the
route as declared (``/rede/dentista/<id:provider_id>-<slug>``), the status and the duration.
Never the path or the query string: they hold ids, codes, a typed name, a reset token; nor the
client's address, nor anything of the person. ``LOG_FORMAT`` chooses JSON (one object per line,
for machines; production's default) or text. With these lines the proxy's and gunicorn's
access logs are not needed (``webapp/core/accesslog.py`` keeps gunicorn's free of secrets
where one is still kept).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from time import perf_counter

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

from . import metrics

REQUEST_LOGGER = "guia.request"
REQUEST_ID_HEADER = "X-Request-ID"
#: An id taken from the proxy: 8 to 128 letters, digits, ".", "_", ":" or "-" (what nginx passes
#: on, deploy/nginx-site.conf), with at least one letter, so that no CPF, card number or phone
#: (digits and punctuation) is ever written as one.
_VALID_ID = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9._:-]{8,128}")


def request_id(header: str | None) -> str:
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class _Stdout(logging.StreamHandler):
    """A handler writing to whatever ``sys.stdout`` is when a record comes (a test may have
    replaced it since the handler was made)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value):
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id when there
    is one, the fields a call passed in ``extra={"fields": {...}}``, and a traceback as text."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or current_request_id()
        if rid:
            line["request_id"] = rid
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        if fields:
            return ("{method} {route} {status} {duration_ms}ms [{request_id}]").format(**fields)
        text = super().format(record)
        rid = current_request_id()
        return f"{text} [{rid}]" if rid else text


_OURS = "_guia_handler"


def configure_logging(log_format: str, app_logger: logging.Logger) -> None:
    """Request lines on stdout in *log_format*; in JSON, the app's own messages too (errors with
    their traceback and request id), instead of Flask's text on stderr. Loggers belong to the
    process, so the last app made decides (there is one per process but in tests)."""
    formatter = JsonFormatter() if log_format == "json" else TextFormatter("%(levelname)s %(name)s: %(message)s")
    requests = logging.getLogger(REQUEST_LOGGER)
    _replace(requests, formatter)
    requests.setLevel(logging.INFO)
    requests.propagate = False
    for handler in [h for h in app_logger.handlers if getattr(h, _OURS, False)]:
        app_logger.removeHandler(handler)
    if log_format == "json":
        app_logger.removeHandler(default_handler)
        _replace(app_logger, formatter)
    elif default_handler not in app_logger.handlers:
        app_logger.addHandler(default_handler)


def _replace(logger: logging.Logger, formatter: logging.Formatter) -> None:
    for handler in [h for h in logger.handlers if getattr(h, _OURS, False)]:
        logger.removeHandler(handler)
    handler = _Stdout()
    setattr(handler, _OURS, True)
    handler.setFormatter(formatter)
    logger.addHandler(handler)


def init_app(app: Flask) -> None:
    """Registered before every other hook, so the duration covers them all and the line and
    metrics see the final status."""
    configure_logging(app.config["LOG_FORMAT"], app.logger)
    log = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def _start() -> None:
        g.request_started = perf_counter()
        g.request_id = request_id(request.headers.get(REQUEST_ID_HEADER))

    @app.after_request
    def _finish(response):
        started = g.get("request_started")
        if started is None:  # a response made before our first hook ran
            return response
        seconds = perf_counter() - started
        response.headers[REQUEST_ID_HEADER] = g.request_id
        rule = request.url_rule
        method = request.method if request.method in metrics.METHODS else "other"
        metrics.observe_request(rule.endpoint if rule else None, method, response.status_code, seconds)
        log.info("request", extra={"fields": {
            "request_id": g.request_id,
            "method": method,
            "route": rule.rule if rule else None,
            "endpoint": rule.endpoint if rule else None,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        }})
        return response
