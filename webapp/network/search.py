"""Network search: the in-network locations of a product nearest to a point.

Used by the ``/rede`` page and the public API.  Plain functions over a SQLAlchemy session.

    search(session, product_id=..., area=coverage_area(product), lat=..., lon=..., today=...)
        -> SearchPage(results=(SearchResult, ...), has_more=bool, offset, limit)
    search_from_municipality(session, product_id=..., area=..., ibge_code=..., today=...)
        -> the same, from the municipality seat
    count_matches(session, product_id=..., area=..., today=..., <same filters>) -> int

What matches: active locations whose provider has a membership of the product open on
``today`` (``since <= today`` and ``until`` empty or after ``today``), whose municipality is in
the coverage area (national: all; states: ``location.uf``; municipalities:
``location.municipality_ibge``), and that pass the filters: ``specialty`` (a slug, through
``provider_specialty``), ``urgency_24h`` / ``wheelchair`` / ``children`` (the location flags),
``name_query`` (accent-, case- and punctuation-insensitive substring of the provider name, as
:func:`webapp.core.text.fold` folds them).  Order: geodesic distance (WGS-84, the same number as
:func:`webapp.geo.distance.distance_km`) in km with one decimal, as shown, then the provider's
name (:func:`result_order`).  The answer is
exact and the same on SQLite and PostgreSQL: the databases only supply candidates, ranked here
on exact geodesic distances; every way of reading candidates below gives the same answer.

How (one algorithm on both databases; the indexes come from migrations 0003 and 0008):

* Layers.  The spatial index holds every active location (layer 0), and again those of each
  specialty and those open 24 hours for urgencies (one layer each), so the search walks only
  locations of its most selective filter: a rare specialty costs what a common one does.
* Expanding circle.  Around the origin, a circle of radius ``r`` (km, geodesic) is covered by
  bands of latitude (:func:`circle_cover`; SQLite: R*Tree, PostgreSQL: GiST on ``point``),
  clipped to the box of the coverage area, and each index entry is first tested against an
  ellipse in degrees that holds the circle (cheap, on the index's coordinates), then against
  every filter (memberships and specialties through covering indexes).  When at least
  ``offset + limit + 1`` matches lie within ``r`` they hold the page (anything not read is
  farther than ``r``); otherwise ``r`` grows -- to the distance that surely holds enough when
  enough were found, else by the density seen so far -- and only the new ring is read, until
  it is enough or the circle covers the area's box.  A query reads at most ~8 rows per row
  wanted: a ring too full (the first guess of ``r`` is made from the population density, and
  can be wrong) is halved instead.  From outside the area (a group of municipalities searched
  from 300 km away), ``r`` starts at about the distance to the area, so the far side of the
  country is never walked; clipping to the area's box keeps selective areas cheap.
* From far outside an area (a São Cristóvão member searching from Salvador), the ellipse
  bound is ~1% loose -- a ring kilometres thick of a dense area -- so the area is read in grid
  cells instead, nearest first, each bounded by its centre's exact distance less its size
  (:meth:`_Queries._far_cells`): exact, and as cheap from 3,000 km as from 100 km.
* Ties.  Results at the same shown distance are ordered by name, so the circle is grown to
  the edge of the last page row's 0.1 km bucket, and the rows of the buckets a page touches
  are read and sorted.  A municipality search starts at the seat, where the importer puts
  the addresses it could not geocode (hundreds of them in a big city): that pile is read
  first, alone and with its names, then the circle goes on from the density guess.
* Page locality.  The importer writes new rows in spatial order (municipality, then a
  0.01-degree grid), so a search reads its candidates from few database pages.
* Locations whose coordinates fall outside their municipality (``coordinates_match`` false)
  may lie outside the area's box: they are read apart (a small partial index) and always kept.
  The area's box is the union of its municipality polygons' boxes (the host polygon's for the
  7 municipalities without one) plus 0.05 deg, covering the importer's slack near borders.
* Other ways in, when cheaper: a name query with 3+ letters first lists the providers whose
  name can match (SQL pre-filter, then :func:`fold`, up to ``NAME_DRIVEN_CAP`` names); a small
  network in a large area (a product with few memberships) is read from its memberships; a
  specialty without a layer (added after migration 0003) is read whole when rare.
* Distances.  A spherical (haversine, R = 6371.0088 km) distance prunes and pre-sorts: the
  geodesic/spherical ratio is within [0.9944, 1.0045] on WGS-84, so the exact geodesic
  (:func:`webapp.geo.distance.distances_km`, one vectorised call) is computed only where
  the order or the count within ``r`` is undecided, and for the rows that can reach the page.

Costs (400k providers, 2 cores, scripts/bench_search.py): ~2 ms per search on SQLite, ~3 ms on
PostgreSQL; searches from far outside a dense area take more steps.  A name search whose word
is rare reads the provider names once (tens of ms); ``count_matches`` reads every match.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

import numpy as np
import shapely
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ..core.text import fold
from ..geo import _validate, locate, municipalities
from ..geo.coverage import CoverageArea
from ..geo.distance import distances_km
from .specialties import SPECIALTIES

__all__ = [
    "MAX_LIMIT", "MAX_OFFSET", "SearchPage", "SearchResult", "count_matches", "search",
    "search_from_municipality",
]

MAX_LIMIT = 200
MAX_OFFSET = 100_000

#: Spatial layers (migration 0003 holds a frozen copy): 0 = every active location, 1 + i =
#: those of providers with SPECIALTY_LAYERS[i], URGENCY_LAYER = 24-hour urgency.  A specialty
#: missing here (added later) is filtered through provider_specialty instead.
SPECIALTY_LAYERS = (
    "clinico-geral", "acupuntura", "cirurgia-e-traumatologia-bucomaxilofacial", "dentistica",
    "disfuncao-temporomandibular-e-dor-orofacial", "endodontia", "estomatologia", "harmonizacao-orofacial",
    "homeopatia", "implantodontia", "odontogeriatria", "odontologia-do-esporte", "odontologia-do-trabalho",
    "odontologia-hospitalar", "odontologia-legal", "odontologia-para-pacientes-com-necessidades-especiais",
    "odontopediatria", "ortodontia", "ortopedia-funcional-dos-maxilares", "patologia-oral-e-maxilofacial",
    "periodontia", "protese-bucomaxilofacial", "protese-dentaria", "radiologia-odontologica-e-imaginologia",
    "saude-coletiva",
)
URGENCY_LAYER = len(SPECIALTY_LAYERS) + 1

#: Mean earth radius (km) of the spherical pre-filter distance.
EARTH_RADIUS_KM = 6371.0088
#: Bounds of geodesic(WGS-84) / spherical distance, with a margin (true range 0.99445..1.00449).
RATIO_LOW, RATIO_HIGH = 0.994, 1.005
#: Below the shortest degree of latitude (110.574 km) and of longitude at the equator
#: (111.3195 km): a smaller divisor gives a larger region, so it always holds the circle.
KM_PER_DEG_LAT = 110.5
KM_PER_DEG_LON_EQUATOR = 111.3
#: Margin (deg) added to the area's box: the importer accepts points up to ~0.01 deg from the
#: stated municipality's simplified polygon, and gaps between polygons of up to ~1 km.
AREA_MARGIN_DEG = 0.05
#: The first radius: from the population density (see _Queries._first_depth), times
#: FIRST_RADIUS_FACTOR (locations cluster in town centres, where people search from; at 400k
#: providers the median first circle then holds ~2x the rows needed), within these bounds;
#: FIRST_RADIUS_KM when the origin is outside Brazil (at sea, off a coastal city).
FIRST_RADIUS_FACTOR = 0.5
MIN_RADIUS_KM, MAX_FIRST_RADIUS_KM, FIRST_RADIUS_KM = 0.3, 200.0, 1.0
#: Growth of the radius (of its part inside the area, from outside it) when too few matches
#: were found: by the density seen so far, within these bounds; EMPTY_GROWTH when the last
#: query found nothing new.
MIN_GROWTH, MAX_GROWTH, EMPTY_GROWTH = 1.25, 4.0, 2.0
#: A query of the expanding circle reads at most max(ROWS_PER_QUERY_FACTOR * needed,
#: MIN_ROWS_PER_QUERY) rows (~2-5 us each): beyond, a thinner ring is tried first.
ROWS_PER_QUERY_FACTOR, MIN_ROWS_PER_QUERY = 8, 160
#: Steps of the expanding circle after which the area's whole box is read (a safety net: the
#: growth rules end far sooner -- the 400k benchmark's worst query takes ~12 steps).
MAX_CIRCLE_STEPS = 48
#: Searches from far outside an area (see _Queries._far_cells): the grid's finest cell (deg),
#: at most this many cells, and boxes per query.
FAR_CELL_DEG, FAR_MAX_CELLS, FAR_BOXES_PER_QUERY = 0.01, 1500, 16
#: Bands of latitude covering the search circle (see circle_cover): from outside the area only
#: the edge of the circle matters, and narrower bands follow it closer.  Odd numbers: no band
#: edge passes through the origin, where a municipality search meets the pile of locations
#: placed on the seat (a point on an edge is read by both bands).
CIRCLE_STRIPS, CIRCLE_STRIPS_OUTSIDE = 7, 15
#: Added to the radius of the circle read (see index_slack_km), at least.
MIN_CIRCLE_SLACK_KM = 0.001
#: A specialty without a layer with at most SELECTIVE_FACTOR * sqrt(needed * locations) rows
#: is read whole.
SELECTIVE_FACTOR = 1.0
#: A name pre-filter matching more providers than this is "common": use the expanding circle.
NAME_DRIVEN_CAP = 5000
#: A product with at most PRODUCT_DRIVEN_MAX memberships and fewer than PRODUCT_SPARSE_SHARE
#: of the area's locations (estimated from its population) is read whole from its memberships.
PRODUCT_DRIVEN_MAX, PRODUCT_SPARSE_SHARE = 20_000, 0.1
ESTIMATE_TTL_SECONDS = 300.0

def shown_km(distance_km: float) -> float:
    """The distance as the pages and the API show it: km with one decimal."""
    return round(distance_km, 1)


def bucket_edge_km(distance_km: float) -> float:
    """A distance beyond which nothing is shown with the same one-decimal value."""
    return round(distance_km, 1) + 0.05 + 1e-9


def result_order(distance_km: float, provider_name: str, location_id: int) -> tuple:
    """How results are ordered: by distance as shown (km, one decimal), then by the provider's
    name as a reader compares it (ignoring accents and case), then by location id."""
    return (shown_km(distance_km), _name_key(provider_name), provider_name, location_id)


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return fold(name)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class SearchResult:
    location_id: int
    provider_id: int
    provider_name: str
    kind: str  # dentista | clinica
    specialties: tuple[str, ...]  # slugs, the provider's display order
    street: str
    number: str | None
    complement: str | None
    neighbourhood: str | None
    cep: str | None
    municipality_ibge: int
    uf: str
    latitude: float
    longitude: float
    precision: str  # exact | approximate
    coordinates_match: bool
    phones: tuple[str, ...]
    whatsapp: str | None
    opening_hours: str | None
    wheelchair_access: bool
    sees_children: bool
    urgency_24h: bool
    updated_at: datetime  # the location row's
    distance_km: float  # geodesic, WGS-84


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: tuple[SearchResult, ...]
    has_more: bool
    offset: int
    limit: int


@dataclass(frozen=True)
class _Filters:
    product_id: int
    area: CoverageArea
    today: date
    specialty: str | None
    name: str | None  # folded
    urgency_24h: bool
    wheelchair: bool
    children: bool


def _filters(product_id, area, today, specialty, name_query, urgency_24h, wheelchair, children) -> _Filters:
    if not isinstance(area, CoverageArea):
        raise TypeError("area deve ser uma CoverageArea")
    if not isinstance(today, date):
        raise TypeError("today deve ser uma data")
    if specialty is not None and specialty not in SPECIALTIES:
        raise ValueError(f"Especialidade desconhecida: {specialty}.")
    name = fold(name_query) if name_query else ""
    return _Filters(int(product_id), area, today, specialty, name or None,
                    bool(urgency_24h), bool(wheelchair), bool(children))


# --------------------------------------------------------------------------- public API


def search(
    session: Session,
    *,
    product_id: int,
    area: CoverageArea,
    lat: float,
    lon: float,
    today: date,
    specialty: str | None = None,
    name_query: str | None = None,
    urgency_24h: bool = False,
    wheelchair: bool = False,
    children: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """The page ``[offset, offset + limit)`` of matching locations in :func:`result_order`.

    Raises ``ValueError`` (pt-BR message) for invalid coordinates, an unknown specialty or an
    out-of-range ``limit``/``offset``.
    """
    lat, lon = _validate.lat_lon(lat, lon)
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ValueError(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    if not 0 <= int(offset) <= MAX_OFFSET:
        raise ValueError(f"offset deve estar entre 0 e {MAX_OFFSET}.")
    limit, offset = int(limit), int(offset)
    f = _filters(product_id, area, today, specialty, name_query, urgency_24h, wheelchair, children)
    q = _Queries(session, f)
    wanted = offset + limit
    cands = q.candidates(lat, lon, wanted + 1)
    ranked, has_more = cands.rank(wanted)
    return SearchPage(results=tuple(q.page(ranked, offset, wanted)), has_more=has_more, offset=offset, limit=limit)


def search_from_municipality(
    session: Session, *, product_id: int, area: CoverageArea, ibge_code: int, today: date, **kwargs
) -> SearchPage:
    """:func:`search` from the seat (sede) of the municipality ``ibge_code``."""
    m = municipalities.get(ibge_code)
    if m is None:
        raise ValueError(f"Código IBGE desconhecido: {ibge_code}.")
    return search(session, product_id=product_id, area=area, lat=m.lat, lon=m.lon, today=today, **kwargs)


def count_matches(
    session: Session,
    *,
    product_id: int,
    area: CoverageArea,
    today: date,
    specialty: str | None = None,
    name_query: str | None = None,
    urgency_24h: bool = False,
    wheelchair: bool = False,
    children: bool = False,
) -> int:
    """How many locations :func:`search` can return with these filters (the API's ``total``).

    Cost: one query visiting every location of the area (the whole ``location`` table for a
    national product) with a membership probe each, so it grows with the network: ~0.1-0.5 s
    for a national product at 400k providers.  Cache it per (product, filters, day) if it is
    shown on every page.  With ``name_query`` the matching providers' names are folded in Python.
    """
    f = _filters(product_id, area, today, specialty, name_query, urgency_24h, wheelchair, children)
    return _Queries(session, f).count()


# --------------------------------------------------------------------------- geometry


@lru_cache(maxsize=64)
def _host_bounds(ibge_code: int) -> tuple[float, float, float, float] | None:
    """Shapely bounds of the polygon hosting a municipality without polygon (its seat's)."""
    from ..geo import _data

    m = municipalities.get(ibge_code)
    assert m is not None
    seat = shapely.Point(m.lon, m.lat)
    for geom in _data.state_municipality_geometries(m.uf).values():
        if geom.contains(seat):
            return geom.bounds
    outline = municipalities.state_geometry(m.uf)
    return None if outline is None else outline.bounds


@lru_cache(maxsize=256)
def search_bbox(area: CoverageArea) -> tuple[float, float, float, float]:
    """``(min_lat, min_lon, max_lat, max_lon)`` holding every location of the area whose
    coordinates match its municipality (see the module docstring), margin included."""
    if area.kind == "national":
        codes = [m.ibge_code for m in municipalities.all_municipalities()]
        outlines = [s.uf for s in municipalities.states()]
    elif area.kind == "states":
        codes = [m.ibge_code for uf in sorted(area.states) for m in municipalities.in_state(uf)]
        outlines = sorted(area.states)
    else:
        codes, outlines = sorted(area.municipalities), []
    boxes = []  # shapely order
    for code in codes:
        geom = municipalities.geometry(code)
        if geom is not None:
            boxes.append(geom.bounds)
            continue
        m = municipalities.get(code)
        assert m is not None
        host = _host_bounds(code)
        if host is not None:
            boxes.append(host)
        boxes.append((m.lon, m.lat, m.lon, m.lat))
    for uf in outlines:
        outline = municipalities.state_geometry(uf)
        if outline is not None:
            boxes.append(outline.bounds)
    d = AREA_MARGIN_DEG
    return (min(b[1] for b in boxes) - d, min(b[0] for b in boxes) - d,
            max(b[3] for b in boxes) + d, max(b[2] for b in boxes) + d)


def lon_km_per_deg(lat: float, r_km: float, area_box=None) -> float:
    """A lower bound of the length (km) of a degree of longitude anywhere on a shortest path
    of at most ``r_km`` from latitude ``lat`` (to a point of ``area_box``, if given).

    Such a path stays within ``|lat| + r / 110.5`` deg of latitude.  Tighter, for the long
    paths of a search from far outside a small area: on a sphere, a great-circle arc of angle
    theta between latitudes up to phi never goes beyond ``asin(sin(phi) / cos(theta / 2))``
    (the arc's points are combinations of its ends, at most ``1 / cos(theta / 2)`` of them);
    0.05 deg covers the ellipsoid's departure from that.  From 600 km away the degree is then
    known within 0.5% instead of 3%, and the circle read is as much tighter."""
    reach = abs(lat) + r_km / KM_PER_DEG_LAT
    phi = reach
    theta = r_km / 6356.0  # the smallest radius of curvature gives the largest angle
    if area_box is not None and theta < 1.0:
        ends = max(abs(lat), min(reach, max(abs(area_box[0]), abs(area_box[2]))))
        sine = math.sin(math.radians(ends)) / math.cos(theta / 2)
        if sine < 1.0:
            phi = min(phi, math.degrees(math.asin(sine)) + 0.05)
    return 0.0 if phi >= 89.9 else KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(phi))


@lru_cache(maxsize=8192)
def _population_density(ibge_code: int) -> float:
    """Inhabitants per km² of a municipality (its polygon's area; 1000 km² without polygon)."""
    m = municipalities.get(ibge_code)
    assert m is not None
    geom = municipalities.geometry(ibge_code)
    area = 1000.0 if geom is None else geom.area * KM_PER_DEG_LON_EQUATOR ** 2 * math.cos(math.radians(m.lat))
    return max(m.population, 1000) / max(area, 1.0)


@lru_cache(maxsize=1)
def _seats() -> frozenset[tuple[float, float]]:
    return frozenset((m.lat, m.lon) for m in municipalities.all_municipalities())


@lru_cache(maxsize=1)
def _brazil_population() -> int:
    return sum(max(m.population, 1000) for m in municipalities.all_municipalities())


def _area_codes(area: CoverageArea) -> list[int]:
    if area.kind == "national":
        return [m.ibge_code for m in municipalities.all_municipalities()]
    if area.kind == "states":
        return [m.ibge_code for uf in sorted(area.states) for m in municipalities.in_state(uf)]
    return sorted(area.municipalities)


@lru_cache(maxsize=256)
def _area_shape(area: CoverageArea):
    """(union of the area's polygons or None for national, inhabitants per km²)."""
    if area.kind == "national":
        return None, _brazil_population() / 8.5e6
    if area.kind == "states":
        geoms = [municipalities.state_geometry(uf) for uf in sorted(area.states)]
    else:
        geoms = [municipalities.geometry(c) or municipalities.state_geometry(municipalities.get(c).uf)
                 for c in sorted(area.municipalities)]
    shape = shapely.unary_union([g for g in geoms if g is not None])
    mid_lat = (shape.bounds[1] + shape.bounds[3]) / 2
    km2 = shape.area * KM_PER_DEG_LON_EQUATOR ** 2 * math.cos(math.radians(mid_lat))
    people = sum(max(municipalities.get(c).population, 1000) for c in _area_codes(area))
    shapely.prepare(shape)
    return shape, people / max(km2, 1.0)


def distance_to_area_km(area: CoverageArea, lat: float, lon: float) -> float:
    """Roughly how far (km) the point is from the area's polygons; 0 inside or near them.

    Only where the search starts (never a bound it relies on): a planar distance in degrees
    scaled by the shorter degree, less 3 km for simplified borders and the importer's slack."""
    shape = _area_shape(area)[0]
    if shape is None:
        return 0.0
    degrees = shape.distance(shapely.Point(lon, lat))
    if degrees == 0:
        return 0.0
    return max(0.0, degrees * KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(abs(lat) + degrees)) - 3.0)


