"""The SQL texts of a search, for SQLite and PostgreSQL: the spatial layers, each filter as a
fragment, the ring of the expanding circle over the spatial index, and the other ways in.  Text
only: :mod:`.reads` runs them.

The indexes come from migrations 0003, 0008, 0011 (the name's trigrams) and 0014 (the name
stripes: a search by name walks them instead of the spatial index, see :meth:`SearchSql.spatial`).  The spatial index
holds every active location (layer 0), and again those of each specialty and those open 24
hours for urgencies (one layer each), so a search walks only the locations of its most
selective filter.  SQLite keeps them in
an R*Tree (``location_rtree``: ``id = location id * 64 + layer``, layer L in the strip of
longitudes shifted by 360 L); PostgreSQL in GiST indexes on ``point`` (``location`` for layer 0,
``location_layer`` for the others).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime

from ...geo.area import KM_PER_DEG_LAT, Box, lon_km_per_deg
from .filters import SearchFilters

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
#: Added to the radius of the circle read (see index_slack_km), at least.
MIN_CIRCLE_SLACK_KM = 0.001

#: The display fields of the page's locations, in SearchResult's order.
PAGE_SQL = (
    "SELECT l.id, l.provider_id, p.name, p.kind, p.specialties, l.street, l.number, l.complement,"
    " l.neighbourhood, l.cep, l.municipality_ibge, l.uf, l.latitude, l.longitude, l.\"precision\","
    " l.coordinates_match, l.phones, l.whatsapp, l.opening_hours, l.wheelchair_access, l.sees_children,"
    " l.urgency_24h, l.updated_at, l.verified_at, l.accepts_new_patients, l.accepts_new_patients_on"
    " FROM location AS l JOIN provider AS p ON p.id = l.provider_id WHERE l.id IN ({ids})"
)
#: A name query with fewer letters or digits is not looked up in the trigram index.
MIN_INDEXED_NAME = 3
#: Stripes of the name index (migration 0014): bands of latitude 1/STRIPES_PER_DEGREE high.
STRIPES_PER_DEGREE = 20
#: What a folded name (webapp.core.text.fold) is made of.
NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 ")
NAMED_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")  # ":name" (SQLite style) -> "%(name)s" (psycopg)

# SQL texts depend only on a search's signature (values are written into them, see SearchSql):
# built once per process for each, not per search (~0.2 ms of string building).
_TEXTS: dict[tuple, dict] = {}


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


def id_list(ids) -> str:
    """Ids written into SQL (integers only, so nothing else can get in)."""
    return ",".join(str(int(i)) for i in ids)


def decode_sqlite_row(row: tuple) -> list:
    """A PAGE_SQL row: SQLite gives JSON as text, booleans as integers and naive UTC datetimes
    as text."""
    values = list(row)
    values[4] = tuple(json.loads(values[4]) if values[4] else ())  # specialties
    values[15] = bool(values[15])
    values[16] = tuple(json.loads(values[16]) if values[16] else ())  # phones
    values[19], values[20], values[21] = bool(values[19]), bool(values[20]), bool(values[21])
    values[22] = datetime.fromisoformat(values[22]).replace(tzinfo=UTC)
    values[23] = sqlite_moment(values[23])
    values[24] = None if values[24] is None else bool(values[24])
    values[25] = None if values[25] is None else date.fromisoformat(values[25])
    return values


def sqlite_moment(value: str | None) -> datetime | None:
    """A stored UTC moment as SQLite gives it (naive, as text), aware."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def decode_pg_row(row: tuple) -> list:
    values = list(row)
    values[4] = tuple(values[4] or ())
    values[16] = tuple(values[16] or ())
    values[22] = values[22].astimezone(UTC)
    values[23] = pg_moment(values[23])
    return values


