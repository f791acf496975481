"""Point -> municipality, using an STRtree over the simplified municipality polygons.

Resolution rules, in order (``LocateResult.method`` says which one decided):

1. ``"polygon"`` -- the point lies in a municipality polygon. Where simplified neighbours
   overlap slightly, the polygon simplified with the smallest tolerance wins (its border is
   the more accurate one: small municipalities keep finer outlines than their large
   neighbours, see geodata/README.md); on equal tolerance, the polygon in which the point
   lies deepest (farthest from its boundary) wins.

2. ``"nearest_seat"`` -- the 7 municipalities created after the boundary data was drawn
   (1504752 Mojuí dos Campos/PA, 2206720 Nazária/PI, 4212650 Pescaria Brava/SC,
   4220000 Balneário Rincão/SC, 4314548 Pinto Bandeira/RS, 5006275 Paraíso das Águas/MS,
   5101837 Boa Esperança do Norte/MT) have no polygon; their territory is still drawn inside
   the polygon of the municipality they were split from (the "host", i.e. the polygon
   containing their seat: Santarém, Teresina, Laguna, Içara, Bento Gonçalves, Costa Rica,
   Sorriso). A point that rule 1 (or 3) puts in a host polygon is given to the *nearest seat*
   (geodesic) among the host and the no-polygon municipalities it hosts -- a Voronoi split
   of the host polygon. Guarantee: the seat of each of the 7 resolves to that municipality,
   and the host's own seat resolves to the host.

3. ``"nearest_polygon"`` -- the point is in no polygon (simplification leaves gaps of up to
   ~1 km between neighbours and cuts the coastline by up to ~1 km). If it lies inside a
   state outline (simplified less, 0.005 deg, from the unsimplified data) or within
   ``SNAP_OUTSIDE_DEG`` (~650 m, the outline's own simplification error) of one, it is given
   to the nearest municipality polygon (then rule 2 applies if that polygon is a host).
   Consequence: points in a neighbouring country within ~650 m of the border (twin cities
   such as Pedro Juan Caballero/Ponta Porã) may be attributed to the Brazilian side.

4. ``"outside"`` -- otherwise: outside Brazil (ocean, neighbouring countries). This is a
   normal result, not an exception. Note that water bodies not covered by any municipality
   polygon (e.g. the Lagoa dos Patos) and islands absent from the boundary data (Trindade
   e Martim Vaz) are also reported as outside.

Coordinates are validated (finite, lat in [-90, 90], lon in [-180, 180]); invalid input
raises ``ValueError`` with a pt-BR message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import shapely
from shapely.geometry import Point

from webapp.geo import _data, _validate, municipalities
from webapp.geo.distance import distance_km
from webapp.geo.municipalities import Municipality

Method = Literal["polygon", "nearest_seat", "nearest_polygon", "outside"]

#: Max distance (degrees, ~650 m) from a state outline for a point outside all of them to
#: still count as in Brazil (the outlines are simplified with a 0.005 deg tolerance).
SNAP_OUTSIDE_DEG = 0.006


@dataclass(frozen=True, slots=True)
class LocateResult:
    lat: float
    lon: float
    municipality: Municipality | None
    method: Method

    @property
    def found(self) -> bool:
        return self.municipality is not None

    @property
    def outside_brazil(self) -> bool:
        return self.method == "outside"

    @property
    def by_polygon(self) -> bool:
        """True when the point lies in the municipality's own polygon (no fallback rule used)."""
        return self.method == "polygon"

    @property
    def fallback(self) -> bool:
        return self.method in ("nearest_seat", "nearest_polygon")

    @property
    def message(self) -> str:
        """Short pt-BR description for the UI."""
        if self.municipality is None:
            return "Local fora do Brasil."
        if self.fallback:
            return f"{self.municipality.label} (localização aproximada)"
        return self.municipality.label


class _Locator:
    def __init__(self) -> None:
        pairs = municipalities.all_geometries()
        self.codes = np.array([code for code, _ in pairs], dtype=np.int64)
        self.geoms = np.array([geom for _, geom in pairs], dtype=object)
        tolerances: dict[int, float] = {}
        for st in municipalities.states():
            tolerances.update(_data.state_municipality_tolerances(st.uf))
        self.tolerances = np.array([tolerances[code] for code, _ in pairs], dtype=float)
        self.tree = shapely.STRtree(self.geoms)
        for geom in self.geoms:
            shapely.prepare(geom)
        outlines = _data.state_outlines()
        self.outlines = np.array([outlines[uf] for uf in sorted(outlines)], dtype=object)
        self.outline_tree = shapely.STRtree(self.outlines)
        # no-polygon municipalities grouped by the polygon that contains their seat
        with_polygon = set(self.codes.tolist())
        hosted: dict[int, list[Municipality]] = {}
        for m in municipalities.all_municipalities():
            if m.ibge_code not in with_polygon:
                host = self._polygon_code(Point(m.lon, m.lat), same_uf=m.uf)
                if host is not None:
                    hosted.setdefault(host, []).append(m)
        self.hosted = {k: tuple(v) for k, v in hosted.items()}

    def _polygon_code(self, point: Point, same_uf: str | None = None) -> int | None:
        """Rule 1 and 3 (without the outside test when ``same_uf`` is given)."""
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 1:
            return int(self.codes[hits[0]])
        if len(hits) > 1:
            depth = shapely.distance(shapely.boundary(self.geoms[hits]), point)
            ranked = sorted(zip(self.tolerances[hits].tolist(), (-d for d in depth.tolist()), self.codes[hits].tolist()))
            return int(ranked[0][2])
        return None

    def locate(self, lat: float, lon: float) -> LocateResult:
        point = Point(lon, lat)
        code = self._polygon_code(point)
        method: Method = "polygon"
        if code is None:
            near_state = self.outline_tree.query_nearest(point, max_distance=SNAP_OUTSIDE_DEG)
            if len(near_state) == 0:  # also empty when inside no outline and farther than the limit
                return LocateResult(lat, lon, None, "outside")
            nearest = self.tree.query_nearest(point, all_matches=True)
            code = int(min(self.codes[nearest]))
            method = "nearest_polygon"
        found = municipalities.get(code)
        assert found is not None
        hosted = self.hosted.get(code)
        if hosted:
            candidates = (found, *hosted)
            found = min(candidates, key=lambda m: (distance_km(lat, lon, m.lat, m.lon), m.ibge_code))
            method = "nearest_seat"
        return LocateResult(lat, lon, found, method)


@lru_cache(maxsize=1)
def _locator() -> _Locator:
    return _Locator()


def load() -> None:
    """Build the spatial index now (e.g. at app start-up) instead of on the first lookup."""
    _locator()


def municipality_at(lat: float, lon: float) -> LocateResult:
    """Municipality containing the point (WGS84 degrees); see the module doc for the rules."""
    lat, lon = _validate.lat_lon(lat, lon)
    return _locator().locate(lat, lon)
