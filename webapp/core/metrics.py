"""Prometheus metrics: requests per route, the search's latency, the rows each import took.

Under gunicorn every worker is a process of its own, so each keeps its counts in files of
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode, chosen by that variable
being set before this module is imported) and ``/metrics`` adds them up, whichever worker
answers. The directory must exist and be emptied before gunicorn starts; gunicorn's
configuration names ``child_exit`` below as its hook, so a dead worker's live gauges go with
it (its counters stay: they are what it counted). The import commands write there too when
they run with the same variable, so their counts reach ``/metrics``.

Labels are bounded: a route's endpoint name (never the path, which holds ids and codes), the
method among a few, the status class.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("guia_http_requests", "Requests answered, per route, method and status class.",
                   ["endpoint", "method", "status"])
REQUEST_SECONDS = Histogram(
    "guia_http_request_duration_seconds", "Time to answer a request, per route, method and status class.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
SEARCH_SECONDS = Histogram(
    "guia_search_duration_seconds", "Time the network search takes to find a page of results.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
IMPORT_ROWS = Counter("guia_import_rows", "Rows of operator files read by an import, per file kind and "
                      "outcome (accepted, rejected).", ["kind", "outcome"])
IMPORTS = Counter("guia_imports", "Imports of operator files, per file kind and outcome (imported; refused: "
                  "a file-level problem, nothing written).", ["kind", "outcome"])

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "none"  # the label of a request that matched no route (a 404 of the URL map)


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    labels = (endpoint or NO_ROUTE, method if method in METHODS else "other", f"{status // 100}xx")
    REQUESTS.labels(*labels).inc()
    REQUEST_SECONDS.labels(*labels).observe(seconds)


def count_import(kind: str, *, accepted: int = 0, rejected: int = 0, imported: bool = True) -> None:
    IMPORTS.labels(kind, "imported" if imported else "refused").inc()
    IMPORT_ROWS.labels(kind, "accepted").inc(accepted)
    IMPORT_ROWS.labels(kind, "rejected").inc(rejected)


def exposition() -> bytes:
    """Every metric in Prometheus' text format: of all the processes sharing the directory in
    multiprocess mode, of this process otherwise."""
    if os.environ.get(MULTIPROC_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def child_exit(server, worker) -> None:
    """gunicorn's ``child_exit`` hook: ``from webapp.core.metrics import child_exit`` in its
    configuration file."""
    if os.environ.get(MULTIPROC_VARIABLE):
        multiprocess.mark_process_dead(worker.pid)