def pg_moment(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def name_is_indexed(folded: str) -> bool:
    """Whether a folded name query is looked up in the trigram index: at least
    MIN_INDEXED_NAME letters or digits (shorter ones have no trigram to look up)."""
    return len(folded.replace(" ", "")) >= MIN_INDEXED_NAME


def stripe_of(latitude: float) -> int:
    """The stripe of a latitude, as the index of migration 0014 computes it (the same IEEE
    arithmetic; both databases' expressions floor a non-negative double)."""
    return int(math.floor((latitude + 90.0) * STRIPES_PER_DEGREE))


def stripe_ranges(boxes: list[Box]) -> list[tuple[int, float, float, float, float]]:
    """``(stripe, west, east, south, north)`` for every stripe each box crosses: one range of
    the name index each (its latitude bound keeps what lies beyond the box in a shared stripe
    out; a location on a stripe's edge is in one of the box's stripes whichever way its own
    stripe was rounded, as the stripe of a latitude never decreases with it)."""
    out = []
    for s, w, n, e in boxes:
        for k in range(stripe_of(s), stripe_of(n) + 1):
            out.append((k, w, e, s, n))
    return out


#: A folded name query of more trigrams than this is looked up in SQLite's FTS5 index by its
#: FTS_TRIGRAMS rarest trigrams, then checked whole: a phrase of all of them read every one's
#: list -- those of "da ", "odo" hold most names (10-15 ms for a full name at 400k providers).
MAX_PHRASE_TRIGRAMS, FTS_TRIGRAMS = 4, 3


def trigrams(folded: str) -> set[str]:
    """The trigrams FTS5's trigram tokenizer makes of a folded text (spaces included)."""
    return {folded[i:i + 3] for i in range(len(folded) - 2)}


def fts_query(folded: str, frequency: dict[str, int] | None) -> str | None:
    """The FTS5 query of a long folded name: the rarest trigram (by ``frequency``, counts in a
    sample of names) of each word, and of each pair of words (one across the space, as "n f"
    in "ian fernandes": often the rarest), the FTS_TRIGRAMS rarest of those, each a one-trigram
    phrase, ANDed; None for a short name (its phrase).  One per word: three of "instituto"
    would match every "instituto" as much as one does."""
    if len(trigrams(folded)) <= MAX_PHRASE_TRIGRAMS or frequency is None:
        return None
    word_at = [folded.count(" ", 0, i) for i in range(len(folded))]
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for i in range(len(folded) - 2):
        t = folded[i:i + 3]
        key, pick = (word_at[i], word_at[i + 2]), (frequency.get(t, 0), t)
        best[key] = min(best.get(key, pick), pick)
    rarest = sorted(set(best.values()))[:FTS_TRIGRAMS]
    return " AND ".join(f'"{t}"' for _, t in rarest)


def name_like(folded: str) -> str:
    """The LIKE pattern of a folded name query: ``fold()`` leaves only ``[0-9a-z ]``, so the
    query has no LIKE wildcard (``%``, ``_``) to escape, and the pattern is a plain substring."""
    assert folded and set(folded) <= NAME_CHARACTERS, folded
    return f"%{folded}%"


class SearchSql:
    """The SQL of one search's filters on one database."""

    def __init__(self, dialect: str, f: SearchFilters, trigram_frequency: dict[str, int] | None = None) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"banco não suportado: {dialect}")
        self.f = f
        self.dialect = dialect
        self.pg = dialect == "postgresql"
        # Validated values are written into the SQL (ints, ISO dates, known slugs and UFs): the
        # plan then fits them (PostgreSQL's prepared statements would otherwise settle on a
        # generic plan, e.g. one for an average specialty).  User text stays a parameter.
        self.product = str(int(f.product_id))
        self.today = f"DATE '{f.today.isoformat()}'" if self.pg else f"'{f.today.isoformat()}'"
        self.specialty = f"'{f.specialty}'" if f.specialty else None
        assert f.specialty is None or f.specialty.replace("-", "").isalpha()
        self.area_list = None
        if f.area.kind == "states":
            assert all(len(uf) == 2 and uf.isalpha() and uf.isupper() for uf in f.area.states)
            self.area_list = "(" + ", ".join(f"'{uf}'" for uf in sorted(f.area.states)) + ")"
        elif f.area.kind == "municipalities":
            self.area_list = "(" + ", ".join(str(int(c)) for c in sorted(f.area.municipalities)) + ")"
        #: Parameters every text of this search takes (user text only).
        self.params: dict = {"name_like": name_like(f.name), "name_text": f.name} if f.name else {}
        #: SQLite: the FTS5 query of a long name (its rarest trigrams, see fts_query), whose
        #: matches are then checked whole; None: the name's phrase (consecutive trigrams, so
        #: exactly a substring).
        self.fts_terms = fts_query(f.name, trigram_frequency) if f.name and not self.pg else None
        if f.name and not self.pg:
            self.params["name_phrase"] = self.fts_terms or f'"{f.name}"'

        # The spatial layer walked: the most selective filter that has one.
        if f.urgency_24h:
            self.layer = URGENCY_LAYER
        elif f.specialty in SPECIALTY_LAYERS:
            self.layer = 1 + SPECIALTY_LAYERS.index(f.specialty)
        else:
            self.layer = 0
        self.layer_has_specialty = 1 <= self.layer <= len(SPECIALTY_LAYERS)
        #: A name of 3 or more letters without a narrower layer: the circle is read from the
        #: name index's stripes (migration 0014), which drop a location whose name does not
        #: match from the index entry; with a specialty's layer, its walk reads fewer rows.
        self.stripes = bool(f.name) and name_is_indexed(f.name) and self.layer == 0
        # The name index holds the coordinates as doubles (the R*Tree as float32).
        self.slack_km = index_slack_km(self.layer, float32=not self.pg and not self.stripes)
        signature = (self.dialect, self.product, self.today, self.specialty, f.area.kind, self.area_list,
                     bool(f.name), self.stripes, bool(self.fts_terms), f.urgency_24h, f.wheelchair, f.children, f.accepting_new,
                     self.layer)
        if len(_TEXTS) > 512 and signature not in _TEXTS:
            _TEXTS.clear()
        self._texts: dict = _TEXTS.setdefault(signature, {})

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

    def _contains_name(self, folded_name: str) -> str:
        # A plain substring test (the folded query holds no wildcard): cheaper than LIKE,
        # which folds case again.
        return f"strpos({folded_name}, :name_text) > 0" if self.pg else f"instr({folded_name}, :name_text) > 0"

    def _name(self, location: str = "l") -> list[str]:
        # The folded name (provider.search_name, migration 0011, copied on each location by
        # migration 0014) contains the folded query: exact, and the same on both databases
        # (the folding is done in Python, once).  location_layer (PostgreSQL) holds no name:
        # its location's, by primary key -- as a join, PostgreSQL hashed a whole table
        # (50-150 ms) for a few hundred rows.
        if not self.f.name:
            return []
        if location == "ll":
            return [self._contains_name("(SELECT ln.search_name FROM location AS ln WHERE ln.id = ll.location_id)")]
        return [self._contains_name(f"{location}.search_name")]

    def location_filters(self, *, with_specialty: bool = True, with_membership: bool = True,
                         with_name: bool = True) -> list[str]:
        """Every filter, on ``location AS l`` (and ``provider AS p`` for the name)."""
        f = self.f
        out = [self._bool("l.active")]
        if f.urgency_24h:
            out.append(self._bool("l.urgency_24h"))
        if f.wheelchair:
            out.append(self._bool("l.wheelchair_access"))
        if f.children:
            out.append(self._bool("l.sees_children"))
        if f.accepting_new:  # NULL (not informed) is not a yes, on either database
            out.append(self._bool("l.accepts_new_patients"))
        out += self._area("l.uf", "l.municipality_ibge")
        out += self._membership_and_specialty("l.provider_id", with_specialty, with_membership)
        if with_name:
            out += self._name()
        return out

    def _select(self, prefix: str, id_column: str = "id", with_names: bool = False) -> str:
        """Candidate columns ``(id, provider_id, lat, lon[, name, verified_at])``: what orders a
        pile of equally distant locations comes with the names."""
        cols = f"{prefix}.{id_column}, {prefix}.provider_id, {prefix}.latitude, {prefix}.longitude"
        if not with_names:
            return cols
        if prefix == "l":
            return cols + ", p.name, l.verified_at"
        # location_layer holds no verification: the location's, by primary key.
        return cols + f", p.name, (SELECT lv.verified_at FROM location AS lv WHERE lv.id = {prefix}.{id_column})"

    def _join_provider(self, prefix: str, with_names: bool = False) -> str:
        return f" JOIN provider AS p ON p.id = {prefix}.provider_id" if with_names else ""

    def _from_location(self, where: list[str]) -> str:
        return f"SELECT {self._select('l')} FROM location AS l{self._join_provider('l')} WHERE " + " AND ".join(where)

    # ---- the expanding circle

    def spatial(self, boxes: int, limit: int | None = None, with_names: bool = False, placed: bool = False) -> str:
        """Candidates of the layer in the boxes of :meth:`box_params`, keeping only what lies in
        this step's ellipse and not in the previous step's (:meth:`circle_params`) -- tests on
        the index's own coordinates, made before any filter that reads more.  SQLite: one UNION
        ALL branch per box (``:s0 :w0 :n0 :e0``, ``:s1``...); PostgreSQL: one LATERAL subquery
        run for each box of the arrays ``:bs :bw :bn :be`` (a single text, planned once, where
        UNION ALL branches cost ~0.5 ms of planning each).  A name search (``self.stripes``)
        reads the same boxes from the name stripes instead (:meth:`_stripes_spatial`).
        ``with_names``: the provider's
        name too, as a fifth column; ``placed``: only locations whose coordinates lie in their
        municipality."""
        key = ("spatial", 1 if self.pg or self.stripes else boxes, limit, with_names, placed)
        if key not in self._texts:
            if self.stripes:
                sql = self._stripes_spatial(with_names, placed)
            elif self.pg:
                sql = ("SELECT x.* FROM unnest(CAST(:bs AS float8[]), CAST(:bw AS float8[]), CAST(:bn AS float8[]),"
                       f" CAST(:be AS float8[])) AS b(s, w, n, e) CROSS JOIN LATERAL ({self._pg_spatial(with_names, placed)})"
                       " AS x")
            else:
                sql = " UNION ALL ".join(self._sqlite_spatial(str(i), with_names, placed) for i in range(boxes))
            self._texts[key] = sql + (f" LIMIT {int(limit)}" if limit is not None else "")
        return self._texts[key]

    def _stripes_spatial(self, with_names: bool, placed: bool) -> str:
        """The circle read from the name index (migration 0014): one range per stripe of
        :meth:`box_params` -- a single text whatever their number (SQLite: the ranges as a JSON
        array, materialized once so each bound is read once, not per row; PostgreSQL:
        arrays, as for boxes).  The name is tested first, on the index entry (it drops ~99% of
        them), then the ring, ``active`` and the area (also in the entry); the table row and
        the membership only for the locations whose name matches (SQLite tests what the index
        holds before seeking the row, PostgreSQL orders the tests by cost)."""
        where = [*self._name(), *self._ring("l.latitude", "l.longitude", ":lon0"),
                 *self.location_filters(with_name=False)]
        if placed:
            where.append(self._bool("l.coordinates_match"))
        if self.pg:
            where = ["CAST(floor((l.latitude + 90.0) * 20) AS integer) = b.k", "l.longitude BETWEEN b.w AND b.e",
                     "l.latitude BETWEEN b.s AND b.n", *where]
            return ("SELECT x.* FROM unnest(CAST(:sk AS integer[]), CAST(:sw AS float8[]), CAST(:se AS float8[]),"
                    " CAST(:ss AS float8[]), CAST(:sn AS float8[])) AS b(k, w, e, s, n) CROSS JOIN LATERAL"
                    f" (SELECT {self._select('l', with_names=with_names)} FROM location AS l"
                    f"{self._join_provider('l', with_names)} WHERE {' AND '.join(where)}) AS x")
        where = ["CAST((l.latitude + 90.0) * 20 AS INTEGER) = b.k", "l.longitude BETWEEN b.w AND b.e",
                 "l.latitude BETWEEN b.s AND b.n", *where]
        # json_extract and AS MATERIALIZED: SQLite >= 3.35.
        return ("WITH b(k, w, e, s, n) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
                " json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]')"
                " FROM json_each(:stripes))"
                f" SELECT {self._select('l', with_names=with_names)} FROM b CROSS JOIN location AS l"
                f" INDEXED BY ix_location_name_stripe{self._join_provider('l', with_names)} WHERE {' AND '.join(where)}")

    def _sqlite_spatial(self, i: str, with_names: bool, placed: bool = False) -> str:
        # The R*Tree's own float32 coordinates first (see index_slack_km), then
        # the location row by rowid for everything else.
        where = [f"r.max_x >= :w{i}", f"r.min_x <= :e{i}", f"r.max_lat >= :s{i}", f"r.min_lat <= :n{i}",
                 *self._ring("r.min_lat", "r.min_x", ":x0"), f"r.id % 64 = {self.layer}", "l.id = r.id / 64"]
        where += self.location_filters(with_specialty=not self.layer_has_specialty)
        if placed:
            where.append("l.coordinates_match = 1")
        return (f"SELECT {self._select('l', with_names=with_names)} FROM location_rtree AS r CROSS JOIN location AS l"
                f"{self._join_provider('l', with_names)} WHERE " + " AND ".join(where))

    def _pg_spatial(self, with_names: bool, placed: bool = False) -> str:
        f = self.f
        if self.layer == 0:  # the GiST index of location, index-only
            where = ["point(l.longitude, l.latitude) <@ box(point(b.w, b.s), point(b.e, b.n))",
                     *self._ring("l.latitude", "l.longitude", ":lon0")]
            where += self.location_filters()
            if placed:
                where.append("l.coordinates_match")
            return (f"SELECT {self._select('l', with_names=with_names)} FROM location AS l"
                    f"{self._join_provider('l', with_names)} WHERE " + " AND ".join(where))
        # location_layer (active locations only), index-only
        where = ["point(ll.longitude + 360 * ll.layer, ll.latitude) <@ box(point(b.w, b.s), point(b.e, b.n))",
                 *self._ring("ll.latitude", "ll.longitude", ":lon0"), f"ll.layer = {self.layer}"]
        for flag, column in ((f.urgency_24h, "ll.urgency_24h"), (f.wheelchair, "ll.wheelchair_access"),
                             (f.children, "ll.sees_children")):
            if flag:
                where.append(column)
        if f.accepting_new:  # not in location_layer: the location's, by primary key
            where.append("(SELECT la.accepts_new_patients FROM location AS la WHERE la.id = ll.location_id)")
        where += self._area("ll.uf", "ll.municipality_ibge")
        where += self._membership_and_specialty("ll.provider_id", with_specialty=not self.layer_has_specialty)
        where += self._name("ll")
        if placed:  # the few misplaced ones, hashed once
            where.append("ll.location_id NOT IN (SELECT id FROM location WHERE NOT coordinates_match)")
        return (f"SELECT {self._select('ll', 'location_id', with_names)} FROM location_layer AS ll"
                f"{self._join_provider('ll', with_names)} WHERE " + " AND ".join(where))

    @staticmethod
    def _ring(lat: str, lon: str, lon0: str) -> list[str]:
        """In this step's ellipse, not in the previous step's (whose rows were read then)."""
        dlat, dlon = f"({lat} - :lat0)", f"({lon} - {lon0})"
        return [f"{dlat} * {dlat} * :klat2 + {dlon} * {dlon} * :klon2 <= :r2",
                f"{dlat} * {dlat} * :klat2 + {dlon} * {dlon} * :klon2_old > :r2_old"]

    def box_params(self, boxes: list[Box]) -> dict:
        if self.stripes:
            ranges = stripe_ranges(boxes)
            if self.pg:
                return {key: [r[i] for r in ranges] for i, key in enumerate(("sk", "sw", "se", "ss", "sn"))}
            return {"stripes": json.dumps(ranges)}
        shift = 360 * self.layer  # layer L lives in the strip of longitudes shifted by 360 L
        if self.pg:
            return {"bs": [b[0] for b in boxes], "bw": [b[1] + shift for b in boxes],
                    "bn": [b[2] for b in boxes], "be": [b[3] + shift for b in boxes]}
        params = {}
        for i, (s, w, n, e) in enumerate(boxes):
            params.update({f"s{i}": s, f"w{i}": w + shift, f"n{i}": n, f"e{i}": e + shift})
        return params

    def circle_params(self, lat: float, lon: float, r_km: float | None, previous_km: float | None,
                      area_box: Box | None = None) -> dict:
        """The ellipses (see :func:`webapp.geo.area.circle_cover`) of radius ``r_km`` (None: no
        limit) and of the previous step's radius (None: no previous step), each widened by the
        index's slack."""
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

    def every_match(self) -> str:
        """Every match, read from ``location`` (no index chosen for it: tests and checks)."""
        return self._from_location(self.location_filters())

    def misplaced(self) -> str:
        """Matches whose coordinates fall outside their municipality (maybe outside the area's box)."""
        return self._from_location([self._bool("l.coordinates_match", False)] + self.location_filters())

    def specialty_driven(self) -> str:
        join = "CROSS JOIN" if not self.pg else "JOIN"  # SQLite: force provider_specialty outermost
        on = "" if not self.pg else " ON l.provider_id = s.provider_id"
        where = [f"s.specialty = {self.specialty}"] + ([] if self.pg else ["l.provider_id = s.provider_id"])
        where += self.location_filters(with_specialty=False)
        return (f"SELECT {self._select('l')} FROM provider_specialty AS s {join} location AS l{on}"
                f"{self._join_provider('l')} WHERE " + " AND ".join(where))

    def product_driven(self) -> str:
        """Every match, read from the product's memberships (a small network)."""
        join = "CROSS JOIN" if not self.pg else "JOIN"  # SQLite: force network_membership outermost
        on = "" if not self.pg else " ON l.provider_id = pm.provider_id"
        where = [self._open_membership("pm")] + ([] if self.pg else ["l.provider_id = pm.provider_id"])
        where += self.location_filters(with_membership=False)
        return (f"SELECT {self._select('l')} FROM network_membership AS pm {join} location AS l{on}"
                f"{self._join_provider('l')} WHERE " + " AND ".join(where))

    def providers_driven(self, ids: list[int]) -> str:
        """Every match among the locations of the providers ``ids`` (those the name matches):
        their memberships of the product first (about half of them are in it), then each
        member's locations from ``ix_location_provider_place`` -- a location's table row is
        far from its provider's other ones (the table is in spatial order).  PostgreSQL: each
        provider by a LATERAL probe -- with thousands of ids in an IN list it hashed the
        product's memberships instead (80 ms for 2,700 providers); ``OFFSET 0`` keeps the probe
        a probe: pulled up into a join, an area of six municipalities had all its 37,000
        locations hashed (27 ms for 930 providers, against ~5)."""
        listed = ", ".join(str(int(i)) for i in ids)
        where = " AND ".join(self.location_filters(with_membership=False, with_name=False))
        if self.pg:
            return (f"SELECT x.* FROM unnest(ARRAY[{listed}]::integer[]) AS named(id) CROSS JOIN LATERAL"
                    f" (SELECT {self._select('l')} FROM location AS l WHERE l.provider_id = named.id AND {where}"
                    f" AND EXISTS (SELECT 1 FROM network_membership AS pm WHERE {self._open_membership('pm')}"
                    " AND pm.provider_id = named.id) OFFSET 0) AS x")
        # SQLite: CROSS JOIN keeps the members outermost (DISTINCT: one row per provider even
        # if two of its memberships overlapped).
        return (f"SELECT {self._select('l')} FROM (SELECT DISTINCT pm.provider_id FROM network_membership AS pm"
                f" WHERE pm.provider_id IN ({listed}) AND {self._open_membership('pm')}) AS member CROSS JOIN location AS l"
                f" WHERE l.provider_id = member.provider_id AND {where}")

    def name_driven(self) -> str:
        """Every match, read provider by provider from the name's trigram index (lazily, so a
        LIMIT stops early): for counting.  PostgreSQL: the index's providers in a MATERIALIZED
        CTE (read as the LIMIT asks) and each one's locations by a LATERAL probe (``OFFSET 0``:
        never pulled up into a join) -- as a plain join, the planner walked the provider table
        in id order to merge it (70-130 ms)."""
        where = " AND ".join(self.location_filters(with_name=False))
        if self.pg:
            return ("WITH named AS MATERIALIZED (SELECT id FROM provider WHERE search_name LIKE :name_like)"
                    " SELECT l.id FROM named CROSS JOIN LATERAL"
                    f" (SELECT l.id FROM location AS l WHERE l.provider_id = named.id AND {where} OFFSET 0) AS l")
        return ("SELECT l.id FROM provider_name_fts AS nf CROSS JOIN location AS l"
                f" WHERE nf.provider_name_fts MATCH :name_phrase{self._fts_check('nf.search_name')}"
                f" AND l.provider_id = nf.rowid AND {where}")

    def _fts_check(self, folded_name: str) -> str:
        """The whole name checked on what FTS5 matched by some of its trigrams (none needed
        for the phrase)."""
        return f" AND {self._contains_name(folded_name)}" if self.fts_terms else ""

    def name_matches(self, cap: int) -> str:
        """Ids of up to ``cap + 1`` providers whose folded name contains the query, through the
        trigram index (migration 0010): SQLite's FTS5 table asked for the query as a phrase of
        trigrams (from the index alone), PostgreSQL's pg_trgm GIN index (rechecking the LIKE).
        Only for a query of at least 3 letters or digits: shorter ones have too few trigrams."""
        if self.pg:
            return f"SELECT p.id FROM provider AS p WHERE p.search_name LIKE :name_like LIMIT {int(cap) + 1}"
        return (f"SELECT rowid FROM provider_name_fts WHERE provider_name_fts MATCH :name_phrase"
                f"{self._fts_check('search_name')} LIMIT {int(cap) + 1}")

    def counted(self, sql: str, at_most: int) -> str:
        """The number of rows of ``sql``, counting at most ``at_most + 1`` of them (a leading
        WITH stays in front)."""
        if sql.startswith("WITH "):
            cte, _, body = sql.partition(" SELECT ")
            return f"{cte} SELECT count(*) FROM (SELECT {body} LIMIT {int(at_most) + 1}) AS counted"
        return f"SELECT count(*) FROM ({sql} LIMIT {int(at_most) + 1}) AS counted"

    def in_area_box(self) -> str:
        """The layer's matches in the area's box (one box of :meth:`box_params`, no circle), for
        counting: every match of a national product; for another area those whose coordinates
        lie in their municipality -- the others (:meth:`misplaced`) are counted apart, once."""
        return self.spatial(1, placed=self.f.area.kind != "national")

    def count(self) -> str:
        """The number of matches (every row read: tests and checks)."""
        return f"SELECT count(*) FROM location AS l{self._join_provider('l')} WHERE " + \
            " AND ".join(self.location_filters())

    # ---- statistics (they only choose a plan and a first radius)

    def locations(self) -> str:
        return "SELECT coalesce(max(id), 0) FROM location"

    def providers(self) -> str:
        return "SELECT coalesce(max(id), 0) FROM provider"

    def memberships(self) -> str:
        return f"SELECT count(*) FROM network_membership WHERE product_id = {self.product}"

    def urgency_locations(self) -> str:
        return "SELECT count(*) FROM location WHERE " + self._bool("urgency_24h")

    def specialty_providers(self, cap: int | None = None) -> str:
        if cap is None:
            return f"SELECT count(*) FROM provider_specialty WHERE specialty = {self.specialty}"
        return (f"SELECT count(*) FROM (SELECT 1 FROM provider_specialty WHERE specialty = {self.specialty}"
                f" LIMIT {int(cap) + 1}) AS t")

    def order_keys(self, location_ids: list[int]) -> str:
        """``(location id, provider name, verified_at)``: what orders locations at one shown distance."""
        return ("SELECT l.id, p.name, l.verified_at FROM location AS l JOIN provider AS p ON p.id = l.provider_id"
                f" WHERE l.id IN ({id_list(location_ids)})")

    def page_rows(self, location_ids) -> tuple[str, dict | None]:
        """The page's display rows and their parameters.  PostgreSQL: the ids as one array
        parameter, so the text is the same for every page and psycopg prepares it once (planned
        anew, with the ids written in, it cost ~0.5 ms a search)."""
        if self.pg:
            return (PAGE_SQL.replace("l.id IN ({ids})", "l.id = ANY(CAST(:ids AS integer[]))"),
                    {"ids": [int(i) for i in location_ids]})
        return PAGE_SQL.format(ids=id_list(location_ids)), None
