"""Whether this instance can serve: the primary answers and has this code's migrations, the
replica (when there is one) answers within its lag bound, Redis (when there is one) answers.

Each dependency is asked at once, in a thread of its own, and given ``TIMEOUT_SECONDS``: a
dependency that does not answer in time counts as down, so the answer never waits longer than
that whatever hangs. Nothing here knows Flask.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from ..core import migrate
from ..core.replica import OK, Replica

log = logging.getLogger(__name__)  # under the app's logger, "webapp"

TIMEOUT_SECONDS = 1.0
DOWN, BEHIND, UNKNOWN = "down", "behind", "unknown"


@dataclass
class Readiness:
    checks: dict[str, str]
    replica_lag_seconds: float | None = None
    failed: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.failed

    @property
    def status(self) -> str:
        if self.failed:
            return "unavailable"
        return "ok" if all(value == OK for value in self.checks.values()) else "degraded"


def primary(engine: Engine) -> str:
    """OK, or BEHIND when the schema is not this code's migrations' head; raises when down."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(TIMEOUT_SECONDS * 1000)}")
        connection.execute(text("SELECT 1"))
        return OK if migrate.at_head(connection) else BEHIND


def check(engine: Engine, replica: Replica | None, ping_redis: Callable[[], object] | None) -> Readiness:
    jobs: dict[str, Callable[[], object]] = {"database": lambda: primary(engine)}
    if replica is not None:
        jobs["replica"] = replica.state
    if ping_redis is not None:
        jobs["redis"] = ping_redis
    pool = ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="readyz")
    try:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        wait(futures.values(), timeout=TIMEOUT_SECONDS)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hung check is left to its own timeout
    answers = {name: _answer(name, future) for name, future in futures.items()}

    database = answers.pop("database")
    result = Readiness(checks={"database": OK if database in (OK, BEHIND) else DOWN,
                               "migrations": database if database in (OK, BEHIND) else UNKNOWN})
    if "replica" in answers:
        state = answers.pop("replica")
        # A replica that is down or behind is degraded, not unready: reads go to the primary.
        result.checks["replica"] = state.status if state is not DOWN else DOWN
        lag = getattr(state, "lag_seconds", None)
        result.replica_lag_seconds = round(lag, 3) if lag is not None and math.isfinite(lag) else None
    if "redis" in answers:
        result.checks["redis"] = OK if answers.pop("redis") is not DOWN else DOWN
    result.failed = [name for name in ("database", "migrations", "redis") if result.checks.get(name, OK) != OK]
    return result


def _answer(name: str, future):
    if not future.done():
        log.warning("prontidão: %s não respondeu em %.1f s", name, TIMEOUT_SECONDS)
        return DOWN
    try:
        return future.result()
    except Exception as error:  # whatever a dependency raised, it did not answer
        log.warning("prontidão: %s indisponível: %s", name, error)
        return DOWN
