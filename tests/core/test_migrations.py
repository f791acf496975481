"""Alembic owns the schema: migrations build it on both databases and match the models."""

import os

import pytest
from sqlalchemy import inspect

from tests.support.databases import BACKENDS, drop_postgres_database, recreate_postgres_database
from webapp.core import migrate
from webapp.db import make_engine
from webapp.models import metadata


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/empty.sqlite3")
    else:
        engine = make_engine(recreate_postgres_database(f"guia_odonto_migrations_{os.getpid()}"))
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_postgres_database(f"guia_odonto_migrations_{os.getpid()}")


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_engine):
    migrate.upgrade(empty_engine)
    assert migrate.schema_differences(empty_engine, metadata) == []
    tables = set(inspect(empty_engine).get_table_names())
    assert {"operator", "product", "procedure", "waiting_period", "exclusion"} <= tables
    migrate.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_engine)  # and back up again
    assert migrate.schema_differences(empty_engine, metadata) == []


def test_cli_db_check_passes_on_the_migrated_test_database(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "Esquema em dia" in result.output
