"""name stripes: the provider's folded name on each location, indexed with the place

Revision ID: 0014
Revises: 0013

A search by part of a name near a point ("silva" in Niterói) used to walk the spatial index
and, for every location met, look up its provider's name: at 400,000 providers a common
fragment met thousands of locations before 20 bore it (15-30 ms).  Now:

* ``location.search_name`` holds a copy of ``provider.search_name`` (migration 0011), kept by
  triggers whoever writes (the importer, the model, psql): a location takes its provider's on
  insert and when its provider changes; a provider's new name goes to all its locations.
* ``ix_location_name_stripe`` orders the locations by *stripe* -- a band of latitude
  0.05 degree high (~5.5 km), ``floor((latitude + 90) * 20)`` -- then longitude, and carries
  the latitude, ``active``, the folded name, the provider, the UF and the municipality.  A
  circle around a point is read as one range of the index per stripe it crosses, and a
  location whose name does not bear the query is dropped from the index entry alone, without
  reading the table (~0.3 us against ~3 us): the table and the network membership are read
  only for the few locations whose name matches.

The same expression of the stripe in both databases (floor of a double: both are IEEE), and
the search computes the stripes of its boxes with the same arithmetic; a location on a stripe's
edge is found either way, as the search also bounds the latitude.

A rarer name is read the other way, from its providers (the trigram index): their locations
now come from ``ix_location_provider_place`` (provider, ``active``, coordinates) alone, instead
of one table row each scattered over the table (~2x faster); it replaces the index on the
provider alone, which it starts with.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = {
    # The importer writes the name with the row (this finds it equal and writes nothing); any
    # other writer gets it here.
    "location_search_name_insert": "AFTER INSERT ON location BEGIN\n"
    "  UPDATE location SET search_name = (SELECT p.search_name FROM provider AS p WHERE p.id = NEW.provider_id)"
    " WHERE id = NEW.id AND search_name IS NOT (SELECT p.search_name FROM provider AS p WHERE p.id = NEW.provider_id);\nEND",
    "location_search_name_provider": "AFTER UPDATE OF provider_id, search_name ON location BEGIN\n"
    "  UPDATE location SET search_name = (SELECT p.search_name FROM provider AS p WHERE p.id = NEW.provider_id)"
    " WHERE id = NEW.id AND search_name IS NOT (SELECT p.search_name FROM provider AS p WHERE p.id = NEW.provider_id);\nEND",
    "provider_search_name_locations": "AFTER UPDATE OF search_name ON provider BEGIN\n"
    "  UPDATE location SET search_name = NEW.search_name WHERE provider_id = NEW.id"
    " AND search_name IS NOT NEW.search_name;\nEND",
}
_SQLITE_INDEX = ("CREATE INDEX ix_location_name_stripe ON location (CAST((latitude + 90.0) * 20 AS INTEGER), longitude,"
                 " latitude, active, search_name, provider_id, uf, municipality_ibge)")
_PG_INDEX = ("CREATE INDEX ix_location_name_stripe ON location (CAST(floor((latitude + 90.0) * 20) AS integer), longitude)"
             " INCLUDE (latitude, active, search_name, provider_id, uf, municipality_ibge, id)")


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("location", sa.Column("search_name", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE location SET search_name = (SELECT p.search_name FROM provider AS p"
               " WHERE p.id = location.provider_id)")
    op.drop_index("ix_location_provider_id", table_name="location")
    op.create_index("ix_location_provider_place", "location", ["provider_id", "active", "latitude", "longitude"],
                    postgresql_include=["id"])
    if bind.dialect.name == "sqlite":
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute(_SQLITE_INDEX)
    elif bind.dialect.name == "postgresql":
        op.execute("""CREATE FUNCTION location_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_name := coalesce((SELECT p.search_name FROM provider AS p WHERE p.id = NEW.provider_id), '');
  RETURN NEW;
END $$""")
        op.execute("CREATE TRIGGER location_search_name BEFORE INSERT OR UPDATE OF provider_id, search_name"
                   " ON location FOR EACH ROW EXECUTE FUNCTION location_search_name()")
        op.execute("""CREATE FUNCTION provider_search_name_locations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE location SET search_name = NEW.search_name WHERE provider_id = NEW.id;
  RETURN NULL;
END $$""")
        op.execute("CREATE TRIGGER provider_search_name_locations AFTER UPDATE OF search_name ON provider"
                   " FOR EACH ROW WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name)"
                   " EXECUTE FUNCTION provider_search_name_locations()")
        op.execute(_PG_INDEX)
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"banco não suportado: {bind.dialect.name}")


def downgrade() -> None:
    bind = op.get_bind()
    op.execute("DROP INDEX IF EXISTS ix_location_name_stripe")
    if bind.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS provider_search_name_locations ON provider")
        op.execute("DROP TRIGGER IF EXISTS location_search_name ON location")
        op.execute("DROP FUNCTION IF EXISTS provider_search_name_locations()")
        op.execute("DROP FUNCTION IF EXISTS location_search_name()")
    op.drop_index("ix_location_provider_place", table_name="location")
    op.create_index("ix_location_provider_id", "location", ["provider_id"])
    op.execute("ALTER TABLE location DROP COLUMN search_name")
