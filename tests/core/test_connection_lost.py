"""The database ends a request's connection after the page was made (the primary restarting,
``pg_terminate_backend``): the page still goes out, and the next request gets a new connection."""

import time

from flask import request
from sqlalchemy import create_engine, text

from tests.support.databases import PG_ADMIN_URL
from webapp import create_app
from webapp.db import get_session


def test_a_connection_ended_before_the_session_closes_is_not_a_500(postgresql_engine):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": None,
                      "DATABASE_URL": postgresql_engine.url.render_as_string(hide_password=False)})
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    ended = []

    @app.after_request
    def end_the_connection(response):
        if request.args.get("cortar"):
            pid = get_session().execute(text("SELECT pg_backend_pid()")).scalar_one()
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                for _ in range(100):  # until the backend is gone, so the session's ROLLBACK fails
                    if not conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first():
                        break
                    time.sleep(0.02)
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
