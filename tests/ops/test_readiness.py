"""``/healthz`` and ``/readyz`` through HTTP, with the real databases and Redis: ready when the
primary answers at the migrations' head and Redis answers; a 503 naming what failed otherwise,
within about a second whatever hangs; never cached, and never waiting for the database to look
at a signed-in cookie."""

from __future__ import annotations

import socket
from time import perf_counter

import pytest

from tests.support.databases import BACKENDS, PG_TEST_DB, drop_postgres_database, recreate_postgres_database
from tests.support.server import free_port
from webapp import create_app
from webapp.core import migrate
from webapp.db import make_engine

REDIS_URL = "redis://127.0.0.1:6379/15"


def app_on(url: str, **config):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "SERVER_NAME": None,
                       **config})


@pytest.fixture
def made():
    apps = []

    def make(url: str, **config):
        apps.append(app_on(url, **config))
        return apps[-1]

    yield make
    for app in apps:
        app.extensions["db"].engine.dispose()


def ready(client, status: int) -> dict:
    response = client.get("/readyz")
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json" and response.headers["Cache-Control"] == "no-store"
    return response.get_json()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_ready_when_the_database_is_at_the_migrations_head(client, backend):
    assert ready(client, 200) == {"status": "ok", "failed": [],
                                  "checks": {"database": "ok", "migrations": "ok"}}


def test_redis_is_asked_when_there_is_one(app, client):
    app.config["REDIS_URL"] = REDIS_URL
    assert ready(client, 200)["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody listening
    app.extensions.pop("ops_redis", None)
    body = ready(client, 503)
    assert body["status"] == "unavailable" and body["failed"] == ["redis"]
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "down"}


def test_a_database_that_refuses_is_named(made):
    client = made(f"postgresql://postgres@127.0.0.1:{free_port()}/guia").test_client()
    assert ready(client, 503) == {"status": "unavailable", "failed": ["database", "migrations"],
                                  "checks": {"database": "down", "migrations": "unknown"}}
    assert client.get("/healthz").get_json() == {"status": "ok"}  # the process itself answers


def test_a_database_that_does_not_answer_costs_about_a_second(made):
    with socket.socket() as silent:  # accepts TCP connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client = made(f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/guia",
                      REDIS_URL=REDIS_URL).test_client()
        started = perf_counter()
        body = ready(client, 503)
        elapsed = perf_counter() - started
    assert body["failed"] == ["database", "migrations"] and body["checks"]["redis"] == "ok"
    assert elapsed < 1.8, elapsed  # the one-second budget, not libpq's connect timeout


@pytest.mark.postgres
def test_a_database_without_the_migrations_is_not_ready():
    name = f"{PG_TEST_DB}_vazio"
    app = app_on(recreate_postgres_database(name))  # an empty database: no migration ever ran
    try:
        body = ready(app.test_client(), 503)
        assert body["failed"] == ["migrations"] and body["checks"] == {"database": "ok", "migrations": "behind"}
    finally:
        app.extensions["db"].engine.dispose()
        drop_postgres_database(name)


def test_a_database_a_migration_behind_is_not_ready(made, tmp_path):
    url = f"sqlite:///{tmp_path}/antes.sqlite3"
    engine = make_engine(url)
    migrate.upgrade(engine, "0010")
    client = made(url).test_client()
    assert ready(client, 503)["checks"]["migrations"] == "behind"
    migrate.upgrade(engine, "head")
    engine.dispose()
    assert ready(client, 200)["status"] == "ok"


def test_a_signed_in_cookie_does_not_make_health_wait_for_the_database(made):
    client = made(f"postgresql://postgres@127.0.0.1:{free_port()}/guia").test_client()
    with client.session_transaction() as sess:
        sess["member"] = {"id": 1, "v": 0}
        sess["agent"] = {"id": 1, "v": 0, "t": 0}
    health = client.get("/healthz")
    assert health.status_code == 200 and health.headers["Cache-Control"] == "no-store"
    assert client.get("/readyz").status_code == 503
    assert client.get("/carteirinha").status_code == 503  # a page that does need it
