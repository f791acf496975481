"""The name search (``q``) on SQLite and PostgreSQL: the folded name and its trigram index
(migration 0011) kept in sync by every write, matching (substring, accents, case), short and
hostile queries on the page and the API, the bounded ``total``, and the same answers on both
databases."""

from __future__ import annotations

import importlib.util
import random

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from tests.network.test_search import (
    EXPECTED_NATIONAL,
    ICARAI,
    NATIONAL,
    NETWORK,
    ROOT,
    _import,
    brute_force,
    keys,
    product_id,
    run,
)
from tests.support.api import validator
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from webapp.core.text import fold
from webapp.geo.coverage import CoverageArea
from webapp.network import search as S
from webapp.network import services
from webapp.network.importer import import_network
from webapp.network.models import Location, Provider
from webapp.network.search import planner

backend_param = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
LEVE = "leve-dental-rj-1-adesao"


@pytest.fixture(autouse=True)
def _fresh_estimates():
    S.clear_estimates()
    yield
    S.clear_estimates()


def folded_names(session) -> dict[int, tuple[str, str]]:
    return {pid: (name, folded) for pid, name, folded in session.execute(
        select(Provider.id, Provider.name, Provider.search_name))}


def indexed_ids(session, backend: str, folded_query: str) -> list[int]:
    """What the trigram index itself answers for a folded query."""
    if backend == "sqlite":
        sql = "SELECT rowid FROM provider_name_fts WHERE search_name LIKE :q ORDER BY rowid"
    else:
        sql = "SELECT id FROM provider WHERE search_name LIKE :q ORDER BY id"
    return list(session.scalars(text(sql), {"q": f"%{folded_query}%"}))


def assert_index_in_sync(session, backend: str) -> None:
    names = folded_names(session)
    assert all(folded == fold(name) for name, folded in names.values())
    # Each location carries its provider's folded name (migration 0014's triggers).
    session.flush()
    assert session.execute(text("SELECT l.id, l.search_name, p.search_name FROM location AS l"
                                " JOIN provider AS p ON p.id = l.provider_id"
                                " WHERE l.search_name <> p.search_name")).all() == []
    if backend == "sqlite":
        # FTS5 compares its index with the provider table it indexes.
        session.execute(text("INSERT INTO provider_name_fts (provider_name_fts, rank) VALUES ('integrity-check', 1)"))
    for query in ("ana", "souza", "sorriso carioca", "zmuda", "conceicao"):
        assert indexed_ids(session, backend, query) == sorted(p for p, (_n, f) in names.items() if query in f)


# --------------------------------------------------------------------------- the index


@backend_param
def test_the_index_follows_an_import_that_renames_a_provider(session, tmp_path, backend):
    _import(session, tmp_path, NETWORK)
    assert_index_in_sync(session, backend)
    assert keys(session, run(session, name_query="Conceição")) == ["NIT-JOSE"]
    renamed = [{**r, "name": "Dr. José Xavantes"} if r["provider_key"] == "NIT-JOSE" else r for r in NETWORK]
    report = _import(session, tmp_path, renamed, "renamed.csv")
    assert report.providers_updated == 1
    assert_index_in_sync(session, backend)
    assert keys(session, run(session, name_query="conceicao")) == []
    assert keys(session, run(session, name_query="XAVANTES")) == ["NIT-JOSE"]
    assert S.count_matches(session, S.SearchFilters(product_id(session, NATIONAL), CoverageArea.national(), TODAY,
                                                    name_query="xavantes")) == 1
    # An object renamed through the ORM, and a provider deleted: the index follows both.
    ana = session.scalars(select(Provider).where(Provider.key == "NIT-ANA")).one()
    ana.name = "Dra. Ana Zuleica"
    session.flush()
    assert keys(session, run(session, name_query="zuleica")) == ["NIT-ANA"]
    session.execute(delete(Provider).where(Provider.key == "RIO-COPA"))  # cascades to its locations
    assert_index_in_sync(session, backend)
    assert keys(session, run(session, name_query="alvares")) == []


