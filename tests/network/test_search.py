"""Network search (webapp.network.search) on SQLite and PostgreSQL: what matches, in what order,
filters, pagination, and agreement with a brute-force ranking and between the two databases."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, exists, or_, select, text, update
from sqlalchemy.orm import Session

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from webapp.core.clock import TIMEZONE
from webapp.core.text import fold
from webapp.geo import municipalities
from webapp.geo.coverage import CoverageArea
from webapp.geo import area as area_geometry
from webapp.geo.distance import distance_km, distances_km
from webapp.network import search as S
from webapp.network.search import planner
from webapp.network.search import sql as search_sql
from webapp.network.search.sql import SPECIALTY_LAYERS, URGENCY_LAYER, name_like
from webapp.network.importer import import_network
from webapp.network.models import Location, NetworkMembership, Provider, ProviderSpecialty
from webapp.network.specialties import SPECIALTIES
from webapp.plans.models import Product
from webapp.plans.services import coverage_area, get_product

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = "sintaema-convencional"
OTHER = "sintaema-integral"
RJ_PRODUCT = "leve-dental-rj-1-adesao"
SAO_CRISTOVAO = "sao-cristovao-odontologico"
# Guarulhos, Osasco, Santo André, São Bernardo do Campo, São Caetano do Sul, São Paulo
SAO_CRISTOVAO_CODES = frozenset({3518800, 3534401, 3547809, 3548708, 3548807, 3550308})
RIO, NITEROI, SAO_GONCALO, SAO_PAULO, GUARULHOS, CAMPINAS = 3304557, 3303302, 3304904, 3550308, 3518800, 3509502

ICARAI = (-22.9035, -43.1094)  # Niterói
#: A search's "stale before" on TODAY: 180 days before its noon in São Paulo (what the app sets).
VERIFIED_SINCE = datetime.combine(TODAY, time(12), tzinfo=TIMEZONE) - timedelta(days=180)
PAULISTA = (-23.5614, -46.6559)  # São Paulo


@pytest.fixture(autouse=True)
def _fresh_estimates():
    S.clear_estimates()
    yield
    S.clear_estimates()


def search(session, *, lat, lon, limit=20, offset=0, **filters):
    """The search, its filters given as keywords as these tests write them."""
    return S.search(session, S.SearchFilters(**filters), lat=lat, lon=lon, limit=limit, offset=offset)


def search_from_municipality(session, *, ibge_code, limit=20, offset=0, **filters):
    return S.search_from_municipality(session, S.SearchFilters(**filters), ibge_code=ibge_code, limit=limit,
                                      offset=offset)


def count_matches(session, **filters):
    return S.count_matches(session, S.SearchFilters(**filters))


def place(code: int, lat: float, lon: float) -> dict:
    return {"municipality_ibge": str(code), "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}", "uf": ""}


def provider(key: str, name: str, where: dict, *, products: str = NATIONAL, loc: str = "L1", **extra) -> dict:
    extra.setdefault("specialties", "clinico-geral")
    cro_uf = municipalities.get(int(where["municipality_ibge"])).uf
    phone = {"RJ": "(21) 2711-0000", "SP": "(11) 3711-0000"}[cro_uf]
    return row(provider_key=key, name=name, location_key=f"{key}-{loc}", cro_uf=cro_uf, products=products,
               phones=phone, whatsapp="", cep="", **where, **extra)


# Providers at known places (real coordinates).  Keys say what each one is for.
NETWORK = [
    provider("NIT-ANA", "Dra. Ana Souza", place(NITEROI, -22.9035, -43.1094), specialties="clinico-geral|endodontia",
             products=f"{NATIONAL}|{RJ_PRODUCT}"),
    provider("NIT-JOSE", "José da Conceição", place(NITEROI, -22.8960, -43.1180), specialties="ortodontia",
             sees_children="sim", wheelchair_access="nao"),
    provider("RIO-CLIN", "Clínica Sorriso Carioca", place(RIO, -22.9068, -43.1729), kind="clinica",
             cnpj="11.222.333/0001-81", responsible_dentist="Dr. João Lima", specialties="clinico-geral",
             urgency_24h="sim", products=f"{NATIONAL}|{RJ_PRODUCT}"),
    provider("RIO-COPA", "Dr. Pedro Álvares", place(RIO, -22.9711, -43.1822), specialties="homeopatia"),
    provider("SG-MARIA", "Maria Straße", place(SAO_GONCALO, -22.8268, -43.0634), specialties="endodontia",
             products=f"{NATIONAL}|{RJ_PRODUCT}"),
    # Two locations at the very same point: same distance, the lower id comes first.
    provider("SG-TWIN", "Łukasz Żmuda", place(SAO_GONCALO, -22.8300, -43.0500), loc="A"),
    provider("SG-TWIN", "Łukasz Żmuda", place(SAO_GONCALO, -22.8300, -43.0500), loc="B"),
    provider("SP-PAUL", "Odonto Paulista", place(SAO_PAULO, -23.5614, -46.6559), specialties="implantodontia",
             products=f"{NATIONAL}|{SAO_CRISTOVAO}"),
    provider("GRU-ONE", "Guarulhos Dental", place(GUARULHOS, -23.4538, -46.5333),
             products=f"{NATIONAL}|{SAO_CRISTOVAO}"),
    # Stated as São Paulo, coordinates in Campinas: kept, flagged, and still São Paulo's.
    provider("SP-AWAY", "Consultório Longe", place(SAO_PAULO, -22.9056, -47.0608), products=SAO_CRISTOVAO),
    provider("CPS-ONE", "Campinas Odonto", place(CAMPINAS, -22.9000, -47.0600), products=f"{NATIONAL}|{SAO_CRISTOVAO}"),
    # Not to be found with NATIONAL today:
    provider("NIT-GONE", "Ex-credenciado", place(NITEROI, -22.9040, -43.1100), network_since="2020-01-01",
             network_until="2025-01-01"),
    provider("NIT-SOON", "Ainda Não", place(NITEROI, -22.9030, -43.1090), network_since="2027-01-01"),
    provider("NIT-OTHER", "Outro Plano", place(NITEROI, -22.9036, -43.1095), products=OTHER),
    provider("NIT-DROP", "Dois Endereços", place(NITEROI, -22.9100, -43.1000), loc="A"),
    provider("NIT-DROP", "Dois Endereços", place(NITEROI, -22.9000, -43.1000), loc="B"),  # dropped below
]
EXPECTED_NATIONAL = {"NIT-ANA", "NIT-JOSE", "RIO-CLIN", "RIO-COPA", "SG-MARIA", "SG-TWIN-A", "SG-TWIN-B",
                     "SP-PAUL", "GRU-ONE", "CPS-ONE", "NIT-DROP-A"}


def _import(session, tmp_path, rows, name="rede.csv"):
    report = import_network(session, write_csv(tmp_path / name, rows), today=TODAY)
    session.flush()
    assert report.rejects == [], report.rejects
    return report


@pytest.fixture
def network(session, tmp_path):
    _import(session, tmp_path, NETWORK)
    # The operator drops NIT-DROP's second address: the location stays, inactive.
    _import(session, tmp_path, [r for r in NETWORK if r["location_key"] != "NIT-DROP-B"], "rede2.csv")
    assert session.scalars(select(Location.active).where(Location.key == "NIT-DROP-B")).one() is False
    assert session.scalars(select(Location.coordinates_match).where(Location.key == "SP-AWAY-L1")).one() is False
    return session


def product_id(session, slug: str) -> int:
    return session.scalars(select(Product.id).where(Product.slug == slug)).one()


def key_of(session, location_id: int) -> str:
    loc = session.get(Location, location_id)
    suffix = loc.key.rsplit("-", 1)[1]
    return loc.provider.key + ("" if suffix == "L1" else f"-{suffix}")


def keys(session, page) -> list[str]:
    return [key_of(session, r.location_id) for r in page.results]


def run(session, slug=NATIONAL, area=None, at=ICARAI, **kwargs):
    kwargs.setdefault("limit", 50)
    return search(session, product_id=product_id(session, slug), area=area or CoverageArea.national(),
                    lat=at[0], lon=at[1], today=TODAY, **kwargs)


def assert_ordered(page, at):
    keys = [S.result_order(r.distance_km, r.provider_name, r.location_id) for r in page.results]
    assert keys == sorted(keys)
    shown = [round(r.distance_km, 1) for r in page.results]
    assert shown == sorted(shown)
    for r in page.results:
        assert r.distance_km == distance_km(at[0], at[1], r.latitude, r.longitude)


# --------------------------------------------------------------------------- hand-made network

backend_param = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@backend_param
def test_only_active_in_network_locations_in_geodesic_order(network):
    page = run(network)
    assert set(keys(network, page)) == EXPECTED_NATIONAL
    assert not page.has_more
    assert_ordered(page, ICARAI)
    assert keys(network, page)[0] == "NIT-ANA" and page.results[0].distance_km == 0.0
    first = page.results[0]
    assert (first.provider_name, first.kind, first.specialties) == ("Dra. Ana Souza", "dentista",
                                                                    ("clinico-geral", "endodontia"))
    assert (first.street, first.number, first.complement, first.neighbourhood) == (
        "Rua Moreira César", "100", "Sala 201", "Icaraí")
    assert (first.municipality_ibge, first.uf, first.precision, first.coordinates_match) == (NITEROI, "RJ", "exact", True)
    assert first.phones == ("(21) 2711-0000",) and first.opening_hours == "seg a sex 8h-18h"
    assert first.wheelchair_access and not first.sees_children and not first.urgency_24h
    assert first.updated_at.tzinfo is not None


@backend_param
def test_equal_distances_are_ordered_by_location_id(network):
    page = run(network, at=(-22.8300, -43.0500), limit=2)
    assert keys(network, page) == ["SG-TWIN-A", "SG-TWIN-B"]
    a, b = page.results
    assert a.distance_km == b.distance_km == 0.0 and a.location_id < b.location_id and page.has_more


@backend_param
def test_the_same_shown_distance_is_ordered_by_name(session, tmp_path):
    """Results are in order of the distance as shown (km, one decimal), then of name, ignoring
    accents and case -- also across a page break, on the page after it, and over the API."""
    origin = (-22.9035, -43.1094)
    # 0.1 km bucket "0,3 km": Zélia is nearer than Álvaro and Bruna, yet comes after them.
    rows = [
        provider("NEAR-ZELIA", "Zélia Nunes", place(NITEROI, origin[0] + 0.0025, origin[1])),  # ~0.28 km
        provider("NEAR-BRUNA", "bruna costa", place(NITEROI, origin[0] + 0.0029, origin[1])),  # ~0.32 km
        provider("NEAR-ALVARO", "Álvaro Dias", place(NITEROI, origin[0] + 0.0031, origin[1])),  # ~0.34 km
        provider("FAR-ANA", "Ana Longe", place(NITEROI, origin[0] + 0.0100, origin[1])),  # ~1.1 km
    ]
    _import(session, tmp_path, rows)
    everything = run(session, at=origin, limit=4)
    assert keys(session, everything) == ["NEAR-ALVARO", "NEAR-BRUNA", "NEAR-ZELIA", "FAR-ANA"]
    assert [round(r.distance_km, 1) for r in everything.results] == [0.3, 0.3, 0.3, 1.1]
    assert everything.results[2].distance_km < everything.results[0].distance_km  # nearer, but Z
    first, second = run(session, at=origin, limit=2), run(session, at=origin, limit=2, offset=2)
    assert keys(session, first) + keys(session, second) == keys(session, everything)
    assert first.has_more and not second.has_more
    assert keys(session, run(session, at=origin, limit=1)) == ["NEAR-ALVARO"]


@backend_param
def test_another_products_members_and_future_or_ended_memberships_are_left_out(network):
    other = run(network, slug=OTHER)
    assert keys(network, other) == ["NIT-OTHER"]
    assert "NIT-SOON" in keys(network, search(
        network, product_id=product_id(network, NATIONAL), area=CoverageArea.national(), lat=ICARAI[0],
        lon=ICARAI[1], today=date(2027, 1, 1), limit=50))
    assert "NIT-GONE" in keys(network, search(
        network, product_id=product_id(network, NATIONAL), area=CoverageArea.national(), lat=ICARAI[0],
        lon=ICARAI[1], today=date(2024, 12, 31), limit=50))


@backend_param
def test_a_states_area_keeps_its_states_only(network):
    page = run(network, slug=RJ_PRODUCT, area=CoverageArea.of_states({"RJ"}), at=PAULISTA)
    assert keys(network, page) == ["RIO-CLIN", "NIT-ANA", "SG-MARIA"]
    assert_ordered(page, PAULISTA)
    assert keys(network, run(network, slug=RJ_PRODUCT, area=CoverageArea.of_states({"SP"}))) == []


@backend_param
def test_municipality_group_product_from_a_point_in_sao_paulo(network):
    area = CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES)
    page = run(network, slug=SAO_CRISTOVAO, area=area, at=PAULISTA)
    # Campinas is outside the area; the location stated as São Paulo but placed in Campinas is in.
    assert keys(network, page) == ["SP-PAUL", "GRU-ONE", "SP-AWAY"]
    assert_ordered(page, PAULISTA)
    # From Campinas, the misplaced one is the nearest, far outside the area's box.
    campinas = (-22.9056, -47.0608)
    assert keys(network, run(network, slug=SAO_CRISTOVAO, area=area, at=campinas, limit=1)) == ["SP-AWAY"]
    # From Niterói, 350 km away, the box grows until it meets the area.
    assert keys(network, run(network, slug=SAO_CRISTOVAO, area=area, limit=2)) == ["GRU-ONE", "SP-PAUL"]


@backend_param
def test_filters(network):
    assert keys(network, run(network, specialty="endodontia")) == ["NIT-ANA", "SG-MARIA"]
    assert keys(network, run(network, specialty="homeopatia")) == ["RIO-COPA"]
    assert keys(network, run(network, specialty="periodontia")) == []
    assert keys(network, run(network, urgency_24h=True)) == ["RIO-CLIN"]
    assert keys(network, run(network, children=True)) == ["NIT-JOSE"]
    assert "NIT-JOSE" not in keys(network, run(network, wheelchair=True))
    assert len(keys(network, run(network, wheelchair=True))) == len(EXPECTED_NATIONAL) - 1
    assert keys(network, run(network, children=True, wheelchair=True)) == []
    assert keys(network, run(network, urgency_24h=True, specialty="clinico-geral")) == ["RIO-CLIN"]
    with pytest.raises(ValueError, match="Especialidade desconhecida"):
        run(network, specialty="magia")


@pytest.mark.parametrize(("query", "expected"), [
    ("conceicao", ["NIT-JOSE"]),
    ("JOSÉ", ["NIT-JOSE"]),
    ("sorriso carioca", ["RIO-CLIN"]),
    ("clinica", ["RIO-CLIN"]),
    ("alvares", ["RIO-COPA"]),
    ("strasse", ["SG-MARIA"]),  # ß folds to ss
    ("zmuda", ["SG-TWIN-A", "SG-TWIN-B"]),  # letters outside Latin-1
    ("lukasz", []),  # ł has no decomposition: fold drops it ("ukasz")
    ("ukasz", ["SG-TWIN-A", "SG-TWIN-B"]),
    ("dr", ["NIT-ANA", "RIO-COPA"]),  # "Dra." / "Dr."; the clinic's "Dr. João Lima" is not its name
    ("  !!  ", None),  # nothing left after folding: no name filter
])
@backend_param
def test_name_filter_ignores_accents_case_and_punctuation(network, query, expected):
    got = keys(network, run(network, name_query=query))
    if expected is None:
        assert set(got) == EXPECTED_NATIONAL
    else:
        assert sorted(got) == sorted(expected)


@backend_param
def test_pagination(network):
    full = run(network, limit=50)
    pages, offset = [], 0
    while True:
        page = run(network, limit=3, offset=offset)
        pages.append(page)
        assert (page.offset, page.limit) == (offset, 3)
        if not page.has_more:
            break
        offset += 3
    assert [r for p in pages for r in p.results] == list(full.results)
    assert [len(p.results) for p in pages] == [3, 3, 3, 2]
    assert run(network, limit=11).has_more is False and run(network, limit=10).has_more is True
    assert run(network, offset=40).results == ()
    with pytest.raises(ValueError):
        run(network, limit=0)
    with pytest.raises(ValueError):
        run(network, offset=-1)


@backend_param
def test_search_from_municipality_starts_at_the_seat(network):
    seat = municipalities.get(SAO_GONCALO)
    page = search_from_municipality(network, product_id=product_id(network, NATIONAL), area=CoverageArea.national(),
                                      ibge_code=SAO_GONCALO, today=TODAY, limit=3)
    assert keys(network, page)[0] in {"SG-MARIA", "SG-TWIN-A"}
    assert_ordered(page, (seat.lat, seat.lon))
    with pytest.raises(ValueError, match="IBGE"):
        search_from_municipality(network, product_id=1, area=CoverageArea.national(), ibge_code=1, today=TODAY)


@backend_param
def test_count_matches(network):
    pid = product_id(network, NATIONAL)
    count = lambda **kw: count_matches(network, product_id=pid, today=TODAY, **kw)  # noqa: E731
    assert count(area=CoverageArea.national()) == len(EXPECTED_NATIONAL)
    assert count(area=CoverageArea.of_states({"RJ"})) == 8
    assert count(area=CoverageArea.national(), specialty="endodontia") == 2
    assert count(area=CoverageArea.national(), name_query="zmuda") == 2
    assert count(area=CoverageArea.national(), urgency_24h=True, wheelchair=True) == 1
    sc = count_matches(network, product_id=product_id(network, SAO_CRISTOVAO), today=TODAY,
                         area=CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES))
    assert sc == 3


@backend_param
def test_the_spatial_index_follows_location_changes(network):
    ana = network.scalars(select(Location).where(Location.key == "NIT-ANA-L1")).one()
    sp = (-23.5500, -46.6400)
    network.execute(update(Location).where(Location.id == ana.id).values(latitude=sp[0], longitude=sp[1]))
    assert keys(network, run(network, at=sp, limit=1)) == ["NIT-ANA"]
    network.execute(update(Location).where(Location.id == ana.id).values(active=False))
    assert "NIT-ANA" not in keys(network, run(network))
    network.execute(update(Location).where(Location.id == ana.id).values(active=True, urgency_24h=True))
    assert keys(network, run(network, at=sp, urgency_24h=True)) == ["NIT-ANA", "RIO-CLIN"]
    network.execute(delete(Location).where(Location.id == ana.id))
    assert "NIT-ANA" not in keys(network, run(network))


@backend_param
@pytest.mark.parametrize("plan", ["layers", "no-layers-spatial", "no-layers-driven", "product-driven"])
def test_every_plan_gives_the_same_answers(network, monkeypatch, plan):
    """Walking a specialty's layer, or (for a specialty without one) the whole index or the
    specialty's rows, reading a name's providers or a small product's memberships first or
    not: costs differ, answers not."""
    if plan.startswith("no-layers"):
        monkeypatch.setattr(search_sql, "SPECIALTY_LAYERS", ())
    if plan == "no-layers-spatial":
        monkeypatch.setattr(planner, "SELECTIVE_FACTOR", 0.0)
        monkeypatch.setattr(planner, "NAME_DRIVEN_CAP", 0)
    elif plan == "no-layers-driven":
        monkeypatch.setattr(planner, "SELECTIVE_FACTOR", 1e6)
    if plan == "product-driven":
        monkeypatch.setattr(planner, "PRODUCT_SPARSE_SHARE", 1e9)
        monkeypatch.setattr(planner, "NAME_DRIVEN_CAP", 0)
    else:
        monkeypatch.setattr(planner, "PRODUCT_SPARSE_SHARE", 0.0)
    assert keys(network, run(network, specialty="endodontia")) == ["NIT-ANA", "SG-MARIA"]
    assert keys(network, run(network, specialty="endodontia", at=PAULISTA, limit=1)) == ["NIT-ANA"]
    assert keys(network, run(network, urgency_24h=True, specialty="clinico-geral")) == ["RIO-CLIN"]
    assert keys(network, run(network, urgency_24h=True, specialty="ortodontia")) == []
    assert sorted(keys(network, run(network, name_query="zmuda"))) == ["SG-TWIN-A", "SG-TWIN-B"]
    assert keys(network, run(network, name_query="dr", at=PAULISTA, limit=1)) == ["RIO-COPA"]
    assert keys(network, run(network, name_query="sorriso carioca")) == ["RIO-CLIN"]
    area = CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES)
    assert keys(network, run(network, slug=SAO_CRISTOVAO, area=area, at=PAULISTA)) == ["SP-PAUL", "GRU-ONE", "SP-AWAY"]
    assert keys(network, run(network, slug=RJ_PRODUCT, area=CoverageArea.of_states({"RJ"}), at=PAULISTA,
                             wheelchair=True)) == ["RIO-CLIN", "NIT-ANA", "SG-MARIA"]


@backend_param
def test_a_pile_on_the_seat_is_ordered_by_name_across_pages(session, tmp_path):
    """Addresses that could not be geocoded sit on the municipality's seat: a municipality
    search meets them all at 0,0 km, ordered by name over every page."""
    seat = municipalities.get(NITEROI)
    rng = random.Random(5)
    first = ["Ana", "Álvaro", "bruno", "Célia", "Davi", "Érica", "Fábio", "gabriela", "Hugo", "Íris", "João"]
    rows = [provider(f"PILE-{i:02d}", f"{rng.choice(first)} {rng.choice(first)} {i}", place(NITEROI, seat.lat, seat.lon))
            for i in range(70)]
    rows.append(provider("NEAR-1", "Zé Perto", place(NITEROI, seat.lat + 0.0003, seat.lon)))  # ~0.03 km
    rows.append(provider("NEAR-2", "Abel Longe", place(NITEROI, seat.lat + 0.0020, seat.lon)))  # ~0.2 km
    _import(session, tmp_path, rows)
    pid = product_id(session, NATIONAL)
    expected = brute_force(session, pid, CoverageArea.national(), seat.lat, seat.lon, TODAY)
    assert len(expected) == 72
    got = []
    for offset in (0, 20, 40, 60):
        page = search_from_municipality(session, product_id=pid, area=CoverageArea.national(),
                                          ibge_code=NITEROI, today=TODAY, limit=20, offset=offset)
        got += [(r.distance_km, r.location_id) for r in page.results]
        assert page.has_more == (offset + 20 < 72)
    assert got == expected
    names = [key_of(session, i) for _, i in got]
    assert "NEAR-1" in names[:71] and names[-1] == "NEAR-2"  # 0,0 km like the pile, by name


@backend_param
def test_a_pile_on_the_seat_puts_verified_locations_first_on_every_page(session, tmp_path):
    """A pile too big to read whole for a page is ordered from its names and verification dates
    alone (read with the candidates): verified ones first, each part by name, over every page."""
    seat = municipalities.get(NITEROI)
    rng = random.Random(9)
    ages = [None, 3, 90, 179, 181, 400]
    rows = []
    for i in range(70):
        age = rng.choice(ages)
        rows.append(provider(f"PILE-{i:02d}", f"{rng.choice(['Ana', 'Bia', 'Caio', 'Davi'])} {i:02d}",
                             place(NITEROI, seat.lat, seat.lon),
                             verificado_em="" if age is None else (TODAY - timedelta(days=age)).isoformat()))
    _import(session, tmp_path, rows)
    pid = product_id(session, NATIONAL)
    expected = brute_force(session, pid, CoverageArea.national(), seat.lat, seat.lon, TODAY,
                           verified_since=VERIFIED_SINCE)
    got = []
    for offset in (0, 20, 40, 60):
        page = search_from_municipality(session, product_id=pid, area=CoverageArea.national(), ibge_code=NITEROI,
                                        today=TODAY, limit=20, offset=offset, verified_since=VERIFIED_SINCE)
        got += [(r.distance_km, r.location_id, r.stale) for r in page.results]
    assert [(d, i) for d, i, _ in got] == expected
    stale = [s for _, _, s in got]
    assert stale == sorted(stale) and 10 < stale.count(True) < 60  # verified ones, then the others


def test_the_name_pattern_is_a_plain_substring_of_the_folded_name():
    assert name_like(fold("José da Silva")) == "%jose da silva%"
    for hostile in ('"*:^()', "100%_", "NEAR(a b)"):
        with pytest.raises(AssertionError):
            name_like(hostile)  # only folded text gets here


def test_the_migration_has_a_layer_for_every_specialty():
    import importlib.util

    path = ROOT / "webapp/migrations/versions/0003_search_index.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SPECIALTY_LAYERS == SPECIALTY_LAYERS
    assert migration.URGENCY_LAYER == URGENCY_LAYER
    assert set(SPECIALTIES) <= set(SPECIALTY_LAYERS)


def index_entries(session) -> set[tuple[int, int]]:
    """(location id, layer) entries of the spatial index (PostgreSQL: layers 1+ only)."""
    if session.get_bind().dialect.name == "sqlite":
        return set(session.execute(text("SELECT id / 64, id % 64 FROM location_rtree")).all())
    return set(session.execute(text("SELECT location_id, layer FROM location_layer")).all())


def expected_entries(session) -> set[tuple[int, int]]:
    sqlite = session.get_bind().dialect.name == "sqlite"
    out = set()
    specialties = {}
    for pid, slug in session.execute(select(ProviderSpecialty.provider_id, ProviderSpecialty.specialty)):
        specialties.setdefault(pid, []).append(slug)
    for loc in session.scalars(select(Location).where(Location.active.is_(True))):
        if sqlite:
            out.add((loc.id, 0))
        if loc.urgency_24h:
            out.add((loc.id, URGENCY_LAYER))
        out.update((loc.id, 1 + SPECIALTY_LAYERS.index(slug)) for slug in specialties.get(loc.provider_id, ()))
    return out


@backend_param
def test_the_layers_follow_specialty_location_and_provider_changes(network, tmp_path):
    assert index_entries(network) == expected_entries(network)
    # José becomes an endodontist, Ana loses endodontia, Pedro's clinic gains urgency.
    changed = []
    for r in NETWORK:
        if r["provider_key"] == "NIT-JOSE":
            r = {**r, "specialties": "endodontia"}
        elif r["provider_key"] == "NIT-ANA":
            r = {**r, "specialties": "clinico-geral"}
        elif r["provider_key"] == "RIO-COPA":
            r = {**r, "urgency_24h": "sim"}
        if r["location_key"] != "NIT-DROP-B":
            changed.append(r)
    _import(network, tmp_path, changed, "rede3.csv")
    assert index_entries(network) == expected_entries(network)
    assert keys(network, run(network, specialty="endodontia")) == ["NIT-JOSE", "SG-MARIA"]
    assert keys(network, run(network, specialty="ortodontia")) == []
    assert keys(network, run(network, urgency_24h=True, at=(-22.9711, -43.1822))) == ["RIO-COPA", "RIO-CLIN"]
    network.execute(delete(Provider).where(Provider.key == "RIO-COPA"))  # cascades to its locations
    assert index_entries(network) == expected_entries(network)
    assert keys(network, run(network, specialty="homeopatia")) == []


# --------------------------------------------------------------------------- generated network


def brute_force(session, pid, area, lat, lon, today, specialty=None, name_query=None, urgency_24h=False,
                wheelchair=False, children=False, accepting_new=False, verified_since=None):
    """Every matching location (plain ORM query, no index logic) as (geodesic km, id), in
    result order (shown km, verified before stale when ``verified_since`` is given, name, id)."""
    m = NetworkMembership
    stmt = (select(Location.id, Location.latitude, Location.longitude, Location.uf, Location.municipality_ibge,
                   Provider.name, Location.verified_at)
            .join(Provider, Provider.id == Location.provider_id)
            .where(Location.active.is_(True),
                   exists().where(m.provider_id == Location.provider_id, m.product_id == pid, m.since <= today,
                                  or_(m.until.is_(None), m.until > today))))
    if specialty:
        stmt = stmt.where(exists().where(ProviderSpecialty.provider_id == Location.provider_id,
                                         ProviderSpecialty.specialty == specialty))
    for flag, column in ((urgency_24h, Location.urgency_24h), (wheelchair, Location.wheelchair_access),
                         (children, Location.sees_children)):
        if flag:
            stmt = stmt.where(column.is_(True))
    if accepting_new:
        stmt = stmt.where(Location.accepts_new_patients.is_(True))
    out = []
    for id_, la, lo, uf, code, name, verified_at in session.execute(stmt):
        if area.kind == "states" and uf not in area.states:
            continue
        if area.kind == "municipalities" and code not in area.municipalities:
            continue
        if name_query and fold(name_query) not in fold(name):
            continue
        stale = verified_since is not None and (verified_at is None or verified_at < verified_since)
        out.append((distance_km(lat, lon, la, lo), id_, name, stale))
    return [(d, id_) for d, id_, name, stale in sorted(out, key=lambda t: S.result_order(t[0], t[2], t[1], t[3]))]


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "network-2000.csv"
    generator = ROOT / "scripts/generate_network.py"
    if generator.exists():
        subprocess.run([sys.executable, str(generator), "--count", "2000", "--seed", "4242", "--out", str(out)],
                       check=True, capture_output=True)
        return out
    return _random_network(out, 2000, random.Random(4242))


def _random_network(out: Path, count: int, rng: random.Random) -> Path:
    """Fallback when the generator is absent: providers near population-weighted seats."""
    all_m = [m for m in municipalities.all_municipalities() if m.uf in ("RJ", "SP", "MS", "MG")]
    weights = [max(m.population, 1000) for m in all_m]
    rows = []
    slugs = [NATIONAL, OTHER, "sintaema-master", RJ_PRODUCT, SAO_CRISTOVAO, "cassems-odonto"]
    for i in range(count):
        m = rng.choices(all_m, weights)[0]
        specs = "|".join(rng.sample(sorted(SPECIALTIES), rng.choice([1, 1, 2])))
        rows.append(provider(f"R{i}", f"Prestador {rng.choice(['Ana', 'José', 'Clínica', 'Sorriso'])} {i}",
                             {"municipality_ibge": str(m.ibge_code), "latitude": "", "longitude": "", "uf": ""},
                             products="|".join(rng.sample(slugs, 2)), specialties=specs,
                             urgency_24h=rng.choice(["sim", "nao", "nao"]),
                             sees_children=rng.choice(["sim", "nao"])))
    return write_csv(out, rows)


def random_queries(session, n: int, seed: int):
    rng = random.Random(seed)
    products = list(session.scalars(select(Product).order_by(Product.slug)))
    areas = {p.slug: coverage_area(get_product(session, p.slug)) for p in products}
    all_m = municipalities.all_municipalities()
    weights = [max(m.population, 1) for m in all_m]
    specialties = sorted(SPECIALTIES)
    for _ in range(n):
        m = rng.choices(all_m, weights)[0]
        p = rng.choice(products)
        at_seat = rng.random() < 0.3  # a municipality search: from the seat, where piles are
        kw = {"product_id": p.id, "area": areas[p.slug], "lat": m.lat + (0 if at_seat else rng.gauss(0, 0.03)),
              "lon": m.lon + (0 if at_seat else rng.gauss(0, 0.03)), "limit": rng.choice([1, 5, 20]),
              "offset": rng.choice([0, 0, 7])}
        if rng.random() < 0.4:
            kw["specialty"] = rng.choice(specialties)
        if rng.random() < 0.15:
            kw["urgency_24h"] = True
        if rng.random() < 0.2:
            kw["wheelchair"] = True
        if rng.random() < 0.2:
            kw["children"] = True
        if rng.random() < 0.2:
            kw["name_query"] = rng.choice(["sorriso", "ana", "Sousa", "clínica", "odonto vida", "zz", "e"])
        if rng.random() < 0.15:
            kw["accepting_new"] = True
        if rng.random() < 0.7:  # the generated file's verification dates reach three years back
            kw["verified_since"] = VERIFIED_SINCE
        yield kw


@backend_param
def test_generated_network_matches_a_brute_force_ranking(session, generated_csv):
    report = import_network(session, generated_csv, today=TODAY)
    session.flush()
    assert report.accepted > 2000
    checked = 0
    for kw in random_queries(session, 50, seed=11):
        limit, offset = kw.pop("limit"), kw.pop("offset")
        expected = brute_force(session, kw["product_id"], kw["area"], kw["lat"], kw["lon"], TODAY,
                               kw.get("specialty"), kw.get("name_query"), kw.get("urgency_24h", False),
                               kw.get("wheelchair", False), kw.get("children", False),
                               kw.get("accepting_new", False), kw.get("verified_since"))
        page = search(session, today=TODAY, limit=limit, offset=offset, **kw)
        assert [(r.distance_km, r.location_id) for r in page.results] == expected[offset:offset + limit], kw
        assert page.has_more == (len(expected) > offset + limit), kw
        assert count_matches(session, product_id=kw["product_id"], area=kw["area"], today=TODAY,
                               **{k: v for k, v in kw.items() if k not in ("product_id", "area", "lat", "lon")}
                               ) == len(expected), kw
        checked += bool(expected)
    assert checked > 25  # most queries had answers


def test_sqlite_and_postgresql_return_the_same_providers_in_the_same_order(
    sqlite_engine, postgresql_engine, generated_csv
):
    answers = {}
    for name, engine in (("sqlite", sqlite_engine), ("postgresql", postgresql_engine)):
        with engine.connect() as conn:
            outer = conn.begin()
            try:
                session = Session(bind=conn, join_transaction_mode="create_savepoint")
                import_network(session, generated_csv, today=TODAY)
                session.flush()
                keys_of = dict(session.execute(
                    select(Location.id, Provider.key + "/" + Location.key).join(Provider)).all())
                got = []
                for kw in random_queries(session, 60, seed=23):
                    page = search(session, today=TODAY, **kw)
                    got.append(([(keys_of[r.location_id], r.distance_km) for r in page.results], page.has_more))
                answers[name] = got
                session.close()
            finally:
                outer.rollback()
    assert sum(1 for a, b in zip(answers["sqlite"], answers["postgresql"]) if a != b) == 0
    assert sum(len(a[0]) for a in answers["sqlite"]) > 200


def test_the_circle_read_holds_every_point_within_the_radius():
    """What the search reads for radius r (the bands of circle_cover, each point tested
    against the flat ellipse of lon_km_per_deg) holds every point of the area's box within r
    (geodesic) -- near and from far outside a small area, where the bound is tightest."""
    import numpy as np

    rng = random.Random(8)
    sc_box = area_geometry.search_bbox(CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES))
    rj_box = area_geometry.search_bbox(CoverageArea.of_states({"RJ"}))
    cases = [(sc_box, (-23.55, -46.63)), (sc_box, (-22.2, -50.9)), (sc_box, (-21.0, -45.0)),
             (sc_box, (-25.5, -48.6)), (rj_box, (-22.9, -43.2)), (rj_box, (-15.8, -47.9))]
    for box, origin in cases:
        s_, w, n, e = box
        lats = np.array([rng.uniform(s_, n) for _ in range(4000)])
        lons = np.array([rng.uniform(w, e) for _ in range(4000)])
        km = distances_km(origin[0], origin[1], lats, lons)
        for r in np.quantile(km, [0.001, 0.01, 0.05, 0.3]):
            r = float(r)
            inside = km <= r
            k = area_geometry.lon_km_per_deg(origin[0], r, box)
            ellipse = (lats - origin[0]) ** 2 * area_geometry.KM_PER_DEG_LAT ** 2 + (lons - origin[1]) ** 2 * k * k <= r * r
            assert ellipse[inside].all(), (origin, r)
            boxes, covered = area_geometry.circle_cover(origin[0], origin[1], r, box)
            if covered:
                continue
            in_boxes = np.zeros(len(lats), dtype=bool)
            for bs, bw, bn, be in boxes:
                in_boxes |= (lats >= bs) & (lats <= bn) & (lons >= bw) & (lons <= be)
            assert in_boxes[inside].all(), (origin, r)
            # ... and not much more: nothing beyond 2.5% of the radius + 0.5 km.
            assert (km[ellipse] <= 1.025 * r + 0.5).all(), (origin, r, km[ellipse].max())


@backend_param
def test_searches_from_far_outside_a_small_area_read_it_cell_by_cell(session, generated_csv, monkeypatch):
    """From hundreds of km away, São Cristóvão's six municipalities are read in grid cells,
    nearest first; the answers are the brute-force ones, pages included."""
    import_network(session, generated_csv, today=TODAY)
    session.flush()
    taken = []
    original = planner._far_cells

    def spy(*args):
        taken.append(original(*args))
        return taken[-1]

    monkeypatch.setattr(planner, "_far_cells", spy)
    monkeypatch.setattr(planner, "PRODUCT_SPARSE_SHARE", 0.0)  # this small network is not read whole
    pid = product_id(session, SAO_CRISTOVAO)
    area = CoverageArea.of_municipalities(SAO_CRISTOVAO_CODES)
    for lat, lon in [(-12.97, -38.50), (-3.12, -60.02), (-30.03, -51.23), (-22.2, -50.9), (-15.8, -47.9)]:
        expected = brute_force(session, pid, area, lat, lon, TODAY)
        assert expected
        for limit, offset in ((20, 0), (5, 7), (1, 0)):
            page = search(session, product_id=pid, area=area, lat=lat, lon=lon, today=TODAY,
                            limit=limit, offset=offset)
            assert [(r.distance_km, r.location_id) for r in page.results] == expected[offset:offset + limit]
            assert page.has_more == (len(expected) > offset + limit)
    assert taken and all(taken)
