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
:func:`webapp.core.text.fold` folds them).  Order: geodesic distance (geopy's WGS-84 geodesic,
the same number as :func:`webapp.geo.distance.distance_km`), then location id.  The answer is
exact and the same on SQLite and PostgreSQL: the databases only supply candidates; the
ranking is done here, in Python, on exact geodesic distances.

How (one algorithm on both databases; indexes from migration 0003):

* Expanding box.  A lat/lon box around the origin whose half-sizes contain the geodesic circle
  of radius ``r`` (latitude: ``r / 110.5`` deg, below the shortest degree of meridian;
  longitude: ``r / (111.3 cos phi)`` deg at the box's highest ``|lat|``), clipped to the area's
  bounding box, is queried through the spatial index (SQLite: R*Tree ``location_rtree`` whose
  auxiliary columns carry the filtered fields, so the wide ``location`` rows are not read;
  PostgreSQL: GiST on ``point(longitude, latitude)`` with INCLUDEd columns), with every filter
  applied in SQL (memberships and specialties through covering indexes).  When at least
  ``offset + limit + 1`` candidates lie within ``r`` the first ``offset + limit`` of them are the
  answer (anything outside the box is farther than ``r``); otherwise ``r`` grows (to the
  distance of the ``offset + limit + 1``-th candidate when there are that many, else by a
  density guess, at least doubling) until it is enough or the box covers the area's box.
  Clipping to the area is what keeps selective areas cheap (a group of municipalities searched
  from far away never walks the rest of the country).
* Locations whose coordinates fall outside their municipality (``coordinates_match`` false)
  may lie outside the area's box: they are fetched apart (a small partial index) and always
  kept as candidates.  The area's box is the union of its municipality polygons' boxes (the
  host polygon's for the 7 municipalities without polygon) plus a 0.05 deg margin, covering the
  importer's slack for points near a border.
* Selective filters.  When a specialty (or the 24-hour urgency flag) is rare enough that
  walking the space until enough of them turn up would cost more than reading all of them,
  the candidates are read from that filter's index instead (one query, no box).  A name query
  with a word of 3+ letters first lists the providers whose name can match (SQL pre-filter,
  then :func:`fold` in Python, up to ``NAME_DRIVEN_CAP`` names); a name too common for that
  goes through the expanding box.  The choice only changes the cost, never the answer.
* Distances.  A spherical (haversine, R = 6371.0088 km) distance prunes and pre-sorts; the
  geodesic/spherical ratio is within [0.9944, 1.0045] on WGS-84, so the exact geodesic
  (geographiclib, which geopy uses, with geopy's ellipsoid) is computed only for the rows that
  can reach the page, lazily, in (distance, id) order.

Costs (400k providers, see ``scripts/bench_search.py``): a few ms per search; a name search
whose word is rare reads the provider names once (tens of ms); ``count_matches`` reads every
matching row (see its docstring).
"""

from __future__ import annotations

import heapq
import math
import time
import weakref
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import numpy as np
from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from ..core.text import fold
from ..geo import _validate, locate, municipalities
from ..geo.coverage import CoverageArea
from .models import Location, Provider
from .specialties import SPECIALTIES

__all__ = [
    "SearchPage", "SearchResult", "count_matches", "search", "search_from_municipality",
    "MAX_LIMIT",
]

MAX_LIMIT = 200
MAX_OFFSET = 100_000

# Bits of location_rtree.flags (SQLite; written by the triggers of migration 0003).
FLAG_ACTIVE, FLAG_URGENCY, FLAG_WHEELCHAIR, FLAG_CHILDREN = 1, 2, 4, 8
#: Spatial layers (migration 0003, which holds a frozen copy): 0 = every active location,
#: 1 + i = those of providers with SPECIALTY_LAYERS[i], URGENCY_LAYER = 24-hour urgency.  A
#: specialty missing here (added later) is filtered through provider_specialty instead.
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
#: Below the shortest degree of latitude (110.574 km) and of longitude at the equator (111.3195 km):
#: a smaller divisor gives a larger box, so the box always contains the circle.
KM_PER_DEG_LAT = 110.5
KM_PER_DEG_LON_EQUATOR = 111.3
#: Margin (deg) added to the area's box: the importer accepts points up to ~0.01 deg from the
#: stated municipality's simplified polygon, and gaps between polygons of up to ~1 km.
AREA_MARGIN_DEG = 0.05
FIRST_RADIUS_KM = 3.0  # when the origin is outside Brazil
MIN_RADIUS_KM, MAX_FIRST_RADIUS_KM = 0.3, 200.0
MAX_GROWTH = 8.0
#: A selective filter with at most SELECTIVE_FACTOR * sqrt(needed * locations) rows is read whole.
SELECTIVE_FACTOR = 1.0
#: A name pre-filter matching more providers than this is "common": use the expanding box.
NAME_DRIVEN_CAP = 2000
ESTIMATE_TTL_SECONDS = 300.0

_ELLIPSOID = ELLIPSOIDS["WGS-84"]  # (a km, b km, f): geopy's default, in km like geopy
_GEODESIC = Geodesic(_ELLIPSOID[0], _ELLIPSOID[2])
_DISTANCE = Geodesic.DISTANCE


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """geopy's ``geodesic((lat1, lon1), (lat2, lon2)).km`` for valid coordinates, without its
    overhead (geopy calls this same geographiclib routine with its ellipsoid in km)."""
    return _GEODESIC._GenInverse(lat1, lon1, lat2, lon2, _DISTANCE)[1]


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
    """The page ``[offset, offset + limit)`` of matching locations by (geodesic distance, id).

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
    ranked, has_more = cands.rank(lat, lon, wanted)
    page = ranked[offset:]
    return SearchPage(results=tuple(q.rows(page)), has_more=has_more, offset=offset, limit=limit)


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

    Cost: one query that visits every matching location (the area's locations through the
    municipality index, or the whole ``location`` table for a national product, with a
    membership probe per row), so it grows with the size of the network: ~0.1-0.3 s for a
    national product at 400k providers.  Cache it per (product, filters, day) if it is shown
    on every page.  With ``name_query`` the names of the matching providers are folded in Python.
    """
    f = _filters(product_id, area, today, specialty, name_query, urgency_24h, wheelchair, children)
    return _Queries(session, f).count()


# --------------------------------------------------------------------------- geometry


@lru_cache(maxsize=64)
def _host_bounds(ibge_code: int) -> tuple[float, float, float, float] | None:
    """Shapely bounds of the polygon hosting a municipality without polygon (its seat's)."""
    from shapely import Point

    from ..geo import _data

    m = municipalities.get(ibge_code)
    assert m is not None
    seat = Point(m.lon, m.lat)
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


def circle_box(lat: float, lon: float, r_km: float) -> tuple[float, float, float, float]:
    """A box ``(min_lat, min_lon, max_lat, max_lon)`` containing every point within ``r_km``
    (geodesic) of ``(lat, lon)``."""
    dlat = r_km / KM_PER_DEG_LAT
    phi = abs(lat) + dlat
    if phi >= 89.9:
        return (max(lat - dlat, -90.0), -180.0, min(lat + dlat, 90.0), 180.0)
    dlon = r_km / (KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(phi)))
    if dlon >= 180 or lon - dlon < -180 or lon + dlon > 180:
        return (max(lat - dlat, -90.0), -180.0, min(lat + dlat, 90.0), 180.0)
    return (lat - dlat, lon - dlon, lat + dlat, lon + dlon)


@lru_cache(maxsize=8192)
def _population_density(ibge_code: int) -> float:
    """Inhabitants per km² of a municipality (its polygon's area; 1000 km² without polygon)."""
    m = municipalities.get(ibge_code)
    assert m is not None
    geom = municipalities.geometry(ibge_code)
    area = 1000.0 if geom is None else geom.area * KM_PER_DEG_LON_EQUATOR ** 2 * math.cos(math.radians(m.lat))
    return max(m.population, 1000) / max(area, 1.0)


@lru_cache(maxsize=1)
def _brazil_population() -> int:
    return sum(max(m.population, 1000) for m in municipalities.all_municipalities())


def _clip(box, bound):
    s, w, n, e = max(box[0], bound[0]), max(box[1], bound[1]), min(box[2], bound[2]), min(box[3], bound[3])
    return None if s > n or w > e else (s, w, n, e)


def _contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def spherical_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p0 = math.radians(lat)
    p = np.radians(lats)
    dl = np.radians(lons - lon)
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


# --------------------------------------------------------------------------- candidates


class _Candidates:
    """Matching locations found so far: id -> (lat, lon)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.seen: set[int] = set()
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

    def bounds(self, lat: float, lon: float) -> tuple[np.ndarray, np.ndarray]:
        s = spherical_km(lat, lon, np.asarray(self.lats, dtype=float), np.asarray(self.lons, dtype=float))
        return s * RATIO_LOW - 1e-9, s * RATIO_HIGH + 1e-9

    def rank(self, lat: float, lon: float, wanted: int) -> tuple[list[tuple[float, int]], bool]:
        """The first ``wanted`` (geodesic km, id) in order, and whether more exist.

        Exact provided the candidates hold the true first ``wanted + 1`` (or everything)."""
        n = len(self.ids)
        has_more = n > wanted
        if n == 0:
            return [], False
        lo, hi = self.bounds(lat, lon)
        if n > wanted:
            # Nothing whose lower bound exceeds the wanted-th smallest upper bound can be in.
            cut = np.partition(hi, wanted - 1)[wanted - 1]
            keep = np.flatnonzero(lo <= cut)
        else:
            keep = range(n)
        ids, lats, lons = self.ids, self.lats, self.lons
        heap = [(float(lo[i]), 0, ids[i], i) for i in keep]
        heapq.heapify(heap)
        out: list[tuple[float, int]] = []
        while heap and len(out) < wanted:
            key, exact, id_, i = heapq.heappop(heap)
            if exact:
                out.append((key, id_))
            else:
                heapq.heappush(heap, (geodesic_km(lat, lon, lats[i], lons[i]), 1, id_, i))
        return out, has_more


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


def _name_pattern(folded: str) -> str:
    """LIKE pattern (for ``lower(name)``) that every name whose fold contains ``folded``'s
    longest word matches, provided the name has only ASCII and 1:1-folding Latin-1 letters:
    vowels, c, n and y may come from accented letters, so they become ``_``."""
    word = max(folded.split(), key=len)
    return "%" + "".join("_" if ch in "aeiouycn" else ch for ch in word) + "%"


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

    def _membership_and_specialty(self, provider_id: str, with_specialty: bool = True) -> list[str]:
        out = []
        if self.f.specialty and with_specialty:  # first: usually the more selective
            out.append("EXISTS (SELECT 1 FROM provider_specialty AS s"
                       f" WHERE s.provider_id = {provider_id} AND s.specialty = {self.specialty})")
        out.append(f"EXISTS (SELECT 1 FROM network_membership AS m WHERE m.product_id = {self.product}"
                   f" AND m.provider_id = {provider_id} AND m.since <= {self.today}"
                   f" AND (m.until IS NULL OR m.until > {self.today}))")
        return out

    def _name(self) -> list[str]:
        if not self.f.name:
            return []
        # Names with characters outside ASCII and the Latin-1 letters that fold 1:1 (so not ß)
        # always pass; fold() in Python decides for every row anyway.
        weird = "p.name ~ '[^ -~À-Þà-ÿ]'" if self.pg else "p.name GLOB '*[^ -~À-Þà-ÿ]*'"
        return [f"(lower(p.name) LIKE :name_pattern OR {weird})"]

    def _location_filters(self, *, with_specialty: bool = True) -> list[str]:
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
        out += self._membership_and_specialty("l.provider_id", with_specialty)
        out += self._name()
        return out

    def _select(self, prefix: str, id_column: str = "id") -> str:
        cols = f"{prefix}.{id_column}, {prefix}.provider_id, {prefix}.latitude, {prefix}.longitude"
        return cols + (", p.name" if self.f.name else "")

    def _join_provider(self, prefix: str) -> str:
        return f" JOIN provider AS p ON p.id = {prefix}.provider_id" if self.f.name else ""

    def spatial_sql(self) -> str:
        """Candidates in the box ``:s :w :n :e`` (see :meth:`box_params`) of the layer."""
        f = self.f
        if self.pg and self.layer == 0:
            where = ["point(l.longitude, l.latitude) <@ box(point(:w, :s), point(:e, :n))"]
            where += self._location_filters()
            return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)
        if self.pg:  # location_layer holds active locations only
            where = ["point(ll.longitude + 360 * ll.layer, ll.latitude) <@ box(point(:w, :s), point(:e, :n))"]
            for flag, column in ((f.urgency_24h, "ll.urgency_24h"), (f.wheelchair, "ll.wheelchair_access"),
                                 (f.children, "ll.sees_children")):
                if flag:
                    where.append(column)
            prefix = "ll"
            table = "location_layer AS ll"
        else:
            band = self.layer * 1000
            mask = FLAG_ACTIVE | (FLAG_URGENCY if f.urgency_24h else 0) | (FLAG_WHEELCHAIR if f.wheelchair else 0) \
                | (FLAG_CHILDREN if f.children else 0)
            where = [f"r.min_band <= {band}", f"r.max_band >= {band}", "r.max_lat >= :s", "r.min_lat <= :n",
                     "r.max_lon >= :w", "r.min_lon <= :e", f"(r.flags & {mask}) = {mask}"]
            prefix = "r"
            table = "location_rtree AS r"
        where += self._area(f"{prefix}.uf", f"{prefix}.municipality_ibge")
        where += self._membership_and_specialty(f"{prefix}.provider_id", with_specialty=not self.layer_has_specialty)
        where += self._name()
        return (f"SELECT {self._select(prefix, 'location_id')} FROM {table}{self._join_provider(prefix)} WHERE "
                + " AND ".join(where))

    def box_params(self, box: tuple[float, float, float, float]) -> dict:
        s, w, n, e = box
        if self.pg and self.layer:  # layer L lives in the strip of longitudes shifted by 360 L
            w, e = w + 360 * self.layer, e + 360 * self.layer
        return {"s": s, "w": w, "n": n, "e": e}

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

    def providers_driven_sql(self, ids: list[int]) -> str:
        where = [f"l.provider_id IN ({', '.join(str(int(i)) for i in ids)})"] + self._location_filters()
        return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)

    # ---- execution

    def _execute(self, sql: str, **extra):
        return self.session.execute(text(sql), {**self.params, **extra})

    def _fetch(self, sql: str, **extra) -> list[tuple[int, float, float]]:
        rows = self._execute(sql, **extra)
        name = self.f.name
        if name:
            return [(r[0], r[2], r[3]) for r in rows if name in fold(r[4])]
        return [(r[0], r[2], r[3]) for r in rows]

    # ---- estimates (they only choose a plan and a first radius)

    def _count(self, key: tuple, sql: str) -> int:
        return _estimate(self.session, key, lambda: int(self.session.execute(text(sql)).scalar_one()))

    def _locations(self) -> int:
        return max(self._count(("locations",), "SELECT coalesce(max(id), 0) FROM location"), 1)

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

    def plan(self, needed: int) -> str:
        """``spatial``, ``specialty`` or ``name``: where candidates come from."""
        f = self.f
        if f.specialty and not self.layer_has_specialty and not f.urgency_24h:
            # A specialty without a layer (added after migration 0003): read it whole if rare.
            threshold = int(SELECTIVE_FACTOR * math.sqrt(needed * self._locations()))
            n = self._count(("specialty-capped", f.specialty, threshold), "SELECT count(*) FROM (SELECT 1 FROM"
                            f" provider_specialty WHERE specialty = {self.specialty} LIMIT {threshold + 1}) AS t")
            if n <= threshold:
                return "specialty"
        if f.name and len(max(f.name.split(), key=len)) >= 3:
            return "name"
        return "spatial"

    # ---- candidates

    def candidates(self, lat: float, lon: float, needed: int) -> _Candidates:
        plan = self.plan(needed)
        cands = _Candidates()
        if plan == "specialty":
            cands.add(self._fetch(self.specialty_driven_sql()))
            cands.complete = True
            return cands
        if plan == "name":
            ids = self._name_matching_providers()
            if ids is not None:
                if ids:
                    cands.add(self._fetch(self.providers_driven_sql(ids)))
                cands.complete = True
                return cands
        self._expanding_box(cands, lat, lon, needed)
        return cands

    def _name_matching_providers(self) -> list[int] | None:
        """Ids of providers whose folded name contains the query; None when too many may."""
        sql = f"SELECT p.id, p.name FROM provider AS p WHERE {self._name()[0]} LIMIT {NAME_DRIVEN_CAP + 1}"
        rows = self._execute(sql).all()
        if len(rows) > NAME_DRIVEN_CAP:
            return None
        return sorted(pid for pid, name in rows if self.f.name in fold(name))

    def _first_radius(self, lat: float, lon: float, needed: int) -> float:
        """A guess of the radius holding ``needed`` matches: networks follow population, so the
        local population density times the layer's locations per inhabitant (about half of
        them in a given product)."""
        where = locate.municipality_at(lat, lon).municipality
        if where is None:
            return FIRST_RADIUS_KM
        per_km2 = (0.5 * self._layer_share() * self._locations() / _brazil_population()
                   * _population_density(where.ibge_code))
        return min(max(math.sqrt(needed / (math.pi * max(per_km2, 1e-9))), MIN_RADIUS_KM), MAX_FIRST_RADIUS_KM)

    def _expanding_box(self, cands: _Candidates, lat: float, lon: float, needed: int) -> None:
        area_box = search_bbox(self.f.area)
        spatial = self.spatial_sql()
        if self.f.area.kind != "national":
            # The area's locations whose coordinates lie elsewhere (outside its box, maybe).
            cands.add(self._fetch(self.misplaced_sql()))
        r = self._first_radius(lat, lon, needed)
        while True:
            box = circle_box(lat, lon, r)
            clipped = _clip(box, area_box)
            if clipped is not None:
                cands.add(self._fetch(spatial, **self.box_params(clipped)))
            if _contains(box, area_box):
                cands.complete = True
                return
            found = len(cands)
            if found >= needed:
                lo, hi = cands.bounds(lat, lon)
                if int(np.count_nonzero(hi <= r)) >= needed:
                    return
                # The needed-th smallest upper bound: a circle that surely holds `needed`.
                r = max(float(np.partition(hi, needed - 1)[needed - 1]) * 1.000001, r * 1.25)
            elif clipped is None:
                r *= MAX_GROWTH
            else:
                r *= min(MAX_GROWTH, max(2.0, 1.3 * math.sqrt(needed / max(found, 1))))

    # ---- page rows

    def rows(self, ranked: list[tuple[float, int]]) -> list[SearchResult]:
        if not ranked:
            return []
        L = Location.__table__.c
        P = Provider.__table__.c
        stmt = (select(L.id, L.provider_id, P.name, P.kind, P.specialties, L.street, L.number, L.complement,
                       L.neighbourhood, L.cep, L.municipality_ibge, L.uf, L.latitude, L.longitude,
                       L.precision, L.coordinates_match, L.phones, L.whatsapp, L.opening_hours,
                       L.wheelchair_access, L.sees_children, L.urgency_24h, L.updated_at)
                .join_from(Location.__table__, Provider.__table__, L.provider_id == P.id)
                .where(L.id.in_([id_ for _, id_ in ranked])))
        by_id = {row.id: row for row in self.session.execute(stmt)}
        out = []
        for distance, id_ in ranked:
            r = by_id[id_]
            out.append(SearchResult(
                location_id=r.id, provider_id=r.provider_id, provider_name=r.name, kind=r.kind,
                specialties=tuple(r.specialties or ()), street=r.street, number=r.number,
                complement=r.complement, neighbourhood=r.neighbourhood, cep=r.cep,
                municipality_ibge=r.municipality_ibge, uf=r.uf, latitude=r.latitude, longitude=r.longitude,
                precision=r.precision, coordinates_match=bool(r.coordinates_match),
                phones=tuple(r.phones or ()), whatsapp=r.whatsapp, opening_hours=r.opening_hours,
                wheelchair_access=bool(r.wheelchair_access), sees_children=bool(r.sees_children),
                urgency_24h=bool(r.urgency_24h), updated_at=r.updated_at, distance_km=distance,
            ))
        return out

    # ---- count

    def count(self) -> int:
        where = " AND ".join(self._location_filters())
        if not self.f.name:
            return int(self._execute(f"SELECT count(*) FROM location AS l WHERE {where}").scalar_one())
        sql = ("SELECT p.name, count(*) FROM location AS l JOIN provider AS p ON p.id = l.provider_id"
               f" WHERE {where} GROUP BY p.id, p.name")
        return sum(n for name, n in self._execute(sql) if self.f.name in fold(name))
