"""What the operations side costs: the per-request log line and metrics, /healthz, /readyz and
the replica's lag probe, on the real PostgreSQL and Redis of the tests.

    .venv/bin/python scripts/bench_ops.py [--requests 3000]

Prints figures only; asserts nothing. The per-request cost is measured on ``/offline`` (a page
that reads no database) through the test client, once as configured (a JSON line to /dev/null
and the Prometheus observations) and once with the request logger and the observations turned
off, so the difference is what they add to every request. The replica is the same server under
a second engine (what a streaming replica's probe runs is the same query).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("GUIA_ENV", "testing")
os.environ["LOG_FORMAT"] = "json"

from webapp import create_app  # noqa: E402
from webapp.core import metrics  # noqa: E402
from webapp.core.replica import replay_lag  # noqa: E402

PG = os.environ.get("GUIA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("GUIA_BENCH_REDIS", "redis://127.0.0.1:6379/15")


def timings(call, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = perf_counter()
        call()
        out.append((perf_counter() - started) * 1000)
    return out


def summary(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    print(f"{name:<44} p50 {p(0.5):7.3f} ms   p99 {p(0.99):7.3f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    n = parser.parse_args().requests

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": PG, "DATABASE_REPLICA_URL": PG,
                      "REDIS_URL": REDIS})
    sink = open(os.devnull, "w")
    sys.stdout = sink  # the JSON lines go where a log shipper would read them; figures to stderr
    client = app.test_client()

    def offline():
        assert client.get("/offline").status_code == 200

    timings(offline, 200)  # warm-up
    request_log, observe = logging.getLogger("guia.request"), metrics.observe_request
    # Alternating rounds, each side's figure the median of its rounds' medians: a machine busy
    # with other work slows both sides alike instead of whichever ran second.
    on, off, rounds = [], [], 20
    for _ in range(rounds):
        on.append(statistics.median(timings(offline, n // rounds)))
        request_log.disabled, metrics.observe_request = True, (lambda *args: None)
        off.append(statistics.median(timings(offline, n // rounds)))
        request_log.disabled, metrics.observe_request = False, observe
    with_hooks, without = statistics.median(on), statistics.median(off)
    sys.stdout = sys.__stdout__
    print(f"GET /offline, log line + metrics on:  median {with_hooks:.3f} ms")
    print(f"GET /offline, log line + metrics off: median {without:.3f} ms")
    print(f"their cost per request:               {(with_hooks - without) * 1000:.0f} µs")

    sys.stdout = sink
    health = timings(lambda: client.get("/healthz"), n)
    ready = timings(lambda: client.get("/readyz"), max(n // 10, 50))
    sys.stdout = sys.__stdout__
    summary("GET /healthz", health)
    summary("GET /readyz (PostgreSQL, replica, Redis)", ready)
    replica = app.extensions["db"].replica
    with replica.engine.connect() as connection:
        summary("replica lag probe (once a second a process)", timings(lambda: replay_lag(connection), 500))
    app.extensions["db"].engine.dispose()
    replica.engine.dispose()


if __name__ == "__main__":
    main()
