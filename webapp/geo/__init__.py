"""Geographic helpers for Guia Odonto (plain Python, no Flask).

Data comes from ``<repo>/geodata/`` (built by ``scripts/build_geodata.py``), or from the
directory named by the ``GUIA_GEODATA_DIR`` environment variable, and is loaded lazily,
once per process.

Modules:

* :mod:`webapp.geo.municipalities` -- municipality/state lookup and name search;
* :mod:`webapp.geo.names` -- a typed place name, forgiving typos ("Você quis dizer …?");
* :mod:`webapp.geo.locate` -- point -> municipality (``municipality_at``);
* :mod:`webapp.geo.distance` -- geodesic distance in km;
* :mod:`webapp.geo.coverage` -- coverage areas (national / states / municipalities);
* :mod:`webapp.geo.area` -- the geometry of searching inside a coverage area;
* :mod:`webapp.geo.svgmap` -- small server-rendered SVG maps.
"""

from webapp.geo import _data, area, coverage, locate, municipalities, names, svgmap
from webapp.geo._data import GeodataError, data_dir
from webapp.geo._validate import lat_lon as valid_lat_lon

__all__ = ["GeodataError", "clear_caches", "data_dir", "valid_lat_lon"]


def clear_caches() -> None:
    """Forget everything loaded (e.g. after changing ``GUIA_GEODATA_DIR`` in tests).  The facade
    does it because it is the one module that sees every cache of the package."""
    _data.read_csv.cache_clear()
    _data._feature_collection.cache_clear()
    municipalities._index.cache_clear()
    municipalities._all_geometries.cache_clear()
    municipalities.territory.cache_clear()
    names.clear_cache()
    coverage._bbox.cache_clear()
    for cached in (area.search_bbox, area.population_density, area.seats, area.brazil_population,
                   area.area_shape, area.population_share, area.far_grid):
        cached.cache_clear()
    locate._locator.cache_clear()
    svgmap._state_arrays.cache_clear()
