"""search index: each layer in its own strip of a 2-D index

Revision 0003 kept SQLite's spatial layers in a 3-D R*Tree whose extra "band" dimension
(``layer * 1000``) has zero thickness: every node then has zero volume, SQLite's R*Tree
insertion and split heuristics (which compare volumes) cannot tell subtrees apart, and the tree
came out so poorly clustered that searches at 400,000 providers read ~100x the nodes they need.
Here the R*Tree becomes 2-D, each layer in its own 360-degree strip of "longitude" (``x =
longitude + 360 * layer``), as PostgreSQL's ``location_layer`` already is; the filter fields are
no longer copied into auxiliary columns (the search joins ``location`` by rowid, measured
cheaper per row).  On PostgreSQL the GiST index of ``location_layer`` now INCLUDEs ``layer`` too,
so the scan stays index-only when the search reads it.

Layers, entry ids (``location_id * 64 + layer``) and the frozen specialty list are 0003's.
"""
import importlib.util
from pathlib import Path

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _revision_0003():
    """Revision 0003's module (its frozen layer list, and its objects for the downgrade)."""
    path = Path(__file__).with_name("0003_search_index.py")
    spec = importlib.util.spec_from_file_location("guia_migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_R0003 = _revision_0003()
LAYERS, URGENCY_LAYER = _R0003.LAYERS, _R0003.URGENCY_LAYER
_layer_of = _R0003._sqlite_layer_of

_TRIGGERS = ("provider_specialty_rtree_update", "provider_specialty_rtree_delete",
             "provider_specialty_rtree_insert", "location_rtree_delete", "location_rtree_update",
             "location_rtree_insert")
#: Columns of ``location`` whose change moves a location between entries.
_WATCHED = "latitude, longitude, provider_id, active, urgency_24h"


def _entry(row: str, layer: str) -> str:
    x = f"{row}.longitude + 360 * {layer}"
    return f"{row}.id * 64 + {layer}, {x}, {x}, {row}.latitude, {row}.latitude"


def _insert_all(row: str, from_: str = "") -> list[str]:
    """Statements adding every layer entry of the location(s) ``row``."""
    src = f" FROM {from_}" if from_ else ""
    layer = _layer_of("ps.specialty")
    return [
        f"INSERT INTO location_rtree SELECT {_entry(row, '0')}{src} WHERE {row}.active",
        f"INSERT INTO location_rtree SELECT {_entry(row, str(URGENCY_LAYER))}{src}"
        f" WHERE {row}.active AND {row}.urgency_24h",
        f"INSERT INTO location_rtree SELECT {_entry(row, layer)}"
        f" FROM {from_ + ', ' if from_ else ''}provider_specialty AS ps"
        f" WHERE ps.provider_id = {row}.provider_id AND {row}.active AND {layer} IS NOT NULL",
    ]


def _delete_all(row: str) -> str:
    ids = ", ".join(f"{row}.id * 64 + {layer}" for layer in range(LAYERS))
    return f"DELETE FROM location_rtree WHERE id IN ({ids})"


def _drop_sqlite_index() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS location_rtree")


def _sqlite_upgrade() -> None:
    _drop_sqlite_index()
    op.execute("CREATE VIRTUAL TABLE location_rtree USING rtree(id, min_x, max_x, min_lat, max_lat)")
    for statement in _insert_all("l", from_="location AS l"):
        op.execute(statement)
    body = ";\n".join(_insert_all("NEW"))
    op.execute(f"CREATE TRIGGER location_rtree_insert AFTER INSERT ON location BEGIN\n{body};\nEND")
    op.execute(f"CREATE TRIGGER location_rtree_update AFTER UPDATE OF {_WATCHED} ON location BEGIN\n"
               f"{_delete_all('OLD')};\n{body};\nEND")
    op.execute(f"CREATE TRIGGER location_rtree_delete AFTER DELETE ON location BEGIN\n{_delete_all('OLD')};\nEND")
    add = (f"INSERT INTO location_rtree SELECT {_entry('l', _layer_of('NEW.specialty'))}"
           f" FROM location AS l WHERE l.provider_id = NEW.provider_id AND l.active"
           f" AND {_layer_of('NEW.specialty')} IS NOT NULL")
    remove = (f"DELETE FROM location_rtree WHERE id IN (SELECT l.id * 64 + {_layer_of('OLD.specialty')}"
              f" FROM location AS l WHERE l.provider_id = OLD.provider_id)")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_insert AFTER INSERT ON provider_specialty BEGIN\n"
               f"{add};\nEND")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_delete AFTER DELETE ON provider_specialty BEGIN\n"
               f"{remove};\nEND")
    op.execute(f"CREATE TRIGGER provider_specialty_rtree_update AFTER UPDATE ON provider_specialty BEGIN\n"
               f"{remove};\n{add};\nEND")


def _sqlite_downgrade() -> None:
    # 0003's SQLite part recreates its R*Tree, triggers and two partial indexes: drop those
    # indexes first so it can.
    _drop_sqlite_index()
    op.execute("DROP INDEX IF EXISTS ix_location_urgency")
    op.execute("DROP INDEX IF EXISTS ix_location_misplaced")
    _R0003._sqlite_upgrade()


def _pg_layer_index(include_layer: bool) -> None:
    op.execute("DROP INDEX IF EXISTS ix_location_layer_point")
    layer = "layer, " if include_layer else ""
    op.execute(
        "CREATE INDEX ix_location_layer_point ON location_layer"
        " USING gist (point(longitude + 360 * layer, latitude))"
        f" INCLUDE (location_id, {layer}provider_id, municipality_ibge, uf, latitude, longitude,"
        " urgency_24h, wheelchair_access, sees_children)"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _pg_layer_index(include_layer=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _pg_layer_index(include_layer=False)
