"""Database engine and sessions (plain SQLAlchemy 2.x, no Flask-SQLAlchemy).

One engine per app, a session per request kept on ``g`` and closed at teardown.  Services get
the session as an argument and know nothing of Flask.  SQLite gets the pragmas and the
transaction handling it needs to behave like a real database (foreign keys, WAL, a busy
timeout, SAVEPOINT support for rolled-back tests).

Reads and writes begin differently.  A session's transaction begins deferred: on SQLite it
reads a snapshot and takes no lock, so any number of readers run side by side.  Every write
goes through ``writing(session)`` (``Database.write_session()`` outside a request), which ends
whatever the session was reading and begins a transaction that takes SQLite's write lock up
front (``BEGIN IMMEDIATE``).  A writer then waits its turn (``busy_timeout``) instead of
failing: a deferred transaction that read first cannot upgrade to a write once another writer
has committed after its snapshot, and SQLite answers "database is locked" at once, without
waiting.  PostgreSQL needs no lock up front; there a write that depends on a read is one
atomic statement, a conditional update, or kept to one transaction at a time with
``one_at_a_time(session, key)``.

With a read replica (``DATABASE_REPLICA_URL``) the app has a second engine, and one function
here, ``_reads_from_replica``, decides per request which of the two the request's session uses:
public GET pages of a signed-out browser that has not written lately go to the replica while it
is healthy (``webapp/core/replica.py``); everything else, every write included, to the primary.
A public read whose database fails under it is run again on the other one (``retry_elsewhere``).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

from flask import Flask, current_app, g, has_request_context, request, session as cookie_session
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from .core import clock
from .core.access import AGENT_SESSION_KEY, MEMBER_SESSION_KEY
from .core.replica import DOWN, Replica

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Execution option of a connection whose transaction will write (see ``writing``).
WRITE_OPTION = "guia_write"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetime sem fuso horário")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Seconds to wait for PostgreSQL to accept a connection (libpq's minimum is 2).
CONNECT_TIMEOUT_SECONDS = 2
#: After a connection attempt that failed slowly (the server did not answer), seconds during
#: which new requests fail at once instead of each waiting for its own attempt: a database that
#: does not answer must not hold every worker.
RECONNECT_PAUSE_SECONDS = 5
#: A failed attempt that took this long means a server that does not answer (the pause follows);
#: a refusal (down, restarting, shutting down) comes back in milliseconds.
SLOW_FAILURE_SECONDS = 0.5


def make_engine(url: str, **kwargs) -> Engine:
    # A failing statement's message (logged, maybe shown in a traceback) must not carry its
    # bound values: CPFs, card numbers, names.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
            # SAVEPOINT and rollback work as documented.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A writer takes the write lock now, waiting busy_timeout for it; readers take none.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        # No JIT: this is short OLTP work, where compiling a plan that the planner merely
        # estimates to be costly (a search's LATERAL over its boxes) takes longer than running it.
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("options", "-c jit=off")
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        kwargs["connect_args"] = connect_args
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
        _pause_after_failed_connections(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _pause_after_failed_connections(engine: Engine) -> None:
    """Once a connection attempt times out, answer new ones with the same error for a few seconds.

    A server that does not answer at all costs each attempt the whole connect timeout; without
    the pause every request would wait for it. Refused connections fail in milliseconds and
    start no pause: the next request tries again, so a restarted primary is used the moment it
    is back (the pause made every worker that saw it down answer 503 for 5 s more).
    """
    last_failure: dict[str, float | str] = {"at": float("-inf"), "message": ""}

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, _record, cargs, cparams):
        since = time.monotonic() - float(last_failure["at"])
        if since < RECONNECT_PAUSE_SECONDS:
            raise dialect.loaded_dbapi.OperationalError(
                f"banco indisponível há {since:.1f} s, nova tentativa em breve: {last_failure['message']}")
        started = time.monotonic()
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as error:
            if time.monotonic() - started >= SLOW_FAILURE_SECONDS:
                last_failure.update(at=time.monotonic(), message=str(error).strip())
            raise


# SQLite's result codes that mean "not now" (busy past the timeout, disk trouble, file not
# there) rather than a wrong statement: pysqlite reports both as OperationalError.
_SQLITE_UNAVAILABLE = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL,
})


def is_unavailable(error: Exception) -> bool:
    """True when *error* says the database cannot serve now (down, refusing, too busy, timed
    out), which deserves a "try again later", not when a statement itself is wrong."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    # psycopg's OperationalError: connection refused or lost, shutdown, cancelled statement,
    # serialization failure — all conditions of the server, not of the statement.
    return True


