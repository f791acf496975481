"""Benchmark: generate N providers, import them into a fresh SQLite file and a fresh
PostgreSQL database, and print generation time, import time, re-import time and database size.

    .venv/bin/python scripts/bench_import.py --count 400000

Uses the real paths: scripts/generate_network.py writes the CSV, webapp.network.importer
reads it (the same code as `flask --app webapp network import`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from webapp.core import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from webapp.network.importer import import_network  # noqa: E402
from webapp.plans.catalog import read_catalog  # noqa: E402
from webapp.plans.loader import load_catalog  # noqa: E402

PG_ADMIN = os.environ.get("GUIA_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 11, 24)


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def prepare(url: str):
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        load_catalog(session, read_catalog())
        session.commit()
    return engine


def timed_import(engine, csv_path: Path) -> tuple[float, object]:
    start = time.perf_counter()
    with Session(engine) as session:
        report = import_network(session, csv_path, today=TODAY)
        session.commit()
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    csv_path = args.workdir / f"network-{args.count}.csv"

    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_network.py"), "--count", str(args.count),
                    "--out", str(csv_path)], check=True, stdout=subprocess.DEVNULL)
    generation = time.perf_counter() - start
    lines = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    print(f"generation: {args.count} providers, {lines} rows, {human(csv_path.stat().st_size)} CSV in {generation:.1f} s")

    results = []
    sqlite_path = args.workdir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    engine = prepare(f"sqlite:///{sqlite_path}")
    seconds, report = timed_import(engine, csv_path)
    again, report2 = timed_import(engine, csv_path)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    results.append(("SQLite", seconds, again, sqlite_path.stat().st_size, report, report2))

    if not args.skip_postgres:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute('DROP DATABASE IF EXISTS "guia_bench" WITH (FORCE)')
            admin.execute('CREATE DATABASE "guia_bench"')
        url = PG_ADMIN.rpartition("/")[0] + "/guia_bench"
        engine = prepare(url)
        seconds, report = timed_import(engine, csv_path)
        again, report2 = timed_import(engine, csv_path)
        with engine.connect() as conn:
            size = conn.execute(text("select pg_database_size('guia_bench')")).scalar_one()
        engine.dispose()
        results.append(("PostgreSQL", seconds, again, size, report, report2))

    print(f"{'database':<11} {'import':>9} {'re-import':>10} {'size':>10}  rows accepted/rejected  providers  locations  memberships")
    for name, seconds, again, size, report, report2 in results:
        assert not report2.changed_anything, "re-import changed something"
        print(f"{name:<11} {seconds:>8.1f}s {again:>9.1f}s {human(size):>10}  {report.accepted}/{report.rejected_lines}"
              f"  {report.providers_created}  {report.locations_created}  {report.memberships_created}")


if __name__ == "__main__":
    main()
