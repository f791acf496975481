"""Alembic driven from Python: the app's URL, the package's migration scripts."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
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


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """The revisions this code's migrations end at (read once: the scripts ship with the code)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def at_head(connection: Connection) -> bool:
    """The database behind *connection* has every migration of this code, and no other (a
    database migrated by newer code is not this code's schema either)."""
    return frozenset(MigrationContext.configure(connection).get_current_heads()) == expected_heads()


# Objects the migrations create with raw SQL because the models cannot express them (SQLite's
# R*Tree and FTS5 virtual tables and their shadow tables, expression, partial and trigram
# indexes); the model
# comparison leaves them out.
RAW_SQL_TABLE_PREFIXES = ("location_rtree", "location_layer", "provider_name_fts")
RAW_SQL_INDEXES = frozenset({"ix_location_point", "ix_location_layer_point", "ix_location_misplaced",
                             "ix_location_urgency", "ix_provider_search_name_trgm",
                             "ix_location_name_stripe"})


def _compared(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(RAW_SQL_TABLE_PREFIXES):
        return False
    if type_ == "index" and name in RAW_SQL_INDEXES:
        return False
    return True


def schema_differences(engine: Engine, metadata: MetaData) -> list:
    """Differences between the migrated database and *metadata*, the models' (``webapp.models``;
    passed in because every capability's models import ``core``): empty when in sync."""
    with engine.connect() as conn, warnings.catch_warnings():
        # SQLAlchemy cannot reflect SQLite's expression indexes and says so; those are
        # RAW_SQL_INDEXES, left out of the comparison anyway.
        for name in RAW_SQL_INDEXES:
            warnings.filterwarnings("ignore", f"Skipped unsupported reflection of expression-based index {name}$")
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _compared})
        return compare_metadata(ctx, metadata)
