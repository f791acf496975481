"""Shared fixtures: ``app``, ``client``, ``runner``, ``session`` on real databases.

Storage tests run on both backends with ``@pytest.mark.parametrize("backend", BACKENDS,
indirect=True)``; everything else uses SQLite.  Each test runs inside a transaction that is
rolled back at the end, on a schema built by the migrations.

Each domain's factories and fixtures are in ``tests/support/<domain>.py``; those with fixtures
are plugins, listed below.  Every test under tests/browser is marked ``browser``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.support.databases import (
    drop_postgres_database,
    prepared_engine,
    recreate_postgres_database,
)
from tests.support.pages import PageClient
from webapp import create_app
from webapp.config import TestingConfig
from webapp.core import passwords

# Each before the plugins that import it: pytest rewrites the asserts of a plugin not yet imported.
pytest_plugins = [
    "tests.support.clock", "tests.support.network", "tests.support.agents", "tests.support.network_team",
    "tests.support.world", "tests.support.api",
    "tests.support.mail",
]
BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_configure(config):
    # Every app the tests make runs on TestingConfig (cheap password hashes, among the rest), and so
    # do the hashes made outside an app (demo data written straight into a database).
    os.environ["GUIA_ENV"] = "testing"
    passwords.hasher.configure(TestingConfig.PASSWORD_HASHING)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    engine = prepared_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine():
    engine = prepared_engine(recreate_postgres_database())
    yield engine
    engine.dispose()
    drop_postgres_database()


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def engine(backend, request):
    return request.getfixturevalue(f"{backend}_engine")


@pytest.fixture
def connection(engine):
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def app(engine, connection, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_ENGINE": engine,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
    })
    # Every session the app opens joins the test's transaction through savepoints, so a
    # commit inside the app is real but disappears with the test's rollback.
    db = app.extensions["db"]
    db.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    app.test_client_class = PageClient
    return app


@pytest.fixture
def client(app) -> PageClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app, connection):
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s
