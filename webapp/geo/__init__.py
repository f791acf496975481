"""Geographic helpers for Guia Odonto (plain Python, no Flask).

Data comes from ``<repo>/geodata/`` (built by ``scripts/build_geodata.py``), or from the
directory named by the ``GUIA_GEODATA_DIR`` environment variable, and is loaded lazily,
once per process.

Modules:

* :mod:`webapp.geo.municipalities` -- municipality/state lookup and name search;
* :mod:`webapp.geo.locate` -- point -> municipality (``municipality_at``);
* :mod:`webapp.geo.distance` -- geodesic distance in km;
* :mod:`webapp.geo.coverage` -- coverage areas (national / states / municipalities);
* :mod:`webapp.geo.svgmap` -- small server-rendered SVG maps.
"""

from webapp.geo import _data, locate, municipalities, svgmap
from webapp.geo._data import GeodataError, data_dir

__all__ = ["GeodataError", "clear_caches", "data_dir"]


def clear_caches() -> None:
    """Forget everything loaded (e.g. after changing ``GUIA_GEODATA_DIR`` in tests).  The facade
    does it because it is the one module that sees every cache of the package."""
    _data.read_csv.cache_clear()
    _data._feature_collection.cache_clear()
    municipalities._index.cache_clear()
    municipalities._all_geometries.cache_clear()
    locate._locator.cache_clear()
    svgmap._state_arrays.cache_clear()
