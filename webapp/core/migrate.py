"""Alembic driven from Python: the app's URL, the package's migration scripts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), revision)


# Objects the migrations create with raw SQL because the models cannot express them (SQLite's
# R*Tree and FTS5 virtual tables and their shadow tables, expression, partial and trigram
# indexes); the model
# comparison leaves them out.
RAW_SQL_TABLE_PREFIXES = ("location_rtree", "location_layer", "provider_name_fts")
RAW_SQL_INDEXES = frozenset({"ix_location_point", "ix_location_layer_point", "ix_location_misplaced",
                             "ix_location_urgency", "ix_provider_search_name_trgm"})


def _compared(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(RAW_SQL_TABLE_PREFIXES):
        return False
    if type_ == "index" and name in RAW_SQL_INDEXES:
        return False
    return True


def schema_differences(engine: Engine, metadata: MetaData) -> list:
    """Differences between the migrated database and *metadata*, the models' (``webapp.models``;
    passed in because every capability's models import ``core``): empty when in sync."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _compared})
        return compare_metadata(ctx, metadata)
