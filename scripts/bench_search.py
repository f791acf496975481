"""Benchmark of the network search (webapp.network.search) on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_search.py                  # build (or rebuild) and measure
    .venv/bin/python scripts/bench_search.py --reuse          # reuse the databases built before
                                                              # (brought to the latest migration)

Builds fresh databases with N generated providers (scripts/generate_network.py -> CSV ->
webapp.network.importer, as scripts/bench_import.py does): an SQLite file and the PostgreSQL
database ``guia_bench_search``, both in ``--workdir`` (default bench-data/search).  Then, for
seeded population-weighted query points, times each query set on each database (a warm-up
pass, then ``--passes`` measured passes; the p50/p95/p99 printed are the medians over the
passes), checks that SQLite and PostgreSQL return the same page for every query, optionally
checks a sample against a brute-force ranking, and prints the query plans.  The sets: points,
specialties, municipality seats, São Cristóvão's six municipalities from near and far, a rare
specialty; name searches (part of a name, a full name, a full name with a typo); and the API's
``total`` (count_matches up to 1,000).  Each set is also run on an in-memory floor (the same
points in a shapely STRtree, no database; see Floor) and each figure is printed with its ratio
to the floor's (``--no-floor`` skips it).

SQLite settings applied on every connection at run time (PERF-NOTES): ``cache_size=-65536``
(64 MiB page cache) and ``mmap_size=1073741824`` (1 GiB, the whole file); ``make_engine`` already sets WAL,
synchronous=NORMAL, foreign keys.  PostgreSQL runs with the server's settings; after the import
the tables are VACUUM ANALYZEd (the visibility map lets the GiST scan be index-only).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from webapp.core import clock, migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from webapp.geo import municipalities  # noqa: E402
from webapp.geo.coverage import CoverageArea  # noqa: E402
from webapp.geo.distance import distances_km  # noqa: E402
from webapp.geo import area as area_geometry  # noqa: E402
from webapp.network import search as S  # noqa: E402
from webapp.network.search.reads import SearchReader  # noqa: E402
from webapp.network.search.sql import SearchSql  # noqa: E402
from webapp.network import services  # noqa: E402
from webapp.network.specialties import SPECIALTIES  # noqa: E402
from webapp.network.importer import import_network  # noqa: E402
from webapp.plans.catalog import read_catalog  # noqa: E402
from webapp.plans.loader import load_catalog  # noqa: E402
from webapp.network.models import Location, Provider  # noqa: E402
from webapp.plans.models import Product  # noqa: E402
from webapp.plans.services import coverage_area, get_product  # noqa: E402

PG_ADMIN = os.environ.get("GUIA_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
PG_DB = "guia_bench_search"
TODAY = date(2026, 11, 24)
#: What the app ranks as stale on TODAY (webapp.network.services.verified_since at noon, default
#: age): every search below orders its equal distances by it, as /rede does.
VERIFIED_SINCE = datetime.combine(TODAY, day_time(12), tzinfo=clock.TIMEZONE) - timedelta(days=180)
SQLITE_PRAGMAS = ("PRAGMA cache_size=-65536", "PRAGMA mmap_size=1073741824")
NATIONAL = ("sintaema-convencional", "sintaema-integral", "sintaema-master")
SAO_CRISTOVAO = "sao-cristovao-odontologico"
# The 6 municipalities the generator gives São Cristóvão (Guarulhos, Osasco, Santo André,
# São Bernardo do Campo, São Caetano do Sul, São Paulo), used if the catalog says otherwise.
SAO_CRISTOVAO_CODES = frozenset({3518800, 3534401, 3547809, 3548708, 3548807, 3550308})
RARE_SPECIALTY = "homeopatia"
TOTAL_LIMIT = services.TOTAL_LIMIT  # the API's total counts up to this
#: Words of names that nobody searches for alone.
NAME_FILLERS = {"dr", "dra", "da", "de", "do", "das", "dos", "e"}


# --------------------------------------------------------------------------- databases


def sqlite_engine(path: Path):
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    return engine


def pg_url() -> str:
    return PG_ADMIN.rpartition("/")[0] + "/" + PG_DB


def populated(engine) -> bool:
    try:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM location")).scalar_one() > 0
                    and conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() >= "0003")
    except Exception:
        return False


def upgraded(engine, label: str) -> bool:
    """Bring a reused database to the migrations' head (a migration added since it was built);
    whether anything ran."""
    with engine.connect() as conn:
        before = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    start = time.perf_counter()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        after = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    if after != before:
        print(f"  {label}: migrated {before} -> {after} in {time.perf_counter() - start:.0f} s", flush=True)
    engine.dispose()
    return after != before


def build(engine, csv_path: Path, label: str) -> None:
    start = time.perf_counter()
    migrate.upgrade(engine)
    with Session(engine) as session:
        load_catalog(session, read_catalog())
        session.commit()
        report = import_network(session, csv_path, today=TODAY)
        session.commit()
    print(f"  {label}: imported {report.accepted} rows in {time.perf_counter() - start:.0f} s", flush=True)


def prepare_databases(args) -> dict:
    args.workdir.mkdir(parents=True, exist_ok=True)
    csv_path = args.workdir / f"network-{args.count}-{args.seed}.csv"
    if not (args.reuse and csv_path.exists()):
        print(f"generating {csv_path.name} ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "scripts/generate_network.py"), "--count", str(args.count),
                        "--seed", str(args.seed), "--out", str(csv_path)], check=True, stdout=subprocess.DEVNULL)
    engines = {}
    sqlite_path = args.workdir / f"search-{args.count}.sqlite3"
    if not (args.reuse and sqlite_path.exists() and populated(sqlite_engine(sqlite_path))):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        engine = sqlite_engine(sqlite_path)
        build(engine, csv_path, "SQLite")
        engine.dispose()
        with sqlite3.connect(sqlite_path, isolation_level=None) as conn:  # planner statistics, fold the WAL in
            conn.execute("ANALYZE")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif upgraded(sqlite_engine(sqlite_path), "SQLite"):
        with sqlite3.connect(sqlite_path, isolation_level=None) as conn:
            conn.execute("ANALYZE")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    engines["SQLite"] = sqlite_engine(sqlite_path)
    if not args.skip_postgres:
        engine = make_engine(pg_url())
        if not (args.reuse and populated(engine)):
            engine.dispose()
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{PG_DB}"')
            engine = make_engine(pg_url())
            build(engine, csv_path, "PostgreSQL")
            with psycopg.connect(pg_url(), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        elif upgraded(engine, "PostgreSQL"):
            with psycopg.connect(pg_url(), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        engines["PostgreSQL"] = engine
    return engines


# --------------------------------------------------------------------------- query sets


PLACE_AND_PAGE = ("lat", "lon", "limit", "offset")


@dataclass
class Query:
    kwargs: dict
    from_municipality: int | None = None
    total: bool = False  # the API's total (count_matches up to TOTAL_LIMIT) instead of a page

    def filters(self) -> S.SearchFilters:
        return S.SearchFilters(today=TODAY, verified_since=VERIFIED_SINCE,
                               **{k: v for k, v in self.kwargs.items() if k not in PLACE_AND_PAGE})

    def run(self, session):
        if self.total:
            return S.count_matches(session, self.filters(), at_most=TOTAL_LIMIT)
        page = {k: v for k, v in self.kwargs.items() if k in ("limit", "offset")}
        if self.from_municipality is not None:
            return S.search_from_municipality(session, self.filters(), ibge_code=self.from_municipality, **page)
        return S.search(session, self.filters(), lat=self.kwargs["lat"], lon=self.kwargs["lon"], **page)

    def describe(self) -> str:
        k = {key: v for key, v in self.kwargs.items() if key != "area"}
        return f"{k} from={self.from_municipality}{' total' if self.total else ''}"


@dataclass
class QuerySet:
    name: str
    queries: list[Query] = field(default_factory=list)


def near(rng: random.Random, m) -> tuple[float, float]:
    """A random point near a municipality seat (gaussian, sigma ~2.2 km)."""
    return m.lat + rng.gauss(0, 0.02), m.lon + rng.gauss(0, 0.02)


def query_sets(session, n: int, seed: int) -> list[QuerySet]:
    rng = random.Random(seed)
    products = {p.slug: p for p in session.scalars(select(Product))}
    areas = {slug: coverage_area(get_product(session, slug)) for slug in products}
    sc_area = areas.get(SAO_CRISTOVAO)
    if sc_area is None or sc_area.municipalities != SAO_CRISTOVAO_CODES:
        print(f"  note: São Cristóvão area taken from the generator ({len(SAO_CRISTOVAO_CODES)} municipalities),"
              " the catalog's differs", flush=True)
        sc_area = CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES)
        areas[SAO_CRISTOVAO] = sc_area
    all_m = municipalities.all_municipalities()
    weights = [max(m.population, 1) for m in all_m]
    sp_m = [m for m in all_m if m.uf == "SP"]
    sp_weights = [max(m.population, 1) for m in sp_m]
    specialties = sorted(SPECIALTIES)

    def product_for(m) -> str:
        choices = [slug for slug in products if slug in areas and areas[slug].contains_municipality(m.ibge_code)]
        return rng.choice(sorted(choices))

    def point_query(m, **extra) -> Query:
        slug = product_for(m)
        lat, lon = near(rng, m)
        return Query({"product_id": products[slug].id, "area": areas[slug], "lat": lat, "lon": lon, **extra})

    sets = []
    qs = QuerySet("point, no specialty")
    for m in rng.choices(all_m, weights, k=n):
        qs.queries.append(point_query(m))
    sets.append(qs)
    qs = QuerySet("point + specialty (uniform over 25)")
    for m in rng.choices(all_m, weights, k=n):
        qs.queries.append(point_query(m, specialty=rng.choice(specialties)))
    sets.append(qs)
    qs = QuerySet("municipality seat")
    for m in rng.choices(all_m, weights, k=n):
        slug = product_for(m)
        qs.queries.append(Query({"product_id": products[slug].id, "area": areas[slug]}, from_municipality=m.ibge_code))
    sets.append(qs)
    qs = QuerySet("São Cristóvão from São Paulo city")
    sao_paulo = municipalities.get(3550308)
    for _ in range(n):
        lat, lon = sao_paulo.lat + rng.gauss(0, 0.08), sao_paulo.lon + rng.gauss(0, 0.08)
        qs.queries.append(Query({"product_id": products[SAO_CRISTOVAO].id, "area": sc_area, "lat": lat, "lon": lon}))
    sets.append(qs)
    qs = QuerySet("São Cristóvão from anywhere in SP state")
    for m in rng.choices(sp_m, sp_weights, k=n):
        lat, lon = near(rng, m)
        qs.queries.append(Query({"product_id": products[SAO_CRISTOVAO].id, "area": sc_area, "lat": lat, "lon": lon}))
    sets.append(qs)
    # Travelling members: the six municipalities searched from all over Brazil (out of area, up
    # to 3,000 km away) -- the case where a plain KNN walks the whole country.
    qs = QuerySet("São Cristóvão from anywhere in Brazil")
    for m in rng.choices(all_m, weights, k=n):
        lat, lon = near(rng, m)
        qs.queries.append(Query({"product_id": products[SAO_CRISTOVAO].id, "area": sc_area, "lat": lat, "lon": lon}))
    sets.append(qs)
    qs = QuerySet(f"rare specialty ({RARE_SPECIALTY})")
    for m in rng.choices(all_m, weights, k=n):
        slug = rng.choice(NATIONAL)
        lat, lon = near(rng, m)
        qs.queries.append(Query({"product_id": products[slug].id, "area": areas[slug], "lat": lat, "lon": lon,
                                 "specialty": RARE_SPECIALTY}))
    sets.append(qs)

    # Name searches (q), from where people are, on a plan of theirs: names drawn from the
    # providers themselves.
    names = list(session.scalars(select(Provider.name).order_by(Provider.id)))

    def words(name: str) -> list[str]:
        return [w for w in name.replace(".", " ").split() if w.lower() not in NAME_FILLERS and len(w) >= 3]

    def part(name: str) -> str:  # the start of one of its words, as typed: 4 to 7 letters
        w = rng.choice(words(name) or [name])
        return w[:rng.randint(4, 7)]

    def typo(name: str) -> str:  # two neighbouring letters of one word swapped
        ws = name.split()
        long = [i for i, w in enumerate(ws) if len(w) >= 4 and w.lower().rstrip(".") not in NAME_FILLERS]
        if not long:
            return name + "x"
        i = rng.choice(long)
        w = ws[i]
        j = rng.randrange(1, len(w) - 2)
        ws[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(ws)

    for label, make in (("name: part of a name (4-7 letters)", part), ("name: a full name", lambda name: name),
                        ("name: a full name with a typo", typo)):
        qs = QuerySet(label)
        for m in rng.choices(all_m, weights, k=n):
            qs.queries.append(point_query(m, name_query=make(rng.choice(names))))
        sets.append(qs)
    # The API's total, counted up to TOTAL_LIMIT, for the filters of the sets above.
    qs = QuerySet(f"total (<= {TOTAL_LIMIT}): plan, +specialty, +name")
    for i, m in enumerate(rng.choices(all_m, weights, k=n)):
        extra = ({}, {"specialty": rng.choice(specialties)}, {"name_query": part(rng.choice(names))})[i % 3]
        q = point_query(m, **extra)
        q.total = True
        qs.queries.append(q)
    sets.append(qs)
    return sets


def extra_sets(session, n: int, seed: int) -> list[QuerySet]:
    """Informational: not in the budget."""
    rng = random.Random(seed + 1)
    products = {p.slug: p for p in session.scalars(select(Product))}
    areas = {slug: coverage_area(get_product(session, slug)) for slug in NATIONAL}
    all_m = municipalities.all_municipalities()
    weights = [max(m.population, 1) for m in all_m]
    out = []
    for name, extra in (("urgency 24h", {"urgency_24h": True}),
                        ("mid-rare specialty (odontologia-hospitalar)", {"specialty": "odontologia-hospitalar"}),
                        ("name 'sorriso'", {"name_query": "sorriso"}),
                        ("name of one provider", None),
                        ("page 10 (offset 180)", {"offset": 180})):
        qs = QuerySet(name)
        for m in rng.choices(all_m, weights, k=n):
            slug = rng.choice(NATIONAL)
            lat, lon = near(rng, m)
            kw = {"product_id": products[slug].id, "area": areas[slug], "lat": lat, "lon": lon}
            if extra is None:
                kw["name_query"] = rng.choice(["Ana Julia das Neves da Mata", "Joaquim Cavalcante", "odonto vida"])
            else:
                kw.update(extra)
            qs.queries.append(Query(kw))
        out.append(qs)
    return out


# --------------------------------------------------------------------------- measuring


def percentiles(values: list[float]) -> tuple[float, float, float]:
    a = np.asarray(values)
    return tuple(float(np.percentile(a, p)) for p in (50, 95, 99))  # type: ignore[return-value]


def measure(engine, qs: QuerySet, passes: int) -> tuple[tuple[float, float, float], list]:
    with Session(engine) as session:
        answers = [q.run(session) for q in qs.queries]  # warm-up, and the answers compared
        session.rollback()
        runs = []
        for _ in range(passes):
            times = []
            for q in qs.queries:
                start = time.perf_counter()
                q.run(session)
                times.append((time.perf_counter() - start) * 1000)
            session.rollback()
            runs.append(percentiles(times))
    med = tuple(statistics.median(r[i] for r in runs) for i in range(3))
    return med, answers  # type: ignore[return-value]


def signature(page) -> tuple:
    if isinstance(page, int):  # a total
        return (page,)
    return (tuple((r.location_id, r.distance_km) for r in page.results), page.has_more)


def brute_force(session, q: Query) -> tuple:
    """All matching rows straight from SQL (no spatial index), in result order (distance as
    shown, then verified before stale, then name, then id) -- computed independently of the
    search's pruning."""
    if q.total:
        return (min(SearchReader(session, q.filters()).count_all(), TOTAL_LIMIT + 1),)
    kw = dict(q.kwargs)
    if q.from_municipality is not None:
        m = municipalities.get(q.from_municipality)
        kw["lat"], kw["lon"] = m.lat, m.lon
    limit, offset = kw.pop("limit", 20), kw.pop("offset", 0)
    lat, lon = kw.pop("lat"), kw.pop("lon")
    reader = SearchReader(session, q.filters())
    rows = list(reader.fetch(reader.sql.every_match()))
    if not rows:
        return (), False
    ids = np.array([r[0] for r in rows])
    km = distances_km(lat, lon, np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    wanted = offset + limit
    if len(rows) > wanted:
        # The rows that can be on the page: those shown at most one bucket (0.1 km) beyond the
        # wanted-th; S.result_order then decides among them.
        near = np.flatnonzero(km <= np.partition(km, wanted - 1)[wanted - 1] + 0.2)
    else:
        near = np.arange(len(rows))
    keys = {id_: (name, verified_at is None or verified_at < VERIFIED_SINCE) for id_, name, verified_at in
            session.execute(select(Location.id, Provider.name, Location.verified_at).join(Provider)
                            .where(Location.id.in_([int(i) for i in ids[near]])))}
    ordered = sorted(((float(km[i]), int(ids[i])) for i in near),
                     key=lambda p: S.result_order(p[0], keys[p[1]][0], p[1], keys[p[1]][1]))
    return tuple((id_, d) for d, id_ in ordered[offset:wanted]), len(rows) > wanted


# --------------------------------------------------------------------------- the in-memory floor


class Floor:
    """The same searches with no database: the same active locations as points in a shapely
    STRtree, filters as numpy arrays (memberships open on TODAY, specialties, flags, area),
    names through an in-memory trigram index (sorted postings, as the databases' index), an
    expanding box clipped to the area's box, exact geodesic distances and the same order
    (S.result_order) and page.  What a search costs when nothing is read from a database: each
    set's figures are printed as a ratio to it."""

    def __init__(self, session) -> None:
        import shapely

        from webapp.core.text import fold

        self.fold = fold
        rows = session.execute(text(
            "SELECT l.id, l.provider_id, l.latitude, l.longitude, l.uf, l.municipality_ibge, l.urgency_24h,"
            " l.wheelchair_access, l.sees_children, l.coordinates_match, l.accepts_new_patients FROM location AS l"
            " WHERE l.active ORDER BY l.id")).all()
        cols = list(zip(*rows))
        self.ids = np.array(cols[0], dtype=np.int64)
        self.pid = np.array(cols[1], dtype=np.int64)
        self.lat = np.array(cols[2], dtype=float)
        self.lon = np.array(cols[3], dtype=float)
        self.uf = np.array(cols[4])
        self.mun = np.array(cols[5], dtype=np.int64)
        self.flags = {"urgency_24h": np.array(cols[6], dtype=bool), "wheelchair": np.array(cols[7], dtype=bool),
                      "children": np.array(cols[8], dtype=bool),
                      "accepting_new": np.array([v is not None and bool(v) for v in cols[10]], dtype=bool)}
        # Stale on TODAY (see VERIFIED_SINCE), by location id: the order's second key.
        self.stale = {id_: verified_at is None or verified_at < VERIFIED_SINCE for id_, verified_at in
                      session.execute(select(Location.id, Location.verified_at).where(Location.active.is_(True)))}
        self.misplaced = np.flatnonzero(~np.array(cols[9], dtype=bool))
        self.tree = shapely.STRtree(shapely.points(self.lon, self.lat))
        self.shapely = shapely
        size = int(self.pid.max()) + 1
        self.members: dict[int, np.ndarray] = {}
        for product_id, provider_id in session.execute(text(
                "SELECT product_id, provider_id FROM network_membership WHERE since <= :d"
                " AND (until IS NULL OR until > :d)"), {"d": TODAY}):
            self.members.setdefault(product_id, np.zeros(size, dtype=bool))[provider_id] = True
        self.specialty: dict[str, np.ndarray] = {}
        for provider_id, slug in session.execute(text("SELECT provider_id, specialty FROM provider_specialty")):
            self.specialty.setdefault(slug, np.zeros(size, dtype=bool))[provider_id] = True
        self.names = [""] * size
        self.folded = [""] * size
        for provider_id, name, folded in session.execute(text("SELECT id, name, search_name FROM provider")):
            self.names[provider_id], self.folded[provider_id] = name, folded
        # Trigram postings: (trigram code, provider id) pairs sorted by code.
        codes, owners = [], []
        for provider_id, folded in enumerate(self.folded):
            grams = {folded[i:i + 3] for i in range(len(folded) - 2)}
            codes.extend(grams)
            owners.extend([provider_id] * len(grams))
        order = np.argsort(np.array(codes), kind="stable")
        self.gram_keys = np.array(codes)[order]
        self.gram_owners = np.array(owners, dtype=np.int64)[order]
        self.row_of_provider: dict[int, list[int]] = {}
        for row, provider_id in enumerate(self.pid.tolist()):
            self.row_of_provider.setdefault(provider_id, []).append(row)

    def _name_providers(self, folded: str) -> np.ndarray:
        grams = sorted({folded[i:i + 3] for i in range(len(folded) - 2)})
        found = None
        for g in grams:
            lo, hi = np.searchsorted(self.gram_keys, g, "left"), np.searchsorted(self.gram_keys, g, "right")
            owners = self.gram_owners[lo:hi]
            found = owners if found is None else np.intersect1d(found, owners, assume_unique=True)
            if not len(found):
                break
        return np.array([p for p in found.tolist() if folded in self.folded[p]], dtype=np.int64)

    def _mask(self, f: S.SearchFilters, rows: np.ndarray, name_ok: np.ndarray | None) -> np.ndarray:
        pid = self.pid[rows]
        members = self.members.get(f.product_id)
        keep = members[pid] if members is not None else np.zeros(len(rows), dtype=bool)
        if f.specialty:
            sp = self.specialty.get(f.specialty)
            keep &= sp[pid] if sp is not None else False
        for flag in ("urgency_24h", "wheelchair", "children", "accepting_new"):
            if getattr(f, flag):
                keep &= self.flags[flag][rows]
        if f.area.kind == "states":
            keep &= np.isin(self.uf[rows], list(f.area.states))
        elif f.area.kind == "municipalities":
            keep &= np.isin(self.mun[rows], list(f.area.municipalities))
        if name_ok is not None:
            keep &= name_ok[pid]
        elif f.name:  # a short name: checked row by row
            keep &= np.array([f.name in self.folded[p] for p in pid.tolist()], dtype=bool)
        return rows[keep]

    def _name_ok(self, f: S.SearchFilters) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(bool array over providers, their rows) for an indexed name; (None, None) otherwise."""
        from webapp.network.search.planner import name_is_indexed

        if not (f.name and name_is_indexed(f.name)):
            return None, None
        providers = self._name_providers(f.name)
        ok = np.zeros(len(self.names), dtype=bool)
        ok[providers] = True
        rows = [r for p in providers.tolist() for r in self.row_of_provider.get(p, ())]
        return ok, np.array(rows, dtype=np.int64)

    def count(self, f: S.SearchFilters) -> int:
        ok, rows = self._name_ok(f)
        rows = rows if rows is not None else np.arange(len(self.ids))
        return min(len(self._mask(f, rows, ok)), TOTAL_LIMIT + 1)

    def search(self, f: S.SearchFilters, lat: float, lon: float, limit: int, offset: int) -> tuple:
        from webapp.network.search.ordering import bucket_edge_km

        wanted = offset + limit
        ok, name_rows = self._name_ok(f)
        s_, w_, n_, e_ = area_geometry.search_bbox(f.area)
        if name_rows is not None and len(name_rows) <= 20_000:
            found = self._mask(f, name_rows, ok)  # every match: few
            complete = True
        else:
            found, complete = None, False
        r = 2.0 + area_geometry.distance_to_area_km(f.area, lat, lon)
        extra = self._mask(f, self.misplaced, ok) if f.area.kind != "national" else np.empty(0, dtype=np.int64)
        while True:
            if not complete:
                dlat = r / 110.0
                dlon = r / (108.0 * max(np.cos(np.radians(min(abs(lat) + dlat, 89.0))), 1e-6))
                box = (max(lat - dlat, s_), max(lon - dlon, w_), min(lat + dlat, n_), min(lon + dlon, e_))
                covered = box == (s_, w_, n_, e_)
                if box[0] > box[2] or box[1] > box[3]:
                    rows = np.empty(0, dtype=np.int64)
                else:
                    rows = self.tree.query(self.shapely.box(box[1], box[0], box[3], box[2]))
                found = np.union1d(self._mask(f, rows, ok), extra)
                complete = covered
            km = distances_km(lat, lon, self.lat[found], self.lon[found])
            within = km <= r
            if complete or np.count_nonzero(within) > wanted:
                if len(found) > wanted:
                    edge = bucket_edge_km(float(np.partition(km, wanted)[wanted]))
                    if complete or edge <= r:
                        near = np.flatnonzero(km <= edge)
                        break
                else:
                    if complete:
                        near = np.arange(len(found))
                        break
            r *= 2.0
        ranked = sorted(((float(km[i]), int(self.ids[found[i]]), int(self.pid[found[i]])) for i in near),
                        key=lambda t: S.result_order(t[0], self.names[t[2]], t[1], self.stale[t[1]]))
        return tuple((id_, d) for d, id_, _p in ranked[offset:wanted]), len(found) > wanted


def measure_floor(floor: Floor, qs: QuerySet, passes: int) -> tuple[tuple[float, float, float], list]:
    def run(q: Query):
        f = q.filters()
        if q.total:
            return (floor.count(f),)
        if q.from_municipality is not None:
            m = municipalities.get(q.from_municipality)
            lat, lon = m.lat, m.lon
        else:
            lat, lon = q.kwargs["lat"], q.kwargs["lon"]
        return floor.search(f, lat, lon, q.kwargs.get("limit", 20), q.kwargs.get("offset", 0))

    answers = [run(q) for q in qs.queries]
    runs = []
    for _ in range(passes):
        times = []
        for q in qs.queries:
            start = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - start) * 1000)
        runs.append(percentiles(times))
    return tuple(statistics.median(r[i] for r in runs) for i in range(3)), answers  # type: ignore[return-value]


# --------------------------------------------------------------------------- plans


def print_plans(engines: dict, product_ids: dict) -> None:
    sp = municipalities.get(3550308)
    six = CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES)
    cases = [
        ("layer 0 (every location), national product, no filter", {"area": CoverageArea.national()}, "spatial"),
        (f"layer of a rare specialty ({RARE_SPECIALTY}), national product",
         {"area": CoverageArea.national(), "specialty": RARE_SPECIALTY}, "spatial"),
        ("layer of endodontia, 6-municipality area", {"area": six, "specialty": "endodontia"}, "spatial"),
        ("misplaced locations of the 6-municipality area (once per search)", {"area": six}, "misplaced"),
        ("name stripes: a common part of a name ('silva'), national product",
         {"area": CoverageArea.national(), "name_query": "silva"}, "spatial"),
    ]
    for label, engine in engines.items():
        print(f"\n--- query plans: {label} (circle of 3 km around São Paulo's seat, {area_geometry.CIRCLE_STRIPS} bands)")
        with Session(engine) as session:
            for title, kw, kind in cases:
                f = S.SearchFilters(product_ids[label], kw["area"], TODAY, kw.get("specialty"),
                                    name_query=kw.get("name_query"))
                qq = SearchSql(session.get_bind().dialect.name, f)
                extra = {}
                if kind == "spatial":
                    boxes, _ = area_geometry.circle_cover(sp.lat, sp.lon, 3.0, area_geometry.search_bbox(kw["area"]))
                    sql = qq.spatial(len(boxes), 168)
                    extra = {**qq.box_params(boxes), **qq.circle_params(sp.lat, sp.lon, 3.0, None)}
                else:
                    sql = qq.misplaced()
                prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " if qq.pg else "EXPLAIN QUERY PLAN "
                print(f"  [{title}]")
                lines = [row[0] if qq.pg else row[-1]
                         for row in session.execute(text(prefix + sql), {**qq.params, **extra})]
                shown = lines if len(lines) <= 24 else lines[:20] + [f"... ({len(lines) - 20} more lines:"
                                                                     " the same for each band)"]
                for line in shown:
                    print(f"    {line}")


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=20261124, help="generator seed")
    parser.add_argument("--query-seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--verify", type=int, default=10, help="queries per set checked by brute force")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench-data" / "search")
    parser.add_argument("--reuse", action="store_true", help="reuse the CSV and databases if present")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--extra", action="store_true", help="also time informational query sets")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--no-floor", action="store_true", help="skip the in-memory floor (STRtree)")
    parser.add_argument("--sets", default="", help="only the query sets whose name contains this text")
    args = parser.parse_args()

    engines = prepare_databases(args)
    if args.build_only:
        return
    print(f"SQLite settings at run time: {', '.join(SQLITE_PRAGMAS)}")
    with Session(engines["SQLite"]) as session:
        counts = {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("provider", "location", "network_membership", "provider_specialty")}
        print("database:", ", ".join(f"{t}={n}" for t, n in counts.items()))
        sets = query_sets(session, args.queries, args.query_seed)
        if args.extra:
            sets += extra_sets(session, max(args.queries // 5, 50), args.query_seed)
        sets = [qs for qs in sets if args.sets in qs.name]
        floor = None
        if not args.no_floor:
            start = time.perf_counter()
            floor = Floor(session)
            print(f"in-memory floor (shapely STRtree, numpy filters, trigram postings) built in"
                  f" {time.perf_counter() - start:.0f} s", flush=True)
    product_ids = {}
    for label, engine in engines.items():
        with Session(engine) as session:
            product_ids[label] = session.scalars(select(Product.id).where(Product.slug == NATIONAL[0])).one()
    assert len(set(product_ids.values())) == 1, "product ids differ between the databases"

    print(f"\n{'query set':<42} {'database':<11} {'p50':>7} {'p95':>7} {'p99':>7}  (ms, median of {args.passes} passes)"
          "  x floor (p50 p95)")
    total_mismatches = 0
    brute_bad = 0
    for qs in sets:
        answers = {}
        base = None
        if floor is not None:
            base, floor_answers = measure_floor(floor, qs, args.passes)
            print(f"{qs.name:<42} {'floor':<11} {base[0]:>7.2f} {base[1]:>7.2f} {base[2]:>7.2f}", flush=True)
        for label, engine in engines.items():
            (p50, p95, p99), pages = measure(engine, qs, args.passes)
            answers[label] = [signature(p) for p in pages]
            ratio = f"  {p50 / base[0]:>5.1f}x {p95 / base[1]:>5.1f}x" if base else ""
            print(f"{qs.name:<42} {label:<11} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f}{ratio}", flush=True)
        if len(answers) == 2:
            a, b = answers.values()
            mismatches = sum(1 for x, y in zip(a, b) if x != y)
            total_mismatches += mismatches
            print(f"{'':<42} SQLite vs PostgreSQL: {mismatches} mismatching answers of {len(a)}")
        if floor is not None:
            differ = sum(1 for x, y in zip(answers["SQLite"], floor_answers) if x != y)
            print(f"{'':<42} floor vs SQLite: {differ} differing answers of {len(floor_answers)}")
        if args.verify:
            with Session(engines["SQLite"]) as session:
                sample = random.Random(args.query_seed).sample(range(len(qs.queries)), min(args.verify, len(qs.queries)))
                bad = 0
                for i in sample:
                    exp = brute_force(session, qs.queries[i])
                    got = answers["SQLite"][i]
                    if exp != got:
                        bad += 1
                        print(f"    brute-force mismatch: {qs.queries[i].describe()}")
                brute_bad += bad
                print(f"{'':<42} brute force: {len(sample) - bad}/{len(sample)} identical")
    print(f"\nSQLite vs PostgreSQL mismatches, all sets: {total_mismatches}; brute-force mismatches: {brute_bad}")

    # count_matches without a bound, informational (the API counts up to TOTAL_LIMIT)
    area = CoverageArea.national()
    for label, engine in engines.items():
        with Session(engine) as s2:
            start = time.perf_counter()
            n = S.count_matches(s2, S.SearchFilters(product_ids[label], area, TODAY))
            t1 = time.perf_counter() - start
            start = time.perf_counter()
            n2 = S.count_matches(s2, S.SearchFilters(product_ids[label], area, TODAY, specialty="endodontia"))
            t2 = time.perf_counter() - start
            print(f"count_matches, every match, {label}: national {n} in {t1 * 1000:.0f} ms;"
                  f" + endodontia {n2} in {t2 * 1000:.0f} ms")
    print_plans(engines, product_ids)


if __name__ == "__main__":
    main()
