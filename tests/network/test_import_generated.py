"""The generated demo network (20,000 providers) through the real import path, on both databases."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.clock import TODAY
from webapp.network.importer import import_network
from webapp.network.models import Location, NetworkChange, NetworkMembership, Provider, ProviderSpecialty

pytestmark = pytest.mark.slow  # 20,000 providers generated and imported twice, on both databases

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "network-20000.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_network.py"), "--count", "20000",
                    "--out", str(out)], check=True, capture_output=True)
    return out


def _counts(session):
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Provider, ProviderSpecialty, Location, NetworkMembership, NetworkChange)}


def _import_twice(engine, path: Path):
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            session = Session(bind=conn, join_transaction_mode="create_savepoint")
            first = import_network(session, path, today=TODAY)
            counts = _counts(session)
            second = import_network(session, path, today=TODAY)
            counts_again = _counts(session)
            session.close()
        finally:
            outer.rollback()
    return first, counts, second, counts_again


def test_20000_generated_providers_give_identical_counts_on_sqlite_and_postgresql(
    generated_csv, sqlite_engine, postgresql_engine
):
    results = {name: _import_twice(engine, generated_csv)
               for name, engine in (("sqlite", sqlite_engine), ("postgresql", postgresql_engine))}
    for name, (first, counts, second, counts_again) in results.items():
        assert first.rejects == [] and first.providers_created == 20000, name
        assert not second.changed_anything and counts_again == counts, name
    assert results["sqlite"][1] == results["postgresql"][1]


def test_planted_bad_rows_are_each_reported_and_the_rest_imported(generated_csv, tmp_path, session):
    with generated_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:300]
    per_provider = {}
    for r in rows:
        per_provider[r["provider_key"]] = per_provider.get(r["provider_key"], 0) + 1
    # Plant on providers with a single location, so no good row shares a provider with a bad one.
    singles = [i for i, r in enumerate(rows) if per_provider[r["provider_key"]] == 1]
    bad_values = [("cro_uf", "ZZ"), ("latitude", "95.5"), ("products", "plano-x"),
                  ("phones", "123"), ("network_since", "31/12/2024"), ("specialties", "astrologia")]
    plants = {}
    for n, (column, value) in enumerate(bad_values):
        index = singles[10 + n * 37]
        rows[index][column] = value
        plants[index + 2] = (column, value)  # file line: the header is line 1
    path = tmp_path / "planted.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    report = import_network(session, path, today=TODAY)
    assert {r.line: (r.column, r.value) for r in report.rejects} == plants
    assert report.accepted == len(rows) - len(plants)