@lru_cache(maxsize=256)
def _area_population_share(area: CoverageArea) -> float:
    """The area's share of Brazil's population (a proxy of its share of any network)."""
    if area.kind == "national":
        return 1.0
    people = sum(max(m.population, 1000) for m in map(municipalities.get, _area_codes(area)) if m)
    return people / _brazil_population()


def circle_cover(lat: float, lon: float, r_km: float, area_box, strips: int = CIRCLE_STRIPS,
                 inner_km: float | None = None) -> tuple[list, bool]:
    """Boxes covering the part of the area's box within ``r_km`` (geodesic) of the point --
    leaving out, if given, what lies within ``inner_km`` (already read) -- and whether that
    is the whole area's box.

    Geodesic distance <= r implies ``(dlat * KM_PER_DEG_LAT)^2 + (dlon * k)^2 <= r^2`` with k
    :func:`lon_km_per_deg` (the ellipsoid's metric is at least this flat one on any path
    shorter than r, where a straight line is the shortest path).  The ellipse is cut in
    ``strips`` bands of latitude, each covered by the rectangle as wide as the ellipse within
    it, less the middle part that lies inside the inner ellipse all along the band; then
    clipped to the area's box.  Compared with one square box this reads ~20% fewer index
    entries around a point inside the area, and far fewer when the circle grows in small
    steps or only the edge of a distant area is in reach."""
    k = lon_km_per_deg(lat, r_km, area_box)
    b = r_km / KM_PER_DEG_LAT
    s, w, n, e = area_box
    if k <= 0 or r_km / k >= 180:  # every longitude (never in Brazil)
        if lat - b <= s and lat + b >= n:
            return [], True
        box = _clip((lat - b, -180.0, lat + b, 180.0), area_box)
        return ([box] if box else []), False
    a = r_km / k
    corners = ((s, w), (s, e), (n, w), (n, e))
    if all(((clat - lat) / b) ** 2 + ((clon - lon) / a) ** 2 <= 1.0 for clat, clon in corners):
        return [], True
    a_in = b_in = 0.0
    if inner_km:
        k_in = lon_km_per_deg(lat, inner_km, area_box)
        a_in, b_in = (inner_km / k_in if k_in > 0 else 0.0), inner_km / KM_PER_DEG_LAT
    # Bands only over the latitudes the area's box spans: from far away, the circle's arc
    # through the area is then covered by as many thin bands, whose boxes hug the arc.
    y_lo, y_hi = max(-b, s - lat), min(b, n - lat)
    if y_lo > y_hi:
        return [], False
    boxes = []
    for i in range(strips):
        y1 = y_lo + (y_hi - y_lo) * i / strips
        y2 = y_lo + (y_hi - y_lo) * (i + 1) / strips
        near = 0.0 if y1 <= 0 <= y2 else min(abs(y1), abs(y2))
        far = max(abs(y1), abs(y2))
        half = a * math.sqrt(max(0.0, 1 - (near / b) ** 2))
        hole = a_in * math.sqrt(1 - (far / b_in) ** 2) if far < b_in else 0.0
        parts = [(lon - half, lon + half)] if hole <= 0 else [(lon - half, lon - hole), (lon + hole, lon + half)]
        for west, east in parts:
            box = _clip((lat + y1, west, lat + y2, east), area_box)
            if box is not None:
                boxes.append(box)
    return boxes, False


