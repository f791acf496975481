"""search index: layered spatial index over locations, indexes for the network search filters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:00:00

Used by ``webapp.network.search`` (its docstring says how).  The spatial index has *layers*:
layer 0 holds every active location; layer ``1 + i`` the active locations of providers with
specialty ``SPECIALTY_LAYERS[i]``; layer ``URGENCY_LAYER`` the active 24-hour urgency
locations.  A search walks the layer of its most selective filter, so a rare specialty costs
about as much as a common one.

* SQLite: one R*Tree virtual table ``location_rtree`` with a "band" dimension (``layer * 1000``)
  besides latitude and longitude; the entry id is ``location_id * 64 + layer``; auxiliary
  columns carry the fields the search filters on, so the wide ``location`` rows are read only
  for the final page.  Kept in sync with ``location`` and ``provider_specialty`` by triggers.
* PostgreSQL (no PostGIS): layer 0 is a GiST expression index on ``location``
  (``point(longitude, latitude)``, filter columns INCLUDEd for index-only scans); layers 1+
  live in the table ``location_layer`` (one row per location and layer) whose GiST index is on
  ``point(longitude + 360 * layer, latitude)`` -- each layer in its own 360-degree strip --
  kept in sync by statement-level triggers (transition tables: one pass per import batch).
* Both: covering indexes for the membership and specialty filters, a partial index on
  locations whose coordinates fall outside their municipality (the search fetches those
  apart) and a partial index on 24-hour urgency locations.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Frozen copy of webapp.network.search.sql.SPECIALTY_LAYERS (a test checks they agree).  A
# specialty added later has no layer: the search then filters it through provider_specialty.
SPECIALTY_LAYERS = (
    "clinico-geral", "acupuntura", "cirurgia-e-traumatologia-bucomaxilofacial", "dentistica",
    "disfuncao-temporomandibular-e-dor-orofacial", "endodontia", "estomatologia", "harmonizacao-orofacial",
    "homeopatia", "implantodontia", "odontogeriatria", "odontologia-do-esporte", "odontologia-do-trabalho",
    "odontologia-hospitalar", "odontologia-legal", "odontologia-para-pacientes-com-necessidades-especiais",
    "odontopediatria", "ortodontia", "ortopedia-funcional-dos-maxilares", "patologia-oral-e-maxilofacial",
    "periodontia", "protese-bucomaxilofacial", "protese-dentaria", "radiologia-odontologica-e-imaginologia",
    "saude-coletiva",
)
URGENCY_LAYER = len(SPECIALTY_LAYERS) + 1  # 26
LAYERS = URGENCY_LAYER + 1


def _common_indexes() -> None:
    op.create_index("ix_network_membership_search", "network_membership",
                    ["product_id", "provider_id", "since", "until"])
    op.create_index("ix_provider_specialty_search", "provider_specialty", ["specialty", "provider_id"])


# --------------------------------------------------------------------------- SQLite


def _sqlite_layer_of(specialty: str) -> str:
    cases = " ".join(f"WHEN '{slug}' THEN {i + 1}" for i, slug in enumerate(SPECIALTY_LAYERS))
    return f"(CASE {specialty} {cases} END)"


def _sqlite_entry(row: str, layer: str) -> str:
    flags = (f"(({row}.active != 0) | (({row}.urgency_24h != 0) << 1)"
             f" | (({row}.wheelchair_access != 0) << 2) | (({row}.sees_children != 0) << 3))")
    return (f"{row}.id * 64 + {layer}, {layer} * 1000, {layer} * 1000,"
            f" {row}.latitude, {row}.latitude, {row}.longitude, {row}.longitude,"
            f" {row}.id, {row}.provider_id, {row}.municipality_ibge, {row}.uf, {row}.latitude, {row}.longitude,"
            f" {flags}")


def _sqlite_insert_all(row: str, from_: str = "", where: str = "") -> list[str]:
    """Statements adding every layer entry of the location(s) ``row``."""
    src = f" FROM {from_}" if from_ else ""
    cond = f"{where} AND " if where else ""
    layer = _sqlite_layer_of("ps.specialty")
    return [
        f"INSERT INTO location_rtree SELECT {_sqlite_entry(row, '0')}{src} WHERE {cond}{row}.active",
        f"INSERT INTO location_rtree SELECT {_sqlite_entry(row, str(URGENCY_LAYER))}{src}"
        f" WHERE {cond}{row}.active AND {row}.urgency_24h",
        f"INSERT INTO location_rtree SELECT {_sqlite_entry(row, layer)}"
        f" FROM {from_ + ', ' if from_ else ''}provider_specialty AS ps"
        f" WHERE {cond}ps.provider_id = {row}.provider_id AND {row}.active AND {layer} IS NOT NULL",
    ]


def _sqlite_delete_all(row: str) -> str:
    ids = ", ".join(f"{row}.id * 64 + {layer}" for layer in range(LAYERS))
    return f"DELETE FROM location_rtree WHERE id IN ({ids})"


_SQLITE_WATCHED = ("latitude, longitude, provider_id, municipality_ibge, uf, active, urgency_24h,"
                   " wheelchair_access, sees_children")


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE location_rtree USING rtree(id, min_band, max_band, min_lat, max_lat, min_lon, max_lon,"
        " +location_id, +provider_id, +municipality_ibge, +uf, +latitude, +longitude, +flags)"
    )
    for statement in _sqlite_insert_all("l", from_="location AS l"):
        op.execute(statement)
    body = ";\n".join(_sqlite_insert_all("NEW"))
    op.execute(f"CREATE TRIGGER location_rtree_insert AFTER INSERT ON location BEGIN\n{body};\nEND")
    op.execute(f"CREATE TRIGGER location_rtree_update AFTER UPDATE OF {_SQLITE_WATCHED} ON location BEGIN\n"
               f"{_sqlite_delete_all('OLD')};\n{body};\nEND")
    op.execute(f"CREATE TRIGGER location_rtree_delete AFTER DELETE ON location BEGIN\n{_sqlite_delete_all('OLD')};\nEND")
    add = (f"INSERT INTO location_rtree SELECT {_sqlite_entry('l', _sqlite_layer_of('NEW.specialty'))}"
           f" FROM location AS l WHERE l.provider_id = NEW.provider_id AND l.active"
           f" AND {_sqlite_layer_of('NEW.specialty')} IS NOT NULL")
    remove = (f"DELETE FROM location_rtree WHERE id IN (SELECT l.id * 64 + {_sqlite_layer_of('OLD.specialty')}"
              f" FROM location AS l WHERE l.provider_id = OLD.provider_id)")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_insert AFTER INSERT ON provider_specialty BEGIN\n{add};\nEND")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_delete AFTER DELETE ON provider_specialty BEGIN\n{remove};\nEND")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_update AFTER UPDATE ON provider_specialty BEGIN\n"
               f"{remove};\n{add};\nEND")
    op.execute("CREATE INDEX ix_location_misplaced ON location (municipality_ibge) WHERE coordinates_match = 0")
    op.execute("CREATE INDEX ix_location_urgency ON location (provider_id) WHERE urgency_24h = 1")


def _sqlite_downgrade() -> None:
    for name in ("provider_specialty_rtree_update", "provider_specialty_rtree_delete",
                 "provider_specialty_rtree_insert", "location_rtree_delete", "location_rtree_update",
                 "location_rtree_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS location_rtree")


# --------------------------------------------------------------------------- PostgreSQL

_PG_LAYER_OF = "array_position(ARRAY[{}]::text[], {{}}::text)".format(
    ", ".join(f"'{slug}'" for slug in SPECIALTY_LAYERS))
_PG_COLUMNS = ("location_id, layer, provider_id, municipality_ibge, uf, latitude, longitude,"
               " urgency_24h, wheelchair_access, sees_children")


def _pg_rows(locations: str, specialties: str | None = None) -> str:
    """SELECT of the layer rows (1+) of the active locations in ``locations`` (alias l)."""
    cols = "l.provider_id, l.municipality_ibge, l.uf, l.latitude, l.longitude, l.urgency_24h, l.wheelchair_access, l.sees_children"
    if specialties is None:  # every specialty of the provider, and the urgency layer
        layer = _PG_LAYER_OF.format("ps.specialty")
        return (f"SELECT l.id, {layer}, {cols} FROM {locations} JOIN provider_specialty AS ps"
                f" ON ps.provider_id = l.provider_id WHERE l.active AND {layer} IS NOT NULL"
                f" UNION ALL SELECT l.id, {URGENCY_LAYER}, {cols} FROM {locations} WHERE l.active AND l.urgency_24h")
    layer = _PG_LAYER_OF.format("ps.specialty")  # the given provider_specialty rows only
    return (f"SELECT l.id, {layer}, {cols} FROM {specialties} JOIN location AS l ON l.provider_id = ps.provider_id"
            f" WHERE l.active AND {layer} IS NOT NULL")


_PG_FUNCTIONS = {
    "location_layer_location_insert": f"""
        INSERT INTO location_layer ({_PG_COLUMNS}) {_pg_rows('new_rows AS l')};""",
    "location_layer_location_update": f"""
        DELETE FROM location_layer AS ll USING old_rows AS o WHERE ll.location_id = o.id;
        INSERT INTO location_layer ({_PG_COLUMNS}) {_pg_rows('new_rows AS l')};""",
    "location_layer_location_delete": """
        DELETE FROM location_layer AS ll USING old_rows AS o WHERE ll.location_id = o.id;""",
    "location_layer_specialty_insert": f"""
        INSERT INTO location_layer ({_PG_COLUMNS}) {_pg_rows('', 'new_rows AS ps')}
        ON CONFLICT DO NOTHING;""",
    "location_layer_specialty_delete": f"""
        DELETE FROM location_layer AS ll USING old_rows AS ps, location AS l
        WHERE l.provider_id = ps.provider_id AND ll.location_id = l.id
          AND ll.layer = {_PG_LAYER_OF.format('ps.specialty')};""",
    "location_layer_specialty_update": f"""
        DELETE FROM location_layer AS ll USING old_rows AS ps, location AS l
        WHERE l.provider_id = ps.provider_id AND ll.location_id = l.id
          AND ll.layer = {_PG_LAYER_OF.format('ps.specialty')};
        INSERT INTO location_layer ({_PG_COLUMNS}) {_pg_rows('', 'new_rows AS ps')}
        ON CONFLICT DO NOTHING;""",
}
_PG_TRIGGERS = (  # (trigger/function name, table, event, transition tables)
    ("location_layer_location_insert", "location", "INSERT", "NEW TABLE AS new_rows"),
    ("location_layer_location_update", "location", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("location_layer_location_delete", "location", "DELETE", "OLD TABLE AS old_rows"),
    ("location_layer_specialty_insert", "provider_specialty", "INSERT", "NEW TABLE AS new_rows"),
    ("location_layer_specialty_update", "provider_specialty", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("location_layer_specialty_delete", "provider_specialty", "DELETE", "OLD TABLE AS old_rows"),
)


def _pg_upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_location_point ON location USING gist (point(longitude, latitude))"
        " INCLUDE (id, provider_id, municipality_ibge, uf, latitude, longitude,"
        " active, urgency_24h, wheelchair_access, sees_children)"
    )
    op.execute("""
        CREATE TABLE location_layer (
            location_id integer NOT NULL,
            layer smallint NOT NULL,
            provider_id integer NOT NULL,
            municipality_ibge integer NOT NULL,
            uf varchar(2) NOT NULL,
            latitude double precision NOT NULL,
            longitude double precision NOT NULL,
            urgency_24h boolean NOT NULL,
            wheelchair_access boolean NOT NULL,
            sees_children boolean NOT NULL,
            CONSTRAINT pk_location_layer PRIMARY KEY (location_id, layer)
        )""")
    op.execute(f"INSERT INTO location_layer ({_PG_COLUMNS}) {_pg_rows('location AS l')}")
    op.execute(
        "CREATE INDEX ix_location_layer_point ON location_layer USING gist (point(longitude + 360 * layer, latitude))"
        " INCLUDE (location_id, provider_id, municipality_ibge, uf, latitude, longitude,"
        " urgency_24h, wheelchair_access, sees_children)"
    )
    for name, body in _PG_FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"BEGIN{body}\n    RETURN NULL;\nEND $$")
    for name, table, event, transitions in _PG_TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transitions}"
                   f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    op.execute("CREATE INDEX ix_location_misplaced ON location (municipality_ibge) WHERE NOT coordinates_match")
    op.execute("CREATE INDEX ix_location_urgency ON location (provider_id) WHERE urgency_24h")


def _pg_downgrade() -> None:
    for name, table, _event, _transitions in _PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS location_layer")
    op.execute("DROP INDEX IF EXISTS ix_location_point")


# --------------------------------------------------------------------------- both


def upgrade() -> None:
    _common_indexes()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _pg_upgrade()
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"banco não suportado: {dialect}")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_location_urgency")
    op.execute("DROP INDEX IF EXISTS ix_location_misplaced")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _pg_downgrade()
    op.drop_index("ix_provider_specialty_search", table_name="provider_specialty")
    op.drop_index("ix_network_membership_search", table_name="network_membership")
