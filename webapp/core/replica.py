"""The read replica's health: reachable, and how far behind the primary it replays.

A streaming replica can be down, or up and minutes behind (a long query on it, a slow disk, the
primary unreachable). Public reads may use it only while it answers and its replay lag is
within a bound; otherwise they go to the primary. Measuring costs a round trip, so each process
measures at most once per ``check_every`` seconds and every request in between reads the last
measure. Nothing here knows Flask; ``webapp/db.py`` decides, per request, which database reads.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

OK, LAGGING, DOWN = "ok", "lagging", "down"

#: Seconds of replay lag on a server: 0 on a server that is not replaying (not a replica, or a
#: promoted one: it is current with itself), 0 on a replica that has replayed everything its WAL
#: receiver got while one is streaming, else the age of the last replayed transaction (None: it
#: has replayed nothing yet). Without a streaming receiver a replica cannot tell what it has not
#: received, so the age is the honest bound. ``pg_stat_wal_receiver`` shows a row (its pid) to any
#: role while a receiver runs.
REPLAY_LAG_SQL = text(
    "SELECT CASE"
    " WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
    "  AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0"
    " ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
    " END"
)
#: Milliseconds the lag query may take before the replica counts as down.
PROBE_TIMEOUT_MS = 1000


def replay_lag(connection: Connection) -> float:
    """The replay lag of the server behind *connection*, in seconds (infinite: unknown)."""
    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {PROBE_TIMEOUT_MS}")
    value = connection.execute(REPLAY_LAG_SQL).scalar()
    return math.inf if value is None else max(0.0, float(value))


@dataclass(frozen=True)
class ReplicaState:
    status: str  # OK, LAGGING or DOWN
    lag_seconds: float | None  # None when down
    measured_at: float  # monotonic seconds

    @property
    def usable(self) -> bool:
        return self.status == OK


class Replica:
    """One replica: its engine, the lag bound, and the last measure of this process.

    *probe* measures the lag on a connection (``replay_lag``); a test may give another."""

    def __init__(self, engine: Engine, max_lag_seconds: float, *,
                 probe: Callable[[Connection], float] = replay_lag, check_every: float = 1.0):
        self.engine, self.max_lag_seconds, self.probe, self.check_every = engine, max_lag_seconds, probe, check_every
        self._state: ReplicaState | None = None
        self._measuring = threading.Lock()

    def state(self) -> ReplicaState:
        """The last measure, measured again when older than ``check_every``. While one thread
        measures, the others read the previous measure rather than wait (but the first one)."""
        state = self._state
        if state is not None and monotonic() - state.measured_at < self.check_every:
            return state
        if not self._measuring.acquire(blocking=state is None):
            return state  # type: ignore[return-value]  (not None: blocking otherwise)
        try:
            state = self._state
            if state is None or monotonic() - state.measured_at >= self.check_every:
                state = self._state = self.measure()
            return state
        finally:
            self._measuring.release()

    def measure(self) -> ReplicaState:
        try:
            with self.engine.connect() as connection:
                lag = self.probe(connection)
        except (SQLAlchemyError, OSError):
            return ReplicaState(DOWN, None, monotonic())
        return ReplicaState(OK if lag <= self.max_lag_seconds else LAGGING, lag, monotonic())

    def mark_down(self) -> None:
        """A query on the replica just failed: leave it aside until the next measure is due."""
        self._state = ReplicaState(DOWN, None, monotonic())