@backend_param
def test_every_writer_keeps_the_locations_name(session, tmp_path, backend):
    """Whoever writes -- the ORM, plain SQL -- the location's copy of the name follows its
    provider's (the name stripes of migration 0014 are read instead of the provider)."""
    _import(session, tmp_path, NETWORK)
    ana = session.scalars(select(Provider).where(Provider.key == "NIT-ANA")).one()
    copa = session.scalars(select(Provider).where(Provider.key == "RIO-COPA")).one()
    # A location added through the ORM, without the name.
    session.add(Location(provider_id=ana.id, key="NOVA", street="Rua Nova", municipality_ibge=3303302, uf="RJ",
                         latitude=-22.9, longitude=-43.1, precision="exact", phones=[]))
    session.flush()
    assert_index_in_sync(session, backend)
    # A provider renamed in SQL, a location moved to another provider, a copy written over.
    session.execute(text("UPDATE provider SET name = 'Dra. Ana Xerxes', search_name = 'dra ana xerxes' WHERE id = :id"), {"id": ana.id})
    session.execute(text("UPDATE location SET provider_id = :copa WHERE key = 'NOVA'"), {"copa": copa.id})
    session.execute(text("UPDATE location SET search_name = 'outro' WHERE provider_id = :id"), {"id": ana.id})
    session.expire_all()
    rows = dict(session.execute(text("SELECT key, search_name FROM location WHERE key IN ('NOVA', 'NIT-ANA-L1')")).all())
    assert rows == {"NOVA": copa.search_name, "NIT-ANA-L1": "dra ana xerxes"}, rows
    assert keys(session, run(session, name_query="xerxes")) == ["NIT-ANA"]
    assert_index_in_sync(session, backend)


@backend_param
def test_the_stripes_find_locations_on_their_edges(session, tmp_path, backend, monkeypatch):
    """The name index's stripes are bands of 0.05 degree: locations exactly on a band's edge,
    a hair either side of it, and a circle whose boxes end there, are all found -- the same
    answers as the brute force, from the stripes (a common name: the circle) and from the
    name's providers."""
    import math

    from webapp.network.search.sql import stripe_of

    rows = []
    edge = -22.9  # (edge + 90) * 20 == 1342 exactly, or a hair off it: both cases below
    lats = [edge, math.nextafter(edge, 0), math.nextafter(edge, -90), edge + 0.05, edge - 0.05, -22.875, -22.925]
    for i, lat in enumerate(lats):
        rows.append({**NETWORK[0], "provider_key": f"EDGE-{i}", "name": f"Dra. Faixa Beira {i}",
                     "cro_number": str(70000 + i), "location_key": f"EDGE-{i}-A",
                     "latitude": repr(lat), "longitude": repr(-43.07 + 0.001 * i)})
    _import(session, tmp_path, NETWORK + rows)
    assert len({stripe_of(lat) for lat in lats}) >= 3
    pid = product_id(session, NATIONAL)
    for cap in (0, planner.NAME_DRIVEN_CAP):
        monkeypatch.setattr(planner, "NAME_DRIVEN_CAP", cap)
        for origin in ((edge, -43.1094), (-22.95, -43.11), (-22.7, -43.0)):
            for limit in (1, 3, 20):
                S.clear_estimates()
                page = S.search(session, S.SearchFilters(pid, CoverageArea.national(), TODAY, name_query="faixa beira"),
                                lat=origin[0], lon=origin[1], limit=limit)
                expected = brute_force(session, pid, CoverageArea.national(), *origin, TODAY,
                                       name_query="faixa beira")
                assert len(expected) == len(lats)
                assert [(r.distance_km, r.location_id) for r in page.results] == expected[:limit], (cap, origin)


