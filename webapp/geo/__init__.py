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

from webapp.geo._data import GeodataError, clear_caches, data_dir

__all__ = ["GeodataError", "clear_caches", "data_dir"]