def index_slack_km(layer: int, float32: bool) -> float:
    """How far an index entry of ``layer`` may lie from its location's true point, in km.

    SQLite's R*Tree keeps float32 coordinates, rounded outwards: within one unit in the last
    place of ``x = longitude + 360 * layer`` (2^-17 deg, ~2 m, on layer 0; 2^-10 deg, ~0.11 km,
    on the last layer) and of the latitude.  The circle read is widened by this (with a 50%
    margin), so no entry within the radius is missed; PostgreSQL's index keeps doubles."""
    if not float32:
        return MIN_CIRCLE_SLACK_KM
    ulp_x = 2.0 ** (math.floor(math.log2(360 * layer + 180)) - 23)
    ulp_lat = 2.0 ** (math.floor(math.log2(90)) - 23)
    return 1.5 * (ulp_x + ulp_lat) * 111.5 + MIN_CIRCLE_SLACK_KM


@dataclass(frozen=True)
class _FarGrid:
    """Cells of an area's box that touch the area (see _Queries._far_cells)."""

    s: float
    w: float
    step: float
    row: np.ndarray  # each cell's row and column in the grid
    col: np.ndarray
    lat: np.ndarray  # its centre
    lon: np.ndarray
    half_km: np.ndarray  # an upper bound of the distance from its centre to any of its points

    def boxes(self, cells: np.ndarray, bound) -> list:
        """Boxes ``(s, w, n, e)`` covering ``cells``, each run of adjacent cells of a row as one."""
        out = []
        pairs = sorted(zip(self.row[cells].tolist(), self.col[cells].tolist()))
        i = 0
        while i < len(pairs):
            row, first = pairs[i]
            last = first
            while i + 1 < len(pairs) and pairs[i + 1] == (row, last + 1):
                i += 1
                last += 1
            box = _clip((self.s + row * self.step, self.w + first * self.step,
                         self.s + (row + 1) * self.step, self.w + (last + 1) * self.step), bound)
            if box is not None:
                out.append(box)
            i += 1
        return out