def test_the_migration_folds_as_the_app_does():
    path = ROOT / "webapp/migrations/versions/0011_name_search.py"
    spec = importlib.util.spec_from_file_location("migration_0011", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    samples = ["Dra. Ana Souza", "José da Conceição", "Maria Straße", "Łukasz Żmuda", "ＡＢＣ ３", "٣ Clínica\u00a0Ñandú",
               "Raio-X  da Gengíva", "ﬁlho", "", "  ", "ǅ", "İstanbul"]
    assert [migration.fold(s) for s in samples] == [fold(s) for s in samples]


@backend_param
def test_the_migration_fills_existing_names_and_downgrades(backend, tmp_path):
    """0011 on a database that already has providers: their folded names filled and indexed;
    down to 0010 and up again."""
    from webapp.core import migrate

    if backend == "sqlite":
        from webapp.db import make_engine

        engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    else:
        from tests.support.databases import drop_postgres_database, recreate_postgres_database
        from webapp.db import make_engine

        name = "guia_odonto_test_migration_0011"
        engine = make_engine(recreate_postgres_database(name))
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO provider (id, key, kind, name, cro_uf, cro_number, specialties, updated_at)"
                              " VALUES (1, 'K1', 'dentista', 'Dra. Érica Núñez', 'RJ', '1', '[]', '2026-01-01'),"
                              " (2, 'K2', 'clinica', 'Clínica Sorriso', 'RJ', '2', '[]', '2026-01-01')"))
        migrate.upgrade(engine)
        with Session(engine) as s:
            assert folded_names(s) == {1: ("Dra. Érica Núñez", "dra erica nunez"), 2: ("Clínica Sorriso", "clinica sorriso")}
            assert indexed_ids(s, backend, "nunez") == [1] and indexed_ids(s, backend, "sorriso") == [2]
        migrate.downgrade(engine, "0010")
        migrate.upgrade(engine)
        with Session(engine) as s:
            assert indexed_ids(s, backend, "erica") == [1]
    finally:
        engine.dispose()
        if backend == "postgresql":
            drop_postgres_database(name)


# --------------------------------------------------------------------------- matching


@pytest.fixture
def network(session, tmp_path):
    """test_search's hand-made network (NIT-DROP's second address dropped)."""
    _import(session, tmp_path, NETWORK)
    _import(session, tmp_path, [r for r in NETWORK if r["location_key"] != "NIT-DROP-B"], "rede2.csv")
    return session


@pytest.mark.parametrize(("query", "expected"), [
    ("ana souza", ["NIT-ANA"]),
    ("NA SOU", ["NIT-ANA"]),  # a substring, across words
    ("souza ana", []),  # the words in order, contiguous
    ("Consultório", []),
    ("são", []),
    ("clí", ["RIO-CLIN"]),  # exactly 3 letters: the index
    ("RRIS", ["RIO-CLIN"]),  # inside a word
    ("dr.  pedro", ["RIO-COPA"]),  # punctuation and blanks fold to one space
    ("straße", ["SG-MARIA"]),
    ("ＺＭＵＤＡ", ["SG-TWIN-A", "SG-TWIN-B"]),  # full-width letters fold to ASCII
    # FTS5 and LIKE syntax is folded away, never read as syntax:
    ('"souza"', ["NIT-ANA"]),
    ("souza*", ["NIT-ANA"]),
    ("^ana", ["NIT-ANA"]),
    ("ana:souza", ["NIT-ANA"]),
    ("(ana) souza", ["NIT-ANA"]),
    ("ana OR jose", []),
    ("NEAR(ana souza)", []),
    ("ana AND souza", []),
    ("s%za", []),  # % is not a wildcard: "s za"
    ("s_uza", []),  # nor _
    ("sou\x00za", []),  # a NUL splits the word (the page refuses it before)
    ("a" * 10_000, []),
])
@backend_param
def test_name_matching(network, query, expected):
    assert sorted(keys(network, run(network, name_query=query))) == sorted(expected)


@backend_param
def test_short_names_filter_the_search_without_the_index(network, monkeypatch):
    """One or two letters (the page refuses them; a service caller may ask) filter the rows the
    expanding circle reads; the trigram index is not asked."""
    monkeypatch.setattr(planner.SearchReader, "name_matching_providers",
                        lambda *a: pytest.fail("the index was asked for a short name"))
    assert keys(network, run(network, name_query="dr", limit=2)) == ["NIT-ANA", "RIO-COPA"]
    assert keys(network, run(network, name_query="z  z")) == ["SG-TWIN-A", "SG-TWIN-B"]  # "ukasz zmuda"
    assert keys(network, run(network, name_query="q  q")) == []
    assert set(keys(network, run(network, name_query="!!"))) == EXPECTED_NATIONAL  # no name left: no filter


# --------------------------------------------------------------------------- the page and the API


@pytest.mark.parametrize("q", ["ab", "a b", "é!", "***", '"^:()', "١٢", "x\u0301y"])
def test_short_queries_are_refused_with_a_message(client, small_network, q):
    page = client.page("/rede", 400, query_string={"plano": LEVE, "municipio": "3303302", "q": q})
    assert "Digite pelo menos 3 letras ou números do nome" in page.select_one(".go-error-summary").get_text()
    response = client.get("/api/v1/rede", query_string={"plano": LEVE, "municipio": "3303302", "q": q})
    assert response.status_code == 400 and "pelo menos 3 letras" in response.get_json()["erro"]


