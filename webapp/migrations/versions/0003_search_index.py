"""search index: spatial index over locations, indexes for the network search filters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:00:00

Used by ``webapp.network.search`` (see its docstring for how the queries use these objects).

* SQLite: an R*Tree virtual table ``location_rtree`` (one zero-size box per location, plus
  auxiliary columns holding everything the candidate query filters on -- flags, area, and the
  provider's specialties as a bit mask -- so the search never touches the wide ``location``
  rows until the final page, nor probes ``provider_specialty`` per row), kept in sync with
  ``location`` and ``provider_specialty`` by triggers and back-filled here.
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


def _flags(row: str) -> str:
    """location_rtree.flags bits (see webapp.network.search.FLAG_*)."""
    return (f"(({row}.active != 0) | (({row}.urgency_24h != 0) << 1)"
            f" | (({row}.wheelchair_access != 0) << 2) | (({row}.sees_children != 0) << 3))")


# location_rtree.specs: bit i set when the provider has SPECIALTY_BITS[i].  Frozen here (a copy
# of webapp.network.search.SPECIALTY_BITS, a test checks they agree): a specialty added later
# gets no bit, and the search then filters it with provider_specialty instead.
SPECIALTY_BITS = (
    "clinico-geral", "acupuntura", "cirurgia-e-traumatologia-bucomaxilofacial", "dentistica",
    "disfuncao-temporomandibular-e-dor-orofacial", "endodontia", "estomatologia", "harmonizacao-orofacial",
    "homeopatia", "implantodontia", "odontogeriatria", "odontologia-do-esporte", "odontologia-do-trabalho",
    "odontologia-hospitalar", "odontologia-legal", "odontologia-para-pacientes-com-necessidades-especiais",
    "odontopediatria", "ortodontia", "ortopedia-funcional-dos-maxilares", "patologia-oral-e-maxilofacial",
    "periodontia", "protese-bucomaxilofacial", "protese-dentaria", "radiologia-odontologica-e-imaginologia",
    "saude-coletiva",
)


def _specs_of(provider_id: str) -> str:
    cases = " ".join(f"WHEN '{slug}' THEN {1 << i}" for i, slug in enumerate(SPECIALTY_BITS))
    return (f"(SELECT coalesce(sum(CASE ps.specialty {cases} END), 0)"
            f" FROM provider_specialty AS ps WHERE ps.provider_id = {provider_id})")


def _rtree_row(row: str) -> str:
    return (f"{row}.id, {row}.latitude, {row}.latitude, {row}.longitude, {row}.longitude,"
            f" {row}.provider_id, {row}.municipality_ibge, {row}.uf, {row}.latitude, {row}.longitude,"
            f" {_flags(row)}, {_specs_of(row + '.provider_id')}")


_WATCHED = "latitude, longitude, provider_id, municipality_ibge, uf, active, urgency_24h, wheelchair_access, sees_children"
_REFRESH_SPECS = ("UPDATE location_rtree SET specs = {specs}"
                  " WHERE id IN (SELECT id FROM location WHERE provider_id = {pid});")


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
            " +provider_id, +municipality_ibge, +uf, +latitude, +longitude, +flags, +specs)"
        )
        op.execute(f"INSERT INTO location_rtree SELECT {_rtree_row('l')} FROM location AS l")
        op.execute(f"""
            CREATE TRIGGER location_rtree_insert AFTER INSERT ON location BEGIN
                INSERT INTO location_rtree VALUES ({_rtree_row('NEW')});
            END""")
        op.execute(f"""
            CREATE TRIGGER location_rtree_update AFTER UPDATE OF {_WATCHED} ON location BEGIN
                DELETE FROM location_rtree WHERE id = OLD.id;
                INSERT INTO location_rtree VALUES ({_rtree_row('NEW')});
            END""")
        op.execute("""
            CREATE TRIGGER location_rtree_delete AFTER DELETE ON location BEGIN
                DELETE FROM location_rtree WHERE id = OLD.id;
            END""")
        op.execute(f"""
            CREATE TRIGGER provider_specialty_rtree_insert AFTER INSERT ON provider_specialty BEGIN
                {_REFRESH_SPECS.format(specs=_specs_of('NEW.provider_id'), pid='NEW.provider_id')}
            END""")
        op.execute(f"""
            CREATE TRIGGER provider_specialty_rtree_delete AFTER DELETE ON provider_specialty BEGIN
                {_REFRESH_SPECS.format(specs=_specs_of('OLD.provider_id'), pid='OLD.provider_id')}
            END""")
        op.execute(f"""
            CREATE TRIGGER provider_specialty_rtree_update AFTER UPDATE ON provider_specialty BEGIN
                {_REFRESH_SPECS.format(specs=_specs_of('OLD.provider_id'), pid='OLD.provider_id')}
                {_REFRESH_SPECS.format(specs=_specs_of('NEW.provider_id'), pid='NEW.provider_id')}
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
        for name in ("provider_specialty_rtree_update", "provider_specialty_rtree_delete",
                     "provider_specialty_rtree_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TRIGGER IF EXISTS location_rtree_delete")
        op.execute("DROP TRIGGER IF EXISTS location_rtree_update")
        op.execute("DROP TRIGGER IF EXISTS location_rtree_insert")
        op.execute("DROP TABLE IF EXISTS location_rtree")
    else:
        op.execute("DROP INDEX IF EXISTS ix_location_point")
    op.drop_index("ix_provider_specialty_search", table_name="provider_specialty")
    op.drop_index("ix_network_membership_search", table_name="network_membership")
