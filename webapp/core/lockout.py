"""Sign-in lock-outs on the Flask side: the shared storage, the burst ceiling, the 429 and 503.

Flask-Limiter is given ``limits``' Redis storage when ``REDIS_URL`` is set (every worker of
every instance counts in the same place; keys under ``REDIS_KEY_PREFIX``), memory otherwise
(one process: development and tests; production refuses to start without Redis). Its decorator
puts the burst ceiling on each sign-in form, counting every POST; the per-person and per-address
counters count wrong answers, which only the services can tell, so the services drive them
(``webapp.core.ratelimit``) in that same storage.
"""

from __future__ import annotations

import math

from flask import Flask, current_app, request
from flask_limiter import RateLimitExceeded
from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from ..extensions import limiter
from . import clock
from .ratelimit import Lockout, Misses, SignInAttempts, wait_text
from .views import render_error

# Without the storage no attempt can be counted, so sign-in waits rather than goes unguarded.
STORAGE_DOWN_RETRY_AFTER = 30  # seconds


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {
        "key_prefix": app.config["REDIS_KEY_PREFIX"],
        "wrap_exceptions": True,  # any storage failure is limits' StorageError, answered below
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    }
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _burst(_error):
        wait = _seconds_until(limiter.current_limit.window.reset_time)
        response = render_error(429, "Recebemos tentativas de entrada demais ao mesmo tempo. Por segurança, "
                                     f"espere {wait_text(wait)} e tente de novo.")
        response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(StorageError)
    def _storage_down(_error):
        app.logger.exception("contadores de tentativas indisponíveis")
        response = render_error(503, "Entrada indisponível no momento: não conseguimos conferir as tentativas de "
                                     "entrada agora. Tente de novo em alguns instantes.")
        response.headers["Retry-After"] = str(STORAGE_DOWN_RETRY_AFTER)
        return response


def _seconds_until(moment: float) -> int:
    return max(1, math.ceil(moment - clock.utcnow().timestamp()))


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def lockout(form: str) -> Lockout:
    return Lockout(**current_app.config["LOCKOUTS"][form])


def burst_limit(form: str):
    """Decorator: the ceiling on POSTs to this sign-in form per minute, across everyone."""
    return limiter.limit(lambda: lockout(form).burst, key_func=lambda: "todos", methods=["POST"])


def attempts(form: str) -> SignInAttempts:
    """The per-person and per-address counters of *form* for this request's client address.

    ``request.remote_addr`` is the client only when nothing stands in between: behind a reverse
    proxy, Werkzeug's ``ProxyFix`` must be configured or every client shares the proxy's address.
    """
    return SignInAttempts(_strategy(), form, lockout(form), request.remote_addr, current_app.config["SECRET_KEY"])


def misses(kind: str, who: str) -> Misses:
    return Misses(_strategy(), current_app.config["LOOKUP_MISSES"], kind, who)