@pytest.mark.parametrize(("q", "status"), [
    ("ana\x00", 400), ("a" * 10_000, 400), ("\u0663\u0664\u0665", 400), ("ＥＮＤＯ", 200), ('"endo" OR *', 200),
    ("NEAR(endo canal)", 200), ("endo:^()", 200), ("%%%endo", 200),
])
def test_hostile_queries_never_fail(client, small_network, q, status):
    response = client.get("/rede", query_string={"plano": LEVE, "municipio": "3303302", "q": q})
    assert response.status_code == status
    api = client.get("/api/v1/rede", query_string={"plano": LEVE, "municipio": "3303302", "q": q})
    assert api.status_code == status


def test_a_name_search_on_the_page_and_the_api(client, spec, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio=3303302&q=ENDO")
    assert [a.get_text(strip=True) for a in page.select(".go-result__name a")] == ["Dra. Ana Endo"]
    body = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302&q=ENDO").get_json()
    validator(spec, "Busca").validate(body)
    assert [r["nome"] for r in body["resultados"]] == ["Dra. Ana Endo"]
    assert (body["total"], body["total_exato"]) == (1, True)


# --------------------------------------------------------------------------- the total


@backend_param
def test_count_matches_stops_at_its_bound_on_every_plan(network, monkeypatch):
    pid = product_id(network, NATIONAL)
    cases = [(CoverageArea.national(), {}, 11), (CoverageArea.of_states({"RJ"}), {}, 8),
             (CoverageArea.national(), {"specialty": "endodontia"}, 2), (CoverageArea.national(), {"name_query": "zmuda"}, 2),
             (CoverageArea.of_states({"RJ"}), {"name_query": "dra ana"}, 1),
             (CoverageArea.national(), {"name_query": "odo", "specialty": "clinico-geral"}, 1),
             (CoverageArea.national(), {"name_query": "e"}, None)]
    for plan in ("spatial", "driven", "common-name"):
        monkeypatch.setattr(planner, "PRODUCT_SPARSE_SHARE", 1e9 if plan == "driven" else 0.0)
        # A common name (more providers than the cap): counted from the name's index, searched
        # by the circle.
        monkeypatch.setattr(planner, "NAME_DRIVEN_CAP", 0 if plan == "common-name" else planner.NAME_DRIVEN_CAP)
        for area, extra, expected in cases:
            f = S.SearchFilters(pid, area, TODAY, **extra)
            every = S.count_matches(network, f)
            if expected is not None:
                assert every == expected, (plan, extra)
            for at_most in (0, 1, every - 1, every, every + 5):
                if at_most >= 0:
                    assert S.count_matches(network, f, at_most=at_most) == min(every, at_most + 1)
            if extra.get("name_query"):  # and the search agrees, on every plan
                page = run(network, area=area, **extra)
                assert [(r.distance_km, r.location_id) for r in page.results] == brute_force(
                    network, pid, area, *ICARAI, TODAY, **extra), (plan, extra)
    # São Cristóvão's area: a location whose coordinates lie in Campinas is counted once.
    sc = S.SearchFilters(product_id(network, "sao-cristovao-odontologico"),
                         CoverageArea.of_municipalities({3518800, 3534401, 3547809, 3548708, 3548807, 3550308}), TODAY)
    assert [S.count_matches(network, sc, at_most=n) for n in (None, 1, 2, 3)] == [3, 2, 3, 3]
    with pytest.raises(ValueError):
        S.count_matches(network, sc, at_most=-1)


def test_the_api_total_is_bounded_and_says_so(client, spec, small_network, monkeypatch):
    monkeypatch.setattr(services, "_TOTALS", {})
    monkeypatch.setattr(services, "TOTAL_LIMIT", 5)
    body = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302").get_json()
    assert (body["total"], body["total_exato"]) == (5, False)
    monkeypatch.setattr(services, "_TOTALS", {})
    monkeypatch.setattr(services, "TOTAL_LIMIT", 1000)
    body = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302").get_json()
    validator(spec, "Busca").validate(body)
    assert (body["total"], body["total_exato"]) == (26, True)
    described = spec["components"]["schemas"]["Busca"]["properties"]
    assert "contados até 1.000" in described["total"]["description"]
    assert "mais de 1.000" in described["total"]["description"]
    assert described["total"]["maximum"] == 1000 and described["total_exato"]["type"] == "boolean"


# --------------------------------------------------------------------------- both databases


def name_queries(session, n: int, seed: int):
    """Name searches as people type them: part of a name, a whole name, a typo, each from a
    point near a provider, on random products."""
    rng = random.Random(seed)
    rows = session.execute(select(Provider.name, Location.latitude, Location.longitude).join(Location)
                           .order_by(Location.id)).all()
    products = {pid: slug for pid, slug in session.execute(text("SELECT id, slug FROM product ORDER BY id"))}
    from webapp.plans.services import coverage_area, get_product

    areas = {pid: coverage_area(get_product(session, slug)) for pid, slug in products.items()}
    for i in range(n):
        name, lat, lon = rng.choice(rows)
        words = name.split()
        kind = i % 4
        if kind == 0:
            q = rng.choice([w for w in words if len(w) > 3] or words)[1:5]  # part of a name
        elif kind == 1:
            q = name  # the whole name
        elif kind == 2:
            w = rng.choice(words)
            q = w[:1] + w[2:1:-1] + w[1:2] + w[3:] if len(w) > 3 else w + "x"  # a typo
        else:
            q = rng.choice(["silva", "odonto", "clínica", "SOUZA", "ana", "sorriso"])  # common
        pid = rng.choice(sorted(products))
        yield {"product_id": pid, "area": areas[pid], "name_query": q, "lat": lat + rng.gauss(0, 0.05),
               "lon": lon + rng.gauss(0, 0.05), "limit": rng.choice([5, 20]), "offset": rng.choice([0, 0, 3])}


@pytest.mark.parametrize("plan", ["as-planned", "circle"])
def test_name_searches_give_the_same_providers_in_the_same_order_on_both_databases(
    sqlite_engine, postgresql_engine, generated_csv, plan, monkeypatch
):
    # 1,500 providers: every name is rare enough to be read from its providers; "circle"
    # reads every name as a common one is, from the name index's stripes.
    if plan == "circle":
        monkeypatch.setattr(planner, "NAME_DRIVEN_CAP", 0)
    answers = {}
    for name, engine in (("sqlite", sqlite_engine), ("postgresql", postgresql_engine)):
        with engine.connect() as conn:
            outer = conn.begin()
            try:
                session = Session(bind=conn, join_transaction_mode="create_savepoint")
                import_network(session, generated_csv, today=TODAY)
                session.flush()
                S.clear_estimates()
                keys_of = dict(session.execute(
                    select(Location.id, Provider.key + "/" + Location.key).join(Provider)).all())
                got = []
                for kw in name_queries(session, 60, seed=31):
                    limit, offset = kw.pop("limit"), kw.pop("offset")
                    lat, lon = kw.pop("lat"), kw.pop("lon")
                    f = S.SearchFilters(today=TODAY, **kw)
                    page = S.search(session, f, lat=lat, lon=lon, limit=limit, offset=offset)
                    if name == "sqlite":  # and the brute force agrees, on one of them
                        expected = brute_force(session, kw["product_id"], kw["area"], lat, lon, TODAY,
                                               name_query=kw["name_query"])
                        assert [(r.distance_km, r.location_id) for r in page.results] == \
                            expected[offset:offset + limit], kw
                    got.append(([(keys_of[r.location_id], r.distance_km) for r in page.results], page.has_more,
                                S.count_matches(session, f), S.count_matches(session, f, at_most=10)))
                answers[name] = got
                session.close()
            finally:
                outer.rollback()
    assert answers["sqlite"] == answers["postgresql"]
    found = [a for a in answers["sqlite"] if a[0]]
    assert len(found) >= 20 and any(a[2] > 10 for a in answers["sqlite"])  # answers, and some common names


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory):
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("gen") / "network-1500.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_network.py"), "--count", "1500", "--seed", "77",
                    "--out", str(out)], check=True, capture_output=True)
    return out


def test_the_api_keeps_total_when_a_name_matches_nobody(client, small_network):
    body = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302&q=xyzw").get_json()
    assert (body["total"], body["total_exato"], body["resultados"]) == (0, True, [])
