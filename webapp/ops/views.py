"""``/healthz``, ``/readyz`` and ``/metrics``: small, never cached, never rate limited, with no
session loaded (``core.views.SESSIONLESS_ENDPOINTS``: a signed-in cookie must not make them
wait for the database) and nothing personal in them."""

from __future__ import annotations

import hmac
import ipaddress

import redis
from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..core import metrics
from . import readiness

bp = Blueprint("ops", __name__)


@bp.after_request
def _never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is asked (a load balancer restarts what fails this)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 while this instance can serve; 503 naming what fails. A replica that is down or
    lagging is reported ("degraded") without failing: reads then go to the primary."""
    db = current_app.extensions["db"]
    result = readiness.check(db.engine, db.replica, _redis_ping())
    body = {"status": result.status, "checks": result.checks, "failed": result.failed}
    if db.replica is not None:
        body["replica_lag_seconds"] = result.replica_lag_seconds
    return jsonify(body), 200 if result.ready else 503


def _redis_ping():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("ops_redis")
    if client is None:
        timeout = readiness.TIMEOUT_SECONDS
        client = current_app.extensions["ops_redis"] = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return client.ping


@bp.get("/metrics", endpoint="metrics")
def metrics_text():
    """Prometheus' text format. In production only for the allowed networks or the bearer of
    ``METRICS_TOKEN``; for anyone else this address does not exist (404)."""
    if not current_app.config["METRICS_PUBLIC"] and not _may_read_metrics():
        abort(404)
    return Response(metrics.exposition(), mimetype=None, content_type=metrics.CONTENT_TYPE)


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 from a dual-stack socket
        address = address.ipv4_mapped
    return any(address in network for network in current_app.config["METRICS_ALLOWED_NETWORKS"])
