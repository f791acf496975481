"""A provider's page opened from a search result (issue 16, item 3): the URL carries the search, so
the page gives each location's distance from the search's origin, the nearest first, map pins
numbered as the list, and "Voltar aos resultados" to that same search. A search that is not
valid is ignored (the page is the provider's all the same), never a 5xx. On both databases."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from webapp.geo import municipalities
from webapp.geo.distance import distance_km
from webapp.network.importer import import_network
from webapp.network.presenters import km
from webapp.network.models import Provider

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

LEVE = "leve-dental-rj-1-adesao"
NITEROI, MAGE = "3303302", "3302502"
NAME = "Dr. Mário Duas Cidades"


@pytest.fixture
def two_cities(session, tmp_path, small_network):
    """One dentist in two places, Magé listed first by the operator (its location key sorts first)."""
    common = dict(provider_key="M1", name=NAME, specialties="endodontia", products=LEVE, network_since="2025-01-01",
                  cro_number="55555", whatsapp="(21) 97777-1234")
    rows = [
        row(**common, location_key="M1-A", street="Rua da Praia", number="10", complement="", neighbourhood="Centro",
            cep="25900-000", municipality_ibge=MAGE, latitude="-22.6632", longitude="-43.0315"),
        row(**common, location_key="M1-B", street="Rua Gavião Peixoto", number="50", complement="",
            neighbourhood="Icaraí", cep="24230-100", municipality_ibge=NITEROI, latitude="-22.8990",
            longitude="-43.1150"),
    ]
    report = import_network(session, write_csv(tmp_path / "duas.csv", rows), today=TODAY)
    assert report.rejects == [], report.rejects
    session.flush()
    return session.scalar(select(Provider.id).where(Provider.key == "M1"))


def location_titles(page):
    return [h.get_text(" ", strip=True) for h in page.select(".go-location__title")]


def pins(page):
    return [(g.select_one("text").get_text(), g.select_one("title").get_text()) for g in page.select(".go-map g.geo-pin")]


def test_opened_from_a_result_the_page_keeps_the_search(client, two_cities):
    search = f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia"
    results = client.page(search)
    result = next(li for li in results.select(".go-result") if li.select_one(".go-result__name a").get_text() == NAME)
    href = result.select_one(".go-result__name a")["href"]
    parts = urlsplit(href)
    assert parts.path.startswith(f"/rede/dentista/{two_cities}-")
    assert parse_qs(parts.query) == {"plano": [LEVE], "municipio": [NITEROI], "especialidade": ["endodontia"]}

    page = client.page(href)
    back = page.select_one(".go-breadcrumb a")
    assert back.get_text(strip=True) == "Voltar aos resultados"
    assert back["href"] == f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia#resultados"
    assert results.find(id="resultados") is not None  # where the way back lands
    # The nearest location first (the operator lists Magé first), each with its distance.
    titles = location_titles(page)
    assert "Rua Gavião Peixoto" in titles[0] and "Rua da Praia" in titles[1]
    distances = [p.get_text(" ", strip=True) for p in page.select(".go-location__distance")]
    shown = result.select_one(".go-result__distance strong").get_text()
    assert distances[0] == f"{shown} do centro de Niterói/RJ"  # the result's own figure
    seat = municipalities.get(int(NITEROI))
    assert distances[1] == f"{km(distance_km(seat.lat, seat.lon, -22.6632, -43.0315))} do centro de Niterói/RJ"
    assert "Do mais perto ao mais longe do centro de Niterói/RJ" in page.get_text(" ")
    # Pins numbered as the list, and the search's origin marked apart.
    assert [number for number, _ in pins(page)] == ["2", "1"]  # pin 1 drawn last, on top
    assert dict(pins(page))["1"].startswith("1. Rua Gavião Peixoto")
    assert [n.get_text() for n in page.select(".go-location__number")] == ["1", "2"]
    assert page.select_one(".go-map path.geo-origin title").get_text() == "o centro de Niterói/RJ"
    assert "numerados como a lista" in page.select_one(".go-map svg title").get_text()


def test_a_point_search_counts_from_its_point_and_keeps_its_page(client, two_cities):
    page = client.page(f"/rede/dentista/{two_cities}-x?plano={LEVE}&lat=-22.66000&lon=-43.03000&pagina=2",
                       follow_redirects=True)
    titles = location_titles(page)
    assert "Rua da Praia" in titles[0]  # Magé is the nearer one now
    assert page.select(".go-location__distance")[0].get_text(" ", strip=True).endswith("do local da busca")
    back = urlsplit(page.select_one(".go-breadcrumb a")["href"])
    assert parse_qs(back.query) == {"plano": [LEVE], "lat": ["-22.66000"], "lon": ["-43.03000"], "pagina": ["2"]}


def test_the_canonical_redirect_keeps_the_search(client, two_cities):
    response = client.get(f"/rede/dentista/{two_cities}?plano={LEVE}&municipio={NITEROI}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"?plano={LEVE}&municipio={NITEROI}")


def test_without_a_search_the_page_lists_the_locations_as_the_operator_does(client, two_cities):
    page = client.page(f"/rede/dentista/{two_cities}", follow_redirects=True)
    assert "Rua da Praia" in location_titles(page)[0]
    assert page.select(".go-location__distance") == []
    assert page.select_one(".go-breadcrumb a")["href"] == "/rede"
    assert page.select(".go-map path.geo-origin") == []


@pytest.mark.parametrize("query", [
    f"plano={LEVE}&municipio=%C2%B2",  # a look-alike digit
    f"plano={LEVE}&municipio=99999999999999999999",
    f"plano=plano-x&municipio={NITEROI}",
    f"municipio={NITEROI}",  # no plan: not a search
    f"plano={LEVE}",  # no place
    f"plano={LEVE}&lat=10&lon=10",  # outside Brazil: the search itself refuses it
    f"plano={LEVE}&lat=-22.9&lon=",
    f"plano={LEVE}&lat=nan&lon=nan",
    f"plano={LEVE}&municipio={NITEROI}&pagina=%00",
    f"plano={LEVE}&municipio={NITEROI}&q=%0d%0aSet-Cookie:x=1",
])
def test_a_search_that_is_not_valid_is_ignored(client, two_cities, query):
    page = client.page(f"/rede/dentista/{two_cities}-dr-mario-duas-cidades?{query}")
    assert page.select_one(".go-breadcrumb a").get_text(strip=True) == "Buscar dentista"
    assert page.select(".go-location__distance") == []
    assert "Rua da Praia" in location_titles(page)[0]
