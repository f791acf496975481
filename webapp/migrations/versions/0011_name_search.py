"""name search: the folded provider name, indexed by trigrams on both databases

Revision ID: 0011
Revises: 0010

A search by name (``q``) matches providers whose *folded* name (lower case, no accents,
punctuation and spaces collapsed to one space: ``webapp.core.text.fold``) contains the folded
query.  Folding is Python (Unicode NFKD), so neither database can compute it the same way: the
folded name is stored in ``provider.search_name``, written with the name by the importer and
the model, and each database indexes that column by trigrams, so a substring of three or more
characters is found without reading every name:

* SQLite: an FTS5 table with the trigram tokenizer (SQLite >= 3.34), external content
  (``content='provider'``: it stores only the index), kept in sync by triggers on
  ``provider``.  Asked with a phrase (``MATCH '"<folded query>"'``: consecutive trigrams, so
  exactly a substring), answered from the index alone -- ~7x faster than its ``LIKE``, which
  rereads each candidate's name.
* PostgreSQL: a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` (``CREATE EXTENSION pg_trgm``:
  a trusted extension since PostgreSQL 13, so the database owner may create it).

PostgreSQL is queried with ``search_name LIKE '%<folded query>%'``.  The folded query holds
only ``[0-9a-z ]``: no LIKE wildcard, and nothing FTS5 reads as syntax inside a quoted phrase.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Frozen copy of ``webapp.core.text.fold`` at this revision (a test checks they agree)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_only).strip()


_SQLITE_TRIGGERS = {
    "provider_name_fts_insert": "AFTER INSERT ON provider BEGIN\n"
    "  INSERT INTO provider_name_fts (rowid, search_name) VALUES (NEW.id, NEW.search_name);\nEND",
    "provider_name_fts_delete": "AFTER DELETE ON provider BEGIN\n"
    "  INSERT INTO provider_name_fts (provider_name_fts, rowid, search_name)"
    " VALUES ('delete', OLD.id, OLD.search_name);\nEND",
    "provider_name_fts_update": "AFTER UPDATE OF id, search_name ON provider BEGIN\n"
    "  INSERT INTO provider_name_fts (provider_name_fts, rowid, search_name)"
    " VALUES ('delete', OLD.id, OLD.search_name);\n"
    "  INSERT INTO provider_name_fts (rowid, search_name) VALUES (NEW.id, NEW.search_name);\nEND",
}


def _fill(bind) -> None:
    rows = bind.execute(sa.text("SELECT id, name FROM provider")).all()
    update = sa.text("UPDATE provider SET search_name = :s WHERE id = :id")
    for i in range(0, len(rows), 5000):
        bind.execute(update, [{"id": id_, "s": fold(name)} for id_, name in rows[i:i + 5000]])


def upgrade() -> None:
    bind = op.get_bind()
    # NOT NULL with a default to add it to existing rows; filled just below.  (SQLite cannot
    # drop a column default without rebuilding the table -- whose rebuild would cascade-delete
    # the locations --, so it keeps the empty default there; the model always writes the value.)
    op.add_column("provider", sa.Column("search_name", sa.Text(), nullable=False, server_default=""))
    _fill(bind)
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE provider_name_fts USING fts5(search_name, content='provider',"
                   " content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO provider_name_fts (provider_name_fts) VALUES ('rebuild')")
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    elif bind.dialect.name == "postgresql":
        op.alter_column("provider", "search_name", server_default=None)
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_provider_search_name_trgm ON provider USING gin (search_name gin_trgm_ops)")
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"banco não suportado: {bind.dialect.name}")


def downgrade() -> None:
    # The pg_trgm extension stays: other objects of the database may use it.
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS provider_name_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_provider_search_name_trgm")
    # SQLite >= 3.35 drops a column in place (no table rebuild, which would cascade).
    op.execute("ALTER TABLE provider DROP COLUMN search_name")
