"""The data version: every write to a table of the network or the catalog changes that dataset's
token, in the writer's transaction, on both databases (migration 0013's triggers)."""

from __future__ import annotations

import importlib
import os
from datetime import date

import psycopg
import pytest
from sqlalchemy import func, inspect, select, text

from tests.support.databases import (
    BACKENDS,
    drop_postgres_database,
    recreate_postgres_database,
)
from webapp.agents.demo import create_demo_agents
from webapp.agents.models import Agent
from webapp.core import dataversion, migrate
from webapp.db import Base, make_engine
from webapp.network.models import Location, LocationCorrection

both_databases = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def tokens(session) -> dict[str, tuple[str, ...]]:
    """Every token, read as the page cache reads them (``current``: on PostgreSQL the next write
    of this transaction replaces its token again), per dataset."""
    dataversion.current(session)
    rows = session.execute(text("SELECT dataset, token FROM data_version ORDER BY dataset, shard")).all()
    return {dataset: tuple(t for d, t in rows if d == dataset) for dataset in dataversion.DATASETS}


@both_databases
def test_current_reads_every_token_in_a_fixed_order(session):
    before = dataversion.current(session)
    assert before == tuple(t for dataset in sorted(dataversion.DATASETS) for t in tokens(session)[dataset])
    assert len(set(before)) == len(before)  # random, never equal
    assert dataversion.current(session) == before  # reading changes nothing


@both_databases
@pytest.mark.parametrize(("dataset", "table"), [(d, t) for d, tables in dataversion.DATASETS.items() for t in tables])
def test_a_write_to_any_table_of_a_dataset_changes_its_token_and_only_its(session, small_network, dataset, table):
    if table == "location_correction":  # no correction in the small network: make one
        create_demo_agents(session)
        session.add(LocationCorrection(location_id=session.scalar(select(func.min(Location.id))), field="phones",
                                       value=[], file_value=[], agent_id=session.scalar(select(func.min(Agent.id)))))
        session.flush()
    before = tokens(session)
    column = inspect(session.connection()).get_pk_constraint(table)["constrained_columns"][0]
    # Every row set to itself: a write that changes nothing still counts (SQLite fires per row).
    session.execute(text(f"UPDATE {table} SET {column} = {column}"))
    after = tokens(session)
    assert after[dataset] != before[dataset]
    assert all(after[other] == before[other] for other in dataversion.DATASETS if other != dataset)


@both_databases
def test_inserts_and_deletes_change_the_token_too(session, small_network):
    before = tokens(session)["network"]
    session.execute(text("DELETE FROM provider_specialty WHERE specialty = 'odontopediatria'"))
    middle = tokens(session)["network"]
    session.execute(text("INSERT INTO provider_specialty (provider_id, specialty)"
                         " SELECT min(id), 'odontopediatria' FROM provider"))
    assert len({before, middle, tokens(session)["network"]}) == 3


@both_databases
def test_a_rolled_back_write_leaves_the_token_it_found(session, small_network):
    before = tokens(session)
    nested = session.begin_nested()
    session.execute(text("UPDATE provider SET name = name || ' (teste)'"))
    assert tokens(session)["network"] != before["network"]
    nested.rollback()
    assert tokens(session) == before


def test_a_postgresql_transaction_replaces_a_token_once_until_it_is_read(committed_postgres, tmp_path):
    """An import inserts row by row: replacing the token at every statement left a version of its
    row per statement that each next one walked (an import of 400,000 providers ran for hours).
    A transaction now replaces it at its first write, and again only after this session read it."""
    from sqlalchemy.orm import Session

    from tests.support.network import row, write_csv
    from webapp.network.importer import import_network
    from webapp.plans.catalog import read_catalog
    from webapp.plans.loader import load_catalog

    def updates(session) -> int:
        # The backend's count of updates of data_version's rows not yet reported (this
        # transaction's, and maybe earlier ones' of this connection: so taken as a difference).
        return session.execute(text("SELECT n_tup_upd FROM pg_stat_xact_user_tables"
                                    " WHERE relname = 'data_version'")).scalar_one()

    rows = [row(provider_key=f"P{i}", cro_number=str(1000 + i), location_key=f"P{i}-L1") for i in range(120)]
    with Session(committed_postgres) as session:
        load_catalog(session, read_catalog())
        session.commit()
        before = dataversion.current(session)
        start = updates(session)

        def token_updates(session) -> int:  # this transaction's
            return updates(session) - start

        report = import_network(session, write_csv(tmp_path / "rede.csv", rows), today=date(2026, 11, 24))
        assert report.providers_created == 120 and report.rejects == []
        assert token_updates(session) == 1  # the network's, once, for ~500 statements
        session.execute(text("UPDATE provider SET name = name"))
        assert token_updates(session) == 1
        middle = dataversion.current(session)  # read: the next write replaces it again
        assert middle != before
        session.execute(text("UPDATE provider SET name = name"))
        assert token_updates(session) == 2
        # A read in a savepoint rolled back (a request inside a test's transaction) still counts.
        nested = session.begin_nested()
        third = dataversion.current(session)
        assert third != middle
        nested.rollback()
        session.execute(text("UPDATE provider SET name = name"))
        assert token_updates(session) == 3 and dataversion.current(session) != third
        session.commit()
    with Session(committed_postgres) as other:  # committed: every reader sees the new token
        assert dataversion.current(other) not in (before, middle)


def test_every_table_a_search_page_reads_belongs_to_a_dataset():
    """A table added to the network or the catalog needs triggers of its own (a migration's):
    list it in a dataset, or here if no page kept by the page cache reads it."""
    network_and_catalog = {m.class_.__table__.name for m in Base.registry.mappers
                           if m.class_.__module__ in ("webapp.network.models", "webapp.plans.models")}
    not_shown = {"data_report", "geocode_cache"}
    watched = {t for tables in dataversion.DATASETS.values() for t in tables}
    assert network_and_catalog - not_shown == watched


def test_the_migration_keeps_a_frozen_copy_of_the_datasets():
    migration = importlib.import_module("webapp.migrations.versions.0013_data_version")
    assert migration.DATASETS == dataversion.DATASETS


@pytest.fixture
def committed_postgres():
    """A database of its own, migrated, where transactions really commit (not the test's)."""
    name = f"guia_odonto_version_{os.getpid()}"
    engine = make_engine(recreate_postgres_database(name))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    drop_postgres_database(name)


def test_postgresql_writers_do_not_wait_for_each_other(committed_postgres):
    """A transaction holds its shard's token until it commits; another writer takes a free shard
    instead of waiting (a correction saved while an import runs).  SQLite has one writer at a time."""
    url = committed_postgres.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as importing, psycopg.connect(url) as correcting, psycopg.connect(url) as reading:
        start = reading.execute("SELECT token FROM data_version ORDER BY dataset, shard").fetchall()
        importing.execute("UPDATE product SET name = name")  # holds a catalog shard, uncommitted
        correcting.execute("SET lock_timeout = '2s'")  # waiting would fail here, not hang
        correcting.execute("UPDATE product SET position = position")
        correcting.commit()
        after_one = reading.execute("SELECT token FROM data_version ORDER BY dataset, shard").fetchall()
        assert sum(a != b for a, b in zip(start, after_one)) == 1  # the committed writer's shard only
        importing.commit()
        after_both = reading.execute("SELECT token FROM data_version ORDER BY dataset, shard").fetchall()
        assert sum(a != b for a, b in zip(start, after_both)) == 2
