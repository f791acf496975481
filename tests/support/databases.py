"""Real databases for the tests: an SQLite file and the PostgreSQL server on 127.0.0.1:5432.

Each is created empty once per test session, migrated with Alembic (never ``create_all``) and
given the plan catalog; each test then runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import Engine

from webapp.core import migrate
from webapp.db import make_engine
from webapp.plans.catalog import read_catalog
from webapp.plans.loader import load_catalog

BACKENDS = ("sqlite", "postgresql")
PG_ADMIN_URL = os.environ.get("GUIA_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
# One database per test run, so concurrent runs on the machine cannot drop each other's.
PG_TEST_DB = os.environ.get("GUIA_TEST_PG_DB", f"guia_odonto_test_{os.getpid()}")


def recreate_postgres_database(name: str = PG_TEST_DB) -> str:
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # a clear failure, never a silent skip
        pytest.fail(f"PostgreSQL indisponível em {PG_ADMIN_URL}: {exc}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def drop_postgres_database(name: str = PG_TEST_DB) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepared_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        load_catalog(session, read_catalog())
        session.commit()
    return engine