@lru_cache(maxsize=64)
def _far_grid(area: CoverageArea) -> _FarGrid | None:
    """The grid of an area's box for searches from far away: at most FAR_MAX_CELLS cells of
    at least FAR_CELL_DEG, keeping those within AREA_MARGIN_DEG of the area's polygons (the
    importer's slack; locations elsewhere are read apart).  None for a national area."""
    shape = _area_shape(area)[0]
    if shape is None:
        return None
    s, w, n, e = search_bbox(area)
    step = max(FAR_CELL_DEG, math.sqrt((n - s) * (e - w) / FAR_MAX_CELLS))
    rows_n, cols_n = max(1, math.ceil((n - s) / step)), max(1, math.ceil((e - w) / step))
    row, col = (a.ravel() for a in np.meshgrid(np.arange(rows_n), np.arange(cols_n), indexing="ij"))
    cells = shapely.box(w + col * step, s + row * step, w + (col + 1) * step, s + (row + 1) * step)
    keep = shapely.intersects(shape.buffer(AREA_MARGIN_DEG), cells)
    row, col = row[keep], col[keep]
    south, north = s + row * step, s + (row + 1) * step
    # Longest degrees there: of latitude 111.7 km; of longitude, at the cell's lowest |latitude|.
    low = np.where(south * north <= 0, 0.0, np.minimum(np.abs(south), np.abs(north)))
    half_km = 0.5 * np.hypot(step * 111.7, step * 111.7 * np.cos(np.radians(low)))
    return _FarGrid(s, w, step, row, col, s + (row + 0.5) * step, w + (col + 0.5) * step, half_km)


def _clip(box, bound):
    s, w, n, e = max(box[0], bound[0]), max(box[1], bound[1]), min(box[2], bound[2]), min(box[3], bound[3])
    return None if s > n or w > e else (s, w, n, e)


def spherical_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p0 = math.radians(lat)
    p = np.radians(lats)
    dl = np.radians(lons - lon)
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


# --------------------------------------------------------------------------- candidates


class _Candidates:
    """Matching locations found so far, and what is known of their distances to the origin."""

    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon
        self.ids: list[int] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.seen: set[int] = set()
        self._exact = np.empty(0)  # geodesic km per candidate, NaN until computed
        self.complete = False  # every matching location is here

    def add(self, rows) -> None:
        seen = self.seen
        for id_, lat, lon in rows:
            if id_ not in seen:
                seen.add(id_)
                self.ids.append(id_)
                self.lats.append(lat)
                self.lons.append(lon)

    def __len__(self) -> int:
        return len(self.ids)

    def exact(self, idx: np.ndarray) -> np.ndarray:
        """Geodesic km of the candidates ``idx`` (computed once, in one vectorised call)."""
        n = len(self.ids)
        if len(self._exact) < n:
            self._exact = np.concatenate([self._exact, np.full(n - len(self._exact), np.nan)])
        missing = idx[np.isnan(self._exact[idx])]
        if len(missing):
            lats = np.asarray(self.lats, dtype=float)[missing]
            lons = np.asarray(self.lons, dtype=float)[missing]
            self._exact[missing] = distances_km(self.lat, self.lon, lats, lons)
        return self._exact[idx]

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of each candidate's geodesic distance (exact when known)."""
        s = spherical_km(self.lat, self.lon, np.asarray(self.lats, dtype=float), np.asarray(self.lons, dtype=float))
        lo, hi = s * RATIO_LOW - 1e-9, s * RATIO_HIGH + 1e-9
        known = np.flatnonzero(~np.isnan(self._exact))
        lo[known] = hi[known] = self._exact[known]
        return lo, hi

    def holds(self, r: float, needed: int) -> bool:
        """Whether at least ``needed`` candidates are within ``r`` km (geodesic computed only
        for those the bounds leave undecided)."""
        lo, hi = self.bounds()
        within = int(np.count_nonzero(hi <= r))
        if within >= needed:
            return True
        undecided = np.flatnonzero((lo <= r) & (hi > r))
        if within + len(undecided) < needed:
            return False
        return within + int(np.count_nonzero(self.exact(undecided) <= r)) >= needed

    def kth_upper(self, needed: int) -> float:
        """A radius surely holding ``needed`` candidates (``len(self) >= needed``)."""
        return float(np.partition(self.bounds()[1], needed - 1)[needed - 1])

    def kth_exact(self, k: int) -> float:
        """The ``k``-th smallest geodesic distance (``len(self) >= k``)."""
        lo, _ = self.bounds()
        keep = np.flatnonzero(lo <= self.kth_upper(k))
        return float(np.partition(self.exact(keep), k - 1)[k - 1])

    def rank(self, wanted: int) -> tuple[list[tuple[float, int]], bool]:
        """``(geodesic km, id)`` of every candidate that can be among the first ``wanted`` in
        :func:`result_order` -- whole buckets of equal shown distance, whose order by name is
        left to the caller, who has the names -- sorted by (shown distance, id); and whether
        more than ``wanted`` exist.

        Exact provided the candidates hold every match up to the bucket edge of the
        ``wanted``-th (see :func:`bucket_edge_km`), or everything."""
        n = len(self.ids)
        has_more = n > wanted
        if n == 0:
            return [], False
        lo, hi = self.bounds()
        if n > wanted:
            # The wanted-th is at most `cut` away; nothing farther than the edge of cut's bucket
            # can share its shown distance.
            cut = np.partition(hi, wanted - 1)[wanted - 1]
            keep = np.flatnonzero(lo <= bucket_edge_km(float(cut)))
        else:
            keep = np.arange(n)
        distances = self.exact(keep)
        ids = np.asarray(self.ids, dtype=np.int64)[keep]
        pairs = sorted(zip(distances.tolist(), ids.tolist()), key=lambda p: (round(p[0], 1), p[1]))
        if n > wanted:
            edge = bucket_edge_km(pairs[wanted - 1][0])
            pairs = [p for p in pairs if p[0] <= edge]
        return pairs, has_more


