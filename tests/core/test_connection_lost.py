"""The database ends a request's connection after the page was made (the primary restarting,
``pg_terminate_backend``): the page still goes out, and the next request gets a new connection."""

import time
from datetime import date

import pytest

from flask import request
from sqlalchemy import create_engine, text

from tests.support.databases import PG_ADMIN_URL
from webapp import create_app
from webapp.db import get_session


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
    from sqlalchemy.exc import OperationalError
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