class Database:
    """Holds the engine and session factory of one app (``app.extensions['db']``), and the
    replica's when there is one."""

    def __init__(self, engine: Engine, replica: Replica | None = None):
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        self.replica = replica
        self.replica_session_factory = (
            sessionmaker(bind=replica.engine, expire_on_commit=False, info={REPLICA_INFO: True})
            if replica is not None else None)

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = self
        app.teardown_appcontext(self._close_session)
        if self.replica is not None:
            app.after_request(_stamp_writes)

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session of its own (CLI, scripts) whose one transaction writes: committed when the
        block ends, rolled back if it raises."""
        session = self.session_factory()
        try:
            with writing(session):
                yield session
        finally:
            session.close()

    @staticmethod
    def _close_session(_exc) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            try:
                session.close()
            except OperationalError:
                # The server ended the connection after the answer was made (a restart of the
                # primary): closing rolls back, which fails. The answer stands; the connection
                # is thrown away instead of going back to the pool.
                session.invalidate()


def get_session() -> Session:
    """The request's session (created on first use), on the replica or the primary as
    ``_reads_from_replica`` decides."""
    if "db_session" not in g:
        db: Database = current_app.extensions["db"]
        g.db_on_replica = db.replica is not None and _reads_from_replica(db.replica)
        g.db_session = (db.replica_session_factory if g.db_on_replica else db.session_factory)()
    return g.db_session


# --------------------------------------------------------------------------- the replica's share

#: Session info key of a session bound to the replica (``writing`` refuses it).
REPLICA_INFO = "guia_replica"
#: Public pages that may be read from the replica: the network's (search, provider pages,
#: changes), the plans' and the JSON API's. A GET of theirs never writes.
REPLICA_BLUEPRINTS = frozenset({"network", "plans", "api"})
#: Set when a request of this browser committed: the moment, signed. Its age decides whether the
#: replica has caught up with that write.
WRITE_COOKIE = "guia_escrita"


def _reads_from_replica(replica: Replica) -> bool:
    """The one decision of where a request reads.

    The replica serves a GET or HEAD of a public page (``REPLICA_BLUEPRINTS``) from a browser
    with no member or agent signed in, that has not written more recently than the replica
    could have replayed (``READ_YOUR_WRITES_SECONDS`` at least), while the replica answers
    within its lag bound. Everything else reads, and writes, on the primary — but a request run
    again elsewhere (``retry_elsewhere``) reads where it was sent."""
    sent = g.get("db_read_from") if has_request_context() else None
    if sent is not None:
        return sent == "replica"
    if not _public_read():
        return False
    state = replica.state()
    if not state.usable:
        return False
    wrote = _seconds_since_write()
    return wrote is None or wrote >= max(current_app.config["READ_YOUR_WRITES_SECONDS"], state.lag_seconds + 1)


def _public_read() -> bool:
    """A GET or HEAD of a public page (``REPLICA_BLUEPRINTS``) with nobody signed in."""
    return (has_request_context() and request.method in ("GET", "HEAD") and request.blueprint in REPLICA_BLUEPRINTS
            and not cookie_session.get(MEMBER_SESSION_KEY) and not cookie_session.get(AGENT_SESSION_KEY))


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())  # the one clock, which tests freeze


def _write_signer() -> _ClockSigner:
    return _ClockSigner(current_app.secret_key, salt="guia-escrita")


def _seconds_since_write() -> float | None:
    value = request.cookies.get(WRITE_COOKIE)
    if not value:
        return None
    try:
        _, stamp = _write_signer().unsign(value, return_timestamp=True)
    except BadSignature:
        return None
    return clock.utcnow().timestamp() - stamp.timestamp()


def _stamp_writes(response):
    """After a request that committed, the browser carries the moment for as long as a replica
    within its bound could still lack the write."""
    if g.get("db_wrote"):
        config = current_app.config
        response.set_cookie(
            WRITE_COOKIE, _write_signer().sign(b"1").decode(),
            max_age=int(max(config["READ_YOUR_WRITES_SECONDS"], config["REPLICA_MAX_LAG_SECONDS"])) + 2,
            secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def retry_elsewhere(error: Exception) -> bool:
    """*error* was raised by a view: True when the view may run again on the other database,
    whose session the request then gets (once per request; a public read wrote nothing, so
    running it again is safe).

    A replica that fails under a read is left aside until its next measure and the read goes
    to the primary: a replica that dies is never an error page. A primary that fails under a
    public read of a browser that has not written lately sends it to the replica, if that one
    answers — lagging or not: while the primary is down nothing new is written, and a page
    a little stale beats a 503."""
    if not (has_request_context() and is_unavailable(error)) or g.get("db_read_from"):
        return False
    db: Database = current_app.extensions["db"]
    if db.replica is None:
        return False
    if g.get("db_on_replica"):
        db.replica.mark_down()
        target = "primary"
        current_app.logger.warning("réplica indisponível, leitura refeita no primário: %s", error)
    elif _public_read() and _seconds_since_write() is None and db.replica.state().status != DOWN:
        target = "replica"
        current_app.logger.warning("primário indisponível, leitura pública refeita na réplica: %s", error)
    else:
        return False
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    g.db_read_from = target
    return True


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """One write transaction on *session*, committed when the block ends (rolled back if it raises).

    What the session was reading is ended first (nothing may be pending: a change made before
    the block would be written without the lock), so read again inside the block whatever the
    write depends on.  On SQLite the transaction begins with the write lock; keep the block
    short and do slow work (password hashing) before it.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("alterações pendentes antes de writing(): faça-as dentro do bloco")
    if session.info.get(REPLICA_INFO):
        raise RuntimeError("escrita numa sessão da réplica: esta rota não pode ler da réplica")
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if has_request_context():
        g.db_wrote = True  # read-your-writes: this browser reads from the primary for a while


def one_at_a_time(session: Session, *key: str) -> None:
    """Hold *key* until this transaction ends, after waiting for any other transaction holding it.

    For a read that decides a write (count, then insert if under a limit): on PostgreSQL a
    transaction-scoped advisory lock, held until commit or rollback.  On SQLite nothing to do:
    ``writing`` already holds the one write lock."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        digest = hashlib.blake2b("\x1f".join(key).encode(), digest_size=8).digest()
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                        {"key": int.from_bytes(digest, "big", signed=True)})
