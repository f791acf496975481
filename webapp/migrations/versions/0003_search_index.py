"""search index: spatial index over locations, indexes for the network search filters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:00:00

Used by ``webapp.network.search`` (see its docstring for how the queries use these objects).

* SQLite: an R*Tree virtual table ``location_rtree`` (one zero-size box per location, plus
  auxiliary columns holding everything the candidate query filters on, so the search never
  touches the wide ``location`` rows until the final page), kept in sync with ``location`` by
  triggers and back-filled here.
* PostgreSQL: a GiST expression index on ``point(longitude, latitude)`` (no PostGIS), with the
  filtered columns INCLUDEd so the candidate query can be an index-only scan.
* Both: covering indexes for the membership and specialty filters, a partial index on
  locations whose coordinates fall outside their municipality (the search fetches those apart,
  since the spatial index cannot place them in their municipality's area) and a partial index
  on 24-hour urgency locations (a selective filter the search may drive from).
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# flags bit mask stored in location_rtree.flags (see webapp.network.search.FLAG_*)
_SQLITE_FLAGS = (
    "((NEW.active != 0) | ((NEW.urgency_24h != 0) << 1)"
    " | ((NEW.wheelchair_access != 0) << 2) | ((NEW.sees_children != 0) << 3))"
)
_SQLITE_ROW = (
    "NEW.id, NEW.latitude, NEW.latitude, NEW.longitude, NEW.longitude,"
    f" NEW.provider_id, NEW.municipality_ibge, NEW.uf, NEW.latitude, NEW.longitude, {_SQLITE_FLAGS}"
)
_WATCHED = "latitude, longitude, provider_id, municipality_ibge, uf, active, urgency_24h, wheelchair_access, sees_children"


def _common_indexes() -> None:
    op.create_index("ix_network_membership_search", "network_membership",
                    ["product_id", "provider_id", "since", "until"])
    op.create_index("ix_provider_specialty_search", "provider_specialty", ["specialty", "provider_id"])


def upgrade() -> None:
    _common_indexes()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE location_rtree USING rtree("
            "id, min_lat, max_lat, min_lon, max_lon,"
            " +provider_id, +municipality_ibge, +uf, +latitude, +longitude, +flags)"
        )
        op.execute(f"INSERT INTO location_rtree SELECT {_SQLITE_ROW.replace('NEW.', '')} FROM location")
        op.execute(f"""
            CREATE TRIGGER location_rtree_insert AFTER INSERT ON location BEGIN
                INSERT INTO location_rtree VALUES ({_SQLITE_ROW});
            END""")
        op.execute(f"""
            CREATE TRIGGER location_rtree_update AFTER UPDATE OF {_WATCHED} ON location BEGIN
                DELETE FROM location_rtree WHERE id = OLD.id;
                INSERT INTO location_rtree VALUES ({_SQLITE_ROW});
            END""")
        op.execute("""
            CREATE TRIGGER location_rtree_delete AFTER DELETE ON location BEGIN
                DELETE FROM location_rtree WHERE id = OLD.id;
            END""")
        op.execute("CREATE INDEX ix_location_misplaced ON location (municipality_ibge) WHERE coordinates_match = 0")
        op.execute("CREATE INDEX ix_location_urgency ON location (provider_id) WHERE urgency_24h = 1")
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_location_point ON location USING gist (point(longitude, latitude))"
            " INCLUDE (id, provider_id, municipality_ibge, uf, latitude, longitude,"
            " active, urgency_24h, wheelchair_access, sees_children)"
        )
        op.execute("CREATE INDEX ix_location_misplaced ON location (municipality_ibge) WHERE NOT coordinates_match")
        op.execute("CREATE INDEX ix_location_urgency ON location (provider_id) WHERE urgency_24h")
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"banco não suportado: {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP INDEX IF EXISTS ix_location_urgency")
    op.execute("DROP INDEX IF EXISTS ix_location_misplaced")
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS location_rtree_delete")
        op.execute("DROP TRIGGER IF EXISTS location_rtree_update")
        op.execute("DROP TRIGGER IF EXISTS location_rtree_insert")
        op.execute("DROP TABLE IF EXISTS location_rtree")
    else:
        op.execute("DROP INDEX IF EXISTS ix_location_point")
    op.drop_index("ix_provider_specialty_search", table_name="provider_specialty")
    op.drop_index("ix_network_membership_search", table_name="network_membership")
