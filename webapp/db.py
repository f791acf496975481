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
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

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


def make_engine(url: str, **kwargs) -> Engine:
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
        kwargs["connect_args"] = connect_args
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    """Holds the engine and session factory of one app (``app.extensions['db']``)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = self
        app.teardown_appcontext(self._close_session)

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
            session.close()


def get_session() -> Session:
    """The request's session (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"].session_factory()
    return g.db_session


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
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


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
