"""The database goes away under the app (the primary restarting, ``pg_terminate_backend``): a page
already made still goes out, a read on the driver's cursor is a 503 like any other, and the app
connects again as soon as the server is back — pausing only after a server that did not answer."""

import os
import socket
import time
from datetime import date

import pytest
from flask import request
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.support.databases import PG_ADMIN_URL
from webapp import create_app
from webapp.db import SLOW_FAILURE_SECONDS, get_session, make_engine


def end_backend(admin, pid: int) -> None:
    """Terminate a backend and wait until it is gone."""
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(250):
            if not conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first():
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} still there")


def test_a_connection_ended_before_the_session_closes_is_not_a_500(postgresql_engine):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": None,
                      "DATABASE_URL": postgresql_engine.url.render_as_string(hide_password=False)})
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    ended = []

    @app.after_request
    def end_the_connection(response):
        if request.args.get("cortar"):
            pid = get_session().execute(text("SELECT pg_backend_pid()")).scalar_one()
            end_backend(admin, pid)  # so the session's ROLLBACK at teardown fails
            ended.append(pid)
        return response

    try:
        client = app.test_client()
        assert client.get("/planos?cortar=1").status_code == 200
        assert ended
        assert client.get("/planos").status_code == 200
    finally:
        app.extensions["db"].engine.dispose()
        admin.dispose()


def test_a_search_read_on_a_connection_the_server_ended_is_an_unavailable_database(postgresql_engine):
    # The search's hot path runs on the driver's cursor: its error must reach the app's handler
    # as SQLAlchemy's, which answers 503 with Retry-After (a 500 before).
    from sqlalchemy.orm import Session

    from webapp.db import is_unavailable
    from webapp.geo.coverage import CoverageArea
    from webapp.network.search.filters import SearchFilters
    from webapp.network.search.reads import SearchReader

    engine = create_engine(postgresql_engine.url.render_as_string(hide_password=False))
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with Session(engine) as session:
            reader = SearchReader(session, SearchFilters(product_id=1, area=CoverageArea.national(),
                                                         today=date(2026, 11, 20)))
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            end_backend(admin, pid)
            with pytest.raises(OperationalError) as raised:
                reader.raw("SELECT 1")
            assert is_unavailable(raised.value)
            session.invalidate()
    finally:
        engine.dispose()
        admin.dispose()


def test_a_refused_connection_lets_the_next_request_try_again(postgresql_engine):
    # A restarting primary refuses at once; the request after it is back must connect, not
    # wait out a pause (which kept every worker answering 503 for 5 s after a restart).
    name = f"guia_odonto_reconexao_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    engine = make_engine(postgresql_engine.url.set(database=name).render_as_string(hide_password=False))
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        with pytest.raises(OperationalError, match="does not exist"):
            engine.connect()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_server_that_does_not_answer_pauses_new_attempts():
    # Accepts the TCP connection and never says a word: the attempt waits for the connect
    # timeout, and the next request fails at once instead of waiting again.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        engine = make_engine(f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/guia")
        try:
            started = time.monotonic()
            with pytest.raises(OperationalError):
                engine.connect()
            assert time.monotonic() - started >= SLOW_FAILURE_SECONDS
            started = time.monotonic()
            with pytest.raises(OperationalError, match="nova tentativa em breve"):
                engine.connect()
            assert time.monotonic() - started < 0.5
        finally:
            engine.dispose()