# --------------------------------------------------------------------------- estimates


_ESTIMATES: weakref.WeakKeyDictionary[Engine, dict] = weakref.WeakKeyDictionary()


def _estimate(session: Session, key: tuple, compute):
    """A cached (per engine, ``ESTIMATE_TTL_SECONDS``) statistic used only to choose a plan."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cache = _ESTIMATES.setdefault(engine, {})
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    cache[key] = (now + ESTIMATE_TTL_SECONDS, value)
    return value


def clear_estimates() -> None:
    _ESTIMATES.clear()


# --------------------------------------------------------------------------- SQL


_NAMED_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")  # ":name" (SQLite style) -> "%(name)s" (psycopg)


#: The display fields of the page's locations, in SearchResult's order.
_PAGE_SQL = (
    "SELECT l.id, l.provider_id, p.name, p.kind, p.specialties, l.street, l.number, l.complement,"
    " l.neighbourhood, l.cep, l.municipality_ibge, l.uf, l.latitude, l.longitude, l.\"precision\","
    " l.coordinates_match, l.phones, l.whatsapp, l.opening_hours, l.wheelchair_access, l.sees_children,"
    " l.urgency_24h, l.updated_at FROM location AS l JOIN provider AS p ON p.id = l.provider_id"
    " WHERE l.id IN ({ids})"
)


def _id_list(ids) -> str:
    """Ids written into SQL (integers only, so nothing else can get in)."""
    return ",".join(str(int(i)) for i in ids)


def _decode_sqlite_row(row: tuple) -> list:
    """SQLite gives JSON as text, booleans as integers and naive UTC datetimes as text."""
    values = list(row)
    values[4] = tuple(json.loads(values[4]) if values[4] else ())  # specialties
    values[15] = bool(values[15])
    values[16] = tuple(json.loads(values[16]) if values[16] else ())  # phones
    values[19], values[20], values[21] = bool(values[19]), bool(values[20]), bool(values[21])
    values[22] = datetime.fromisoformat(values[22]).replace(tzinfo=UTC)
    return values


def _decode_pg_row(row: tuple) -> list:
    values = list(row)
    values[4] = tuple(values[4] or ())
    values[16] = tuple(values[16] or ())
    values[22] = values[22].astimezone(UTC)
    return values


def _name_pattern(folded: str) -> str:
    """LIKE pattern (for ``lower(name)``) that every name whose fold contains ``folded`` matches,
    provided the name has only ASCII and the Latin-1 letters that fold to one letter: each
    letter of the name then gives one letter of the fold, vowels, c, n and y possibly from an
    accented one (so ``_``), and a space of the fold comes from a run of other characters
    (so ``%``).  ``"jose da silva"`` -> ``"%j_s_%d_%s_lv_%"``."""
    words = ("".join("_" if ch in "aeiouycn" else ch for ch in word) for word in folded.split())
    return "%" + "%".join(words) + "%"


_SQL_TEXTS: dict[tuple, dict] = {}


class _Rows(list):
    count = 0  # rows the query returned, before the name filter


class _Queries:
    def __init__(self, session: Session, f: _Filters) -> None:
        self.session = session
        self.f = f
        self.dialect = session.get_bind().dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"banco não suportado: {self.dialect}")
        self.pg = self.dialect == "postgresql"
        # Validated values are written into the SQL (ints, ISO dates, known slugs and UFs): the
        # plan then fits them (PostgreSQL's prepared statements would otherwise settle on a
        # generic plan, e.g. one for an average specialty).  User text stays a parameter.
        self.product = str(int(f.product_id))
        self.today = f"DATE '{f.today.isoformat()}'" if self.pg else f"'{f.today.isoformat()}'"
        self.specialty = f"'{f.specialty}'" if f.specialty else None
        assert f.specialty is None or f.specialty.replace("-", "").isalpha()
        if f.area.kind == "states":
            assert all(len(uf) == 2 and uf.isalpha() and uf.isupper() for uf in f.area.states)
            self.area_list = "(" + ", ".join(f"'{uf}'" for uf in sorted(f.area.states)) + ")"
        elif f.area.kind == "municipalities":
            self.area_list = "(" + ", ".join(str(int(c)) for c in sorted(f.area.municipalities)) + ")"
        self.params: dict = {}
        if f.name:
            self.params["name_pattern"] = _name_pattern(f.name)
        # The spatial layer walked: the most selective filter that has one.
        if f.urgency_24h:
            self.layer = URGENCY_LAYER
        elif f.specialty in SPECIALTY_LAYERS:
            self.layer = 1 + SPECIALTY_LAYERS.index(f.specialty)
        else:
            self.layer = 0
        self.layer_has_specialty = 1 <= self.layer <= len(SPECIALTY_LAYERS)
        self.slack_km = index_slack_km(self.layer, float32=not self.pg)
        # Provider names read with the candidates (when the query had them): a pile of equally
        # distant locations is ordered by name, and the seat's pile is read with its names
        # (~0.8 us a row joined, against ~3 us a row looked up afterwards).
        self._with_names = False
        self.names: dict[int, str] = {}
        # SQL texts depend only on these (values are written into them, see above): built once
        # per process for each, not per search (~0.2 ms of string building).
        signature = (self.dialect, self.product, self.today, self.specialty, f.area.kind,
                     getattr(self, "area_list", None), bool(f.name), f.urgency_24h, f.wheelchair,
                     f.children, self.layer)
        if len(_SQL_TEXTS) > 512 and signature not in _SQL_TEXTS:
            _SQL_TEXTS.clear()
        self._sql: dict = _SQL_TEXTS.setdefault(signature, {})

    # ---- fragments

    def _bool(self, column: str, value: bool = True) -> str:
        if self.pg:
            return column if value else f"NOT {column}"
        return f"{column} = {1 if value else 0}"

    def _area(self, uf: str, municipality: str) -> list[str]:
        kind = self.f.area.kind
        if kind == "states":
            return [f"{uf} IN {self.area_list}"]
        if kind == "municipalities":
            return [f"{municipality} IN {self.area_list}"]
        return []

    def _open_membership(self, m: str) -> str:
        return (f"{m}.product_id = {self.product} AND {m}.since <= {self.today}"
                f" AND ({m}.until IS NULL OR {m}.until > {self.today})")

    def _membership_and_specialty(self, provider_id: str, with_specialty: bool = True,
                                  with_membership: bool = True) -> list[str]:
        out = []
        if self.f.specialty and with_specialty:  # first: usually the more selective
            out.append("EXISTS (SELECT 1 FROM provider_specialty AS s"
                       f" WHERE s.provider_id = {provider_id} AND s.specialty = {self.specialty})")
        if with_membership:
            out.append(f"EXISTS (SELECT 1 FROM network_membership AS m WHERE {self._open_membership('m')}"
                       f" AND m.provider_id = {provider_id})")
        return out

    def _name(self) -> list[str]:
        if not self.f.name:
            return []
        # Names with characters outside ASCII and the Latin-1 letters that fold 1:1 (so not ß)
        # always pass; fold() in Python decides for every row anyway.
        weird = "p.name ~ '[^ -~À-Þà-ÿ]'" if self.pg else "p.name GLOB '*[^ -~À-Þà-ÿ]*'"
        return [f"(lower(p.name) LIKE :name_pattern OR {weird})"]

    def _location_filters(self, *, with_specialty: bool = True, with_membership: bool = True) -> list[str]:
        """Every filter, on ``location AS l`` (and ``provider AS p`` for the name)."""
        f = self.f
        out = [self._bool("l.active")]
        if f.urgency_24h:
            out.append(self._bool("l.urgency_24h"))
        if f.wheelchair:
            out.append(self._bool("l.wheelchair_access"))
        if f.children:
            out.append(self._bool("l.sees_children"))
        out += self._area("l.uf", "l.municipality_ibge")
        out += self._membership_and_specialty("l.provider_id", with_specialty, with_membership)
        out += self._name()
        return out

    def _select(self, prefix: str, id_column: str = "id") -> str:
        cols = f"{prefix}.{id_column}, {prefix}.provider_id, {prefix}.latitude, {prefix}.longitude"
        return cols + (", p.name" if self.f.name or self._with_names else "")

    def _join_provider(self, prefix: str) -> str:
        return f" JOIN provider AS p ON p.id = {prefix}.provider_id" if self.f.name or self._with_names else ""

    # ---- the expanding circle

    def spatial_sql(self, boxes: int, limit: int | None = None) -> str:
        """Candidates of the layer in the boxes of :meth:`box_params`, keeping only what lies in
        this step's ellipse and not in the previous step's (:meth:`circle_params`) -- tests on
        the index's own coordinates, made before any filter that reads more.  SQLite: one UNION
        ALL branch per box (``:s0 :w0 :n0 :e0``, ``:s1``...); PostgreSQL: one LATERAL subquery
        run for each box of the arrays ``:bs :bw :bn :be`` (a single text, planned once, where
        UNION ALL branches cost ~0.5 ms of planning each)."""
        key = ("spatial", 1 if self.pg else boxes, limit, self._with_names)
        if key not in self._sql:
            if self.pg:
                sql = ("SELECT x.* FROM unnest(CAST(:bs AS float8[]), CAST(:bw AS float8[]), CAST(:bn AS float8[]),"
                       f" CAST(:be AS float8[])) AS b(s, w, n, e) CROSS JOIN LATERAL ({self._pg_spatial()}) AS x")
            else:
                sql = " UNION ALL ".join(self._sqlite_spatial(str(i)) for i in range(boxes))
            self._sql[key] = sql + (f" LIMIT {int(limit)}" if limit is not None else "")
        return self._sql[key]

    def _sqlite_spatial(self, i: str) -> str:
        # The R*Tree's own float32 coordinates first (see index_slack_km), then
        # the location row by rowid for everything else.
        where = [f"r.max_x >= :w{i}", f"r.min_x <= :e{i}", f"r.max_lat >= :s{i}", f"r.min_lat <= :n{i}",
                 *self._ring("r.min_lat", "r.min_x", ":x0"), f"r.id % 64 = {self.layer}", "l.id = r.id / 64"]
        where += self._location_filters(with_specialty=not self.layer_has_specialty)
        return (f"SELECT {self._select('l')} FROM location_rtree AS r CROSS JOIN location AS l"
                f"{self._join_provider('l')} WHERE " + " AND ".join(where))

    def _pg_spatial(self) -> str:
        f = self.f
        if self.layer == 0:  # the GiST index of location, index-only
            where = ["point(l.longitude, l.latitude) <@ box(point(b.w, b.s), point(b.e, b.n))",
                     *self._ring("l.latitude", "l.longitude", ":lon0")]
            where += self._location_filters()
            return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)
        # location_layer (active locations only), index-only
        where = ["point(ll.longitude + 360 * ll.layer, ll.latitude) <@ box(point(b.w, b.s), point(b.e, b.n))",
                 *self._ring("ll.latitude", "ll.longitude", ":lon0"), f"ll.layer = {self.layer}"]
        for flag, column in ((f.urgency_24h, "ll.urgency_24h"), (f.wheelchair, "ll.wheelchair_access"),
                             (f.children, "ll.sees_children")):
            if flag:
                where.append(column)
        where += self._area("ll.uf", "ll.municipality_ibge")
        where += self._membership_and_specialty("ll.provider_id", with_specialty=not self.layer_has_specialty)
        where += self._name()
        return (f"SELECT {self._select('ll', 'location_id')} FROM location_layer AS ll{self._join_provider('ll')}"
                " WHERE " + " AND ".join(where))

    @staticmethod
    def _ring(lat: str, lon: str, lon0: str) -> list[str]:
        """In this step's ellipse, not in the previous step's (whose rows were read then)."""
        dlat, dlon = f"({lat} - :lat0)", f"({lon} - {lon0})"
        return [f"{dlat} * {dlat} * :klat2 + {dlon} * {dlon} * :klon2 <= :r2",
                f"{dlat} * {dlat} * :klat2 + {dlon} * {dlon} * :klon2_old > :r2_old"]

    def box_params(self, boxes: list[tuple[float, float, float, float]]) -> dict:
        shift = 360 * self.layer  # layer L lives in the strip of longitudes shifted by 360 L
        if self.pg:
            return {"bs": [b[0] for b in boxes], "bw": [b[1] + shift for b in boxes],
                    "bn": [b[2] for b in boxes], "be": [b[3] + shift for b in boxes]}
        params = {}
        for i, (s, w, n, e) in enumerate(boxes):
            params.update({f"s{i}": s, f"w{i}": w + shift, f"n{i}": n, f"e{i}": e + shift})
        return params

    def circle_params(self, lat: float, lon: float, r_km: float | None, previous_km: float | None,
                      area_box=None) -> dict:
        """The ellipses (see :func:`circle_cover`) of radius ``r_km`` (None: no limit) and of the
        previous step's radius (None: no previous step), each widened by the index's slack."""
        def ellipse(radius):
            if radius is None:
                return 0.0, 1e300
            k = lon_km_per_deg(lat, radius, area_box)
            return k * k, (radius + self.slack_km) ** 2
        klon2, r2 = ellipse(r_km)
        klon2_old, r2_old = ellipse(previous_km) if previous_km is not None else (0.0, -1.0)
        return {"lat0": lat, "lon0": lon, "x0": lon + 360 * self.layer, "klat2": KM_PER_DEG_LAT ** 2,
                "klon2": klon2, "r2": r2, "klon2_old": klon2_old, "r2_old": r2_old}

    # ---- other ways in

    def misplaced_sql(self) -> str:
        where = [self._bool("l.coordinates_match", False)] + self._location_filters()
        return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)

    def specialty_driven_sql(self) -> str:
        join = "CROSS JOIN" if not self.pg else "JOIN"  # SQLite: force provider_specialty outermost
        on = "" if not self.pg else " ON l.provider_id = s.provider_id"
        where = [f"s.specialty = {self.specialty}"] + ([] if self.pg else ["l.provider_id = s.provider_id"])
        where += self._location_filters(with_specialty=False)
        return (f"SELECT {self._select('l')} FROM provider_specialty AS s {join} location AS l{on}"
                f"{self._join_provider('l')} WHERE " + " AND ".join(where))

    def product_driven_sql(self) -> str:
        """Every match, read from the product's memberships (a small network)."""
        join = "CROSS JOIN" if not self.pg else "JOIN"  # SQLite: force network_membership outermost
        on = "" if not self.pg else " ON l.provider_id = pm.provider_id"
        where = [self._open_membership("pm")] + ([] if self.pg else ["l.provider_id = pm.provider_id"])
        where += self._location_filters(with_membership=False)
        return (f"SELECT {self._select('l')} FROM network_membership AS pm {join} location AS l{on}"
                f"{self._join_provider('l')} WHERE " + " AND ".join(where))

    def providers_driven_sql(self, ids: list[int]) -> str:
        where = [f"l.provider_id IN ({', '.join(str(int(i)) for i in ids)})"] + self._location_filters()
        return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)

    # ---- execution

    def _execute(self, sql: str, **extra):
        return self.session.execute(text(sql), {**self.params, **extra})

    def _raw(self, sql: str, params: dict | None = None) -> list:
        """All rows of ``sql`` (SQLite's ``:name`` parameters) run on the DB-API cursor of the
        session's connection (same transaction), skipping SQLAlchemy's per-row overhead: the
        hot paths (candidates, the page's rows) use it."""
        if self.pg and params is not None:
            sql = _NAMED_PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        cursor = self.session.connection().connection.dbapi_connection.cursor()
        try:
            if params is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _fetch(self, sql: str, **extra) -> _Rows:
        """Candidate rows ``(id, lat, lon)``."""
        rows = self._raw(sql, {**self.params, **extra})
        name = self.f.name
        if rows and len(rows[0]) > 4:
            self.names.update((r[0], r[4]) for r in rows)
        if name:
            out = _Rows((r[0], r[2], r[3]) for r in rows if name in fold(r[4]))
        else:
            out = _Rows((r[0], r[2], r[3]) for r in rows)
        out.count = len(rows)
        return out

    # ---- estimates (they only choose a plan and a first radius)

    def _count(self, key: tuple, sql: str) -> int:
        return _estimate(self.session, key, lambda: int(self.session.execute(text(sql)).scalar_one()))

    def _locations(self) -> int:
        return max(self._count(("locations",), "SELECT coalesce(max(id), 0) FROM location"), 1)

    def _members(self) -> int:
        return self._count(("members", self.f.product_id),
                           f"SELECT count(*) FROM network_membership WHERE product_id = {self.product}")

    def _layer_share(self) -> float:
        """Rough share of the locations in the walked layer."""
        if self.layer == 0:
            return 1.0
        if self.layer == URGENCY_LAYER:
            n = self._count(("urgency",), "SELECT count(*) FROM location WHERE " + self._bool("urgency_24h"))
            return max(n, 1) / self._locations()
        providers = max(self._count(("providers",), "SELECT coalesce(max(id), 0) FROM provider"), 1)
        n = self._count(("specialty", self.f.specialty),
                        f"SELECT count(*) FROM provider_specialty WHERE specialty = {self.specialty}")
        return min(max(n, 1) / providers, 1.0)

    # ---- candidates

    def candidates(self, lat: float, lon: float, needed: int) -> _Candidates:
        """Every match that can be on the page (or every match, ``complete``), read the way the
        estimates suggest is cheapest; each way gives the same answer."""
        f = self.f
        cands = _Candidates(lat, lon)
        if f.name and len(f.name.replace(" ", "")) >= 3:
            # A name: list the providers it can match, unless the name is too common for that.
            ids = self._name_matching_providers()
            if ids is not None:
                if ids:
                    cands.add(self._fetch(self.providers_driven_sql(ids)))
                cands.complete = True
                return cands
        if f.specialty and not self.layer_has_specialty and not f.urgency_24h:
            # A specialty without a layer (added after migration 0003): read it whole if rare.
            threshold = int(SELECTIVE_FACTOR * math.sqrt(needed * self._locations()))
            n = self._count(("specialty-capped", f.specialty, threshold), "SELECT count(*) FROM (SELECT 1 FROM"
                            f" provider_specialty WHERE specialty = {self.specialty} LIMIT {threshold + 1}) AS t")
            if n <= threshold:
                cands.add(self._fetch(self.specialty_driven_sql()))
                cands.complete = True
                return cands
        members = self._members()
        if members <= PRODUCT_DRIVEN_MAX and members < PRODUCT_SPARSE_SHARE * self._locations() * \
                _area_population_share(f.area):
            # A small network spread over a large area: the circle would walk a lot of other
            # operators' locations before finding enough of this one's.
            cands.add(self._fetch(self.product_driven_sql()))
            cands.complete = True
            return cands
        self._expanding_circle(cands, lat, lon, needed)
        return cands

    def _name_matching_providers(self) -> list[int] | None:
        """Ids of providers whose folded name contains the query; None when too many may."""
        sql = f"SELECT p.id, p.name FROM provider AS p WHERE {self._name()[0]} LIMIT {NAME_DRIVEN_CAP + 1}"
        rows = self._execute(sql).all()
        if len(rows) > NAME_DRIVEN_CAP:
            return None
        return sorted(pid for pid, name in rows if self.f.name in fold(name))

    def _first_depth(self, lat: float, lon: float, needed: int, outside: bool) -> float:
        """A guess of the radius holding ``needed`` matches: networks follow population, so the
        population density (the origin's municipality's; the area's, from outside it) times
        the layer's locations per inhabitant (about half of them in a given product)."""
        if outside:
            density = _area_shape(self.f.area)[1]
        else:
            where = locate.municipality_at(lat, lon).municipality
            if where is None:
                return FIRST_RADIUS_KM
            density = _population_density(where.ibge_code)
        per_km2 = 0.5 * self._layer_share() * self._locations() / _brazil_population() * density
        r = FIRST_RADIUS_FACTOR * math.sqrt(needed / (math.pi * max(per_km2, 1e-9)))
        return min(max(r, MIN_RADIUS_KM), MAX_FIRST_RADIUS_KM)

    def _expanding_circle(self, cands: _Candidates, lat: float, lon: float, needed: int) -> None:
        """Grow a circle of radius ``r = gap + depth`` -- ``gap`` about the distance from the
        origin to the area (0 inside it), ``depth`` how far into the area -- reading only each
        new ring, until it holds ``needed`` matches or covers the area's box."""
        area_box = search_bbox(self.f.area)
        if self.f.area.kind != "national":
            # The area's locations whose coordinates lie elsewhere (outside its box, maybe).
            cands.add(self._fetch(self.misplaced_sql()))
        gap = distance_to_area_km(self.f.area, lat, lon)
        if gap > 0 and self._far_cells(cands, lat, lon, needed, area_box, gap):
            return
        depth = self._first_depth(lat, lon, needed, outside=gap > 0)
        at_seat = gap == 0 and (lat, lon) in _seats()
        guess = depth
        if at_seat:
            # A municipality search: its seat may hold a pile of locations (those whose
            # address could not be geocoded).  Read the seat's first bucket alone first, so a
            # pile is read once, and nothing around it unless needed; then go on from the guess.
            depth = min(depth, bucket_edge_km(0.0))
        strips = CIRCLE_STRIPS_OUTSIDE if gap > 0 else CIRCLE_STRIPS
        # At most this many rows per query: a query that hits it read a ring too wide (the
        # density guess was wrong); a thinner one is tried, and its rows are kept.
        cap = max(ROWS_PER_QUERY_FACTOR * needed, MIN_ROWS_PER_QUERY)
        unlimited = at_seat  # the ring cannot be thinned (locations piled on one point): read it whole
        found = len(cands)
        queried = None  # radius of the last complete query: its rows are not read again
        ceiling = None  # a radius whose ring (from `queried`) held more than `cap` rows
        for step in range(MAX_CIRCLE_STEPS + 1):
            r = gap + depth
            boxes, covered = circle_cover(lat, lon, r + self.slack_km, area_box, strips, queried)
            if covered or step == MAX_CIRCLE_STEPS:
                # Every location of the area is wanted (or, as a safety net that should never be
                # reached, the steps ran out): read the area's box, no circle.
                cands.add(self._fetch(self.spatial_sql(1), **self.box_params([area_box]),
                                      **self.circle_params(lat, lon, None, queried, area_box)))
                cands.complete = True
                return
            truncated = False
            if boxes:
                limit = None if unlimited else cap
                self._with_names = at_seat and step == 0  # the seat's pile, if any
                rows = self._fetch(self.spatial_sql(len(boxes), limit), **self.box_params(boxes),
                                   **self.circle_params(lat, lon, r, queried, area_box))
                self._with_names = False
                truncated = limit is not None and rows.count >= limit
                cands.add(rows)
            previous, found = found, len(cands)
            done = queried or 0.0
            if truncated:
                # Half the ring, or less if the rows read already put enough matches closer.
                ceiling = r if ceiling is None else min(ceiling, r)
                target = done + 0.5 * (r - done)
                if found >= needed:
                    target = min(target, cands.kth_upper(needed) * 1.000001)
                if target - done > 0.01 and target < r:
                    depth = target - gap
                else:
                    # Locations piled on one point (where addresses that could not be geocoded
                    # sit: the seat): read the pile whole -- but, when the needed ones are in
                    # it, no farther than the edge of its shown-distance bucket.
                    if found >= needed and done < bucket_edge_km(target) < r:
                        depth = bucket_edge_km(target) - gap
                    unlimited = True
                continue
            unlimited = False
            if boxes:
                queried = done = r
            if ceiling is not None and done >= ceiling - 1e-6:
                ceiling = None
            if found >= needed:
                if cands.holds(r, needed):
                    # Every match sharing the shown distance of the needed-th is wanted too
                    # (they are ordered by name): read up to the edge of its bucket.
                    edge = bucket_edge_km(cands.kth_exact(needed))
                    if edge <= r:
                        return
                    target = edge
                else:
                    target = cands.kth_upper(needed) * 1.000001  # surely holds `needed`
            elif found == previous:  # nothing (new) yet: perhaps the empty edge of the area
                target = gap + depth * EMPTY_GROWTH
            else:
                target = gap + depth * min(MAX_GROWTH, max(MIN_GROWTH, 1.1 * math.sqrt(needed / found)))
            if at_seat and step == 0 and found < needed:
                target = max(target, gap + guess)
            if ceiling is not None and target >= ceiling:  # known too full: half the way there
                if ceiling - done > 0.01:
                    target = done + 0.5 * (ceiling - done)
                else:  # a thin ring with a pile of locations on it: read it whole, once
                    unlimited, ceiling = True, None
            depth = target - gap

    def _far_cells(self, cands: _Candidates, lat: float, lon: float, needed: int, area_box, gap: float) -> bool:
        """From far outside an area, read it cell by cell, nearest cells first; False when the
        cells would not be tighter than the circle (the area is too big for its distance).

        The circle's ellipse bound loosens with distance (~1% of it, see lon_km_per_deg): from
        1,000 km away a ring 10 km thick of a dense area would be read for nothing.  Instead the
        area's box is cut in a grid of small cells (those touching the area, see _far_grid);
        each cell's distances lie within its centre's exact distance plus or minus its
        half-diagonal (triangle inequality).  Cells are read in order of that lower bound until
        the needed matches, and their shown-distance bucket, are nearer than every cell not
        read: exact, and loose by a cell's size whatever the distance."""
        grid = _far_grid(self.f.area)
        if grid is None:
            return False
        # Lower bounds from the spherical distance (cheap), made exact (geodesic) for the cells
        # near the front, those the search will read: all are true bounds, the exact ones tight.
        lower = spherical_km(lat, lon, grid.lat, grid.lon) * RATIO_LOW - 1e-9 - grid.half_km - self.slack_km
        front = np.flatnonzero(lower <= lower.min() * 1.02 + 20.0)
        lower[front] = distances_km(lat, lon, grid.lat[front], grid.lon[front]) - grid.half_km[front] - self.slack_km
        order = np.argsort(lower, kind="stable")
        lower = lower[order]
        done, batch = 0, 8  # cells order[:done] are read
        while done < len(order):
            if len(cands) >= needed:
                edge = bucket_edge_km(cands.kth_exact(needed))
                if lower[done] > edge:
                    return True  # every unread cell is beyond the needed ones' bucket
                upto = int(np.searchsorted(lower, edge, side="right"))
            else:  # the next cells, as many as the matches per cell so far suggest (at most double)
                missing = needed - len(cands)
                guess = batch if not len(cands) else int(1.5 * missing * done / len(cands)) + 1
                upto, batch = done + max(1, min(guess, batch)), batch * 2
            chosen = order[done:max(upto, done + 1)]
            done += len(chosen)
            boxes = grid.boxes(chosen, area_box)
            for i in range(0, len(boxes), FAR_BOXES_PER_QUERY):
                part = boxes[i:i + FAR_BOXES_PER_QUERY]
                cands.add(self._fetch(self.spatial_sql(len(part)), **self.box_params(part),
                                      **self.circle_params(lat, lon, None, None, area_box)))
        cands.complete = True
        return True

    # ---- page rows

    def page(self, ranked: list[tuple[float, int]], offset: int, wanted: int) -> list[SearchResult]:
        """Results ``[offset, wanted)`` of ``ranked`` (see :meth:`_Candidates.rank`): the rows of
        the buckets the page touches are read, ordered by :func:`result_order`, and sliced."""
        if offset >= len(ranked):
            return []
        shown = [shown_km(d) for d, _ in ranked]
        start = bisect.bisect_left(shown, shown[offset])
        stop = bisect.bisect_right(shown, shown[min(wanted, len(ranked)) - 1])
        span = ranked[start:stop]
        if len(span) > 2 * (wanted - offset) + 10:
            # Big buckets (locations piled on a municipality seat, where addresses that could
            # not be geocoded are put): order them with the names alone, then read the page.
            names = self.names
            missing = [i for _, i in span if i not in names]
            if missing:
                names = {**names, **self._provider_names(missing)}
            span.sort(key=lambda p: result_order(p[0], names[p[1]], p[1]))
            return self.rows(span[offset - start:wanted - start])
        rows = self.rows(span)
        rows.sort(key=lambda r: result_order(r.distance_km, r.provider_name, r.location_id))
        return rows[offset - start:wanted - start]

    def _provider_names(self, location_ids: list[int]) -> dict[int, str]:
        return dict(self._raw("SELECT l.id, p.name FROM location AS l JOIN provider AS p"
                              f" ON p.id = l.provider_id WHERE l.id IN ({_id_list(location_ids)})"))

    def rows(self, ranked: list[tuple[float, int]]) -> list[SearchResult]:
        """The display rows of ``ranked``, in its order.  Read on the DB-API cursor (as the
        candidates are), decoding the few typed columns here: SQLAlchemy's result processing
        cost as much as the query on the results page."""
        if not ranked:
            return []
        fetched = self._raw(_PAGE_SQL.format(ids=_id_list(i for _, i in ranked)))
        decode = _decode_pg_row if self.pg else _decode_sqlite_row
        by_id = {row[0]: row for row in fetched}
        return [SearchResult(*decode(by_id[id_]), distance_km=distance) for distance, id_ in ranked]

    # ---- count

    def count(self) -> int:
        where = " AND ".join(self._location_filters())
        if not self.f.name:
            return int(self._execute(f"SELECT count(*) FROM location AS l WHERE {where}").scalar_one())
        sql = ("SELECT p.name, count(*) FROM location AS l JOIN provider AS p ON p.id = l.provider_id"
               f" WHERE {where} GROUP BY p.id, p.name")
        return sum(n for name, n in self._execute(sql) if self.f.name in fold(name))
