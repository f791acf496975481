"""Directions that open on every phone (issue 16, items 2 and 7): https map links carrying the
address (Google Maps' documented cross-platform URL) and the point (OpenStreetMap), from the
configured templates; WhatsApp links that open with a message naming the plan; a result with
one row of actions, the rest on the provider's page."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.support.network import NITEROI as NITEROI_ROW
from webapp.config import ConfigurationError, load_config
from webapp.network import presenters

LEVE = "leve-dental-rj-1-adesao"
NITEROI = NITEROI_ROW["municipality_ibge"]
ANA_ADDRESS = "Rua Moreira César, 100, Icaraí, Niterói - RJ, 24230-052"  # every row of small_network
LEVE_MESSAGE = "Olá! Encontrei vocês no Guia Odonto. Vocês atendem pelo plano LEVE DENTAL RJ 1 Adesão?"


def shown_text(link) -> str:
    """What a link shows on screen (a phone kept on one line is in a span), without the words
    only screen readers hear."""
    return "".join(t for t in link.find_all(string=True) if not t.find_parent(class_="go-visually-hidden")).strip()


def first_result(client, query=""):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia{query}")
    return page.select_one(".go-result")


def whatsapp_parts(href):
    parts = urlsplit(href)
    assert parts.scheme == "https" and parts.netloc == "wa.me"
    return parts.path.strip("/"), parse_qs(parts.query)["text"][0]


def test_a_result_has_one_row_of_actions_that_open_on_every_phone(client, small_network):
    result = first_result(client)
    actions = result.select(".go-actions a")
    assert [shown_text(a) for a in actions] == ["Ligar", "WhatsApp", "Como chegar"]
    hrefs = [a["href"] for a in result.select("a")]
    assert not any(h.startswith("geo:") for h in hrefs)
    assert result.select(".js-share") == [] and "openstreetmap" not in str(result)  # on the provider page
    assert "Atualizado em" in result.get_text()

    directions = urlsplit(actions[2]["href"])
    assert (directions.scheme, directions.netloc, directions.path) == ("https", "www.google.com", "/maps/search/")
    assert parse_qs(directions.query) == {"api": ["1"], "query": [ANA_ADDRESS]}

    number, text = whatsapp_parts(actions[1]["href"])
    assert number == "5521998765432" and text == LEVE_MESSAGE


def test_the_provider_page_has_directions_the_plain_map_and_a_whatsapp_message(client, small_network):
    pid = small_network["N1"]  # Dra. Ana Endo: in LEVE only, at the seat of Niterói
    page = client.page(f"/rede/dentista/{pid}-dra-ana-endo")
    links = {shown_text(a): a["href"] for a in page.select(".go-location .go-actions a")}
    assert links["Ver no OpenStreetMap"] == (
        "https://www.openstreetmap.org/?mlat=-22.903500&mlon=-43.109400#map=17/-22.903500/-43.109400")
    assert parse_qs(urlsplit(links["Como chegar"]).query)["query"] == [ANA_ADDRESS]
    # Its only plan is named even without a search.
    assert whatsapp_parts(links["WhatsApp (21) 99876-5432"])[1] == LEVE_MESSAGE
    assert not any(h.startswith("geo:") for h in links.values())


def test_the_whatsapp_message_names_the_searched_plan_or_none_when_it_cannot_tell(client, small_network):
    pid = small_network["N3"]  # Clínica Icaraí: LEVE and SINTAEMA MASTER
    page = client.page(f"/rede/dentista/{pid}-clinica-icarai")
    href = page.select_one(".go-location a[href^='https://wa.me/']")["href"]
    assert whatsapp_parts(href)[1] == "Olá! Encontrei vocês no Guia Odonto."
    page = client.page(f"/rede/dentista/{pid}-clinica-icarai?plano=sintaema-master&municipio={NITEROI}")
    href = page.select_one(".go-location a[href^='https://wa.me/']")["href"]
    assert whatsapp_parts(href)[1] == "Olá! Encontrei vocês no Guia Odonto. Vocês atendem pelo Plano MASTER?"


def test_map_links_come_from_the_configuration_never_the_host(app, client, small_network):
    app.config["MAP_DIRECTIONS_URL"] = "https://maps.exemplo.com.br/rota?para={address}&ponto={lat},{lon}"
    app.config["MAP_OSM_URL"] = "https://osm.exemplo.com.br/#19/{lat}/{lon}"
    results = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia",
                          headers={"Host": "evil.example"}).select(".go-result")
    result = next(li for li in results if li.select_one(".go-result__name a").get_text() == "Dra. Ana Endo")
    href = result.select_one("a[href^='https://maps.exemplo.com.br/']")["href"]
    assert unquote(href) == f"https://maps.exemplo.com.br/rota?para={ANA_ADDRESS}&ponto=-22.903500,-43.109400"
    page = client.page(f"/rede/dentista/{small_network['N1']}-dra-ana-endo", headers={"Host": "evil.example"})
    assert page.select_one("a[href^='https://osm.exemplo.com.br/']")["href"] == (
        "https://osm.exemplo.com.br/#19/-22.903500/-43.109400")
    assert "evil.example" not in str(page.select(".go-location"))


@pytest.mark.parametrize("name", ["MAP_DIRECTIONS_URL", "MAP_OSM_URL"])
@pytest.mark.parametrize("value", [
    "http://maps.exemplo.com.br/?q={address}",  # not https
    "https:///?q={address}",  # no host
    "https://maps.exemplo.com.br/?q={endereco}",  # an unknown placeholder
    "https://maps.exemplo.com.br/?q={0}",
    "https://maps.exemplo.com.br/?q={address.__class__}",
    "https://maps.exemplo.com.br/?q={address",  # not a template
    "https://maps.exemplo.com.br/",  # nothing of the place
    "javascript:alert(1)//{address}",
])
def test_a_map_template_that_is_not_one_is_refused(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"{name} inválido"):
        load_config(str(tmp_path), "testing")


def test_default_and_configured_map_templates(monkeypatch, tmp_path):
    settings = load_config(str(tmp_path), "testing")
    assert settings.MAP_DIRECTIONS_URL == "https://www.google.com/maps/search/?api=1&query={address}"
    assert settings.MAP_OSM_URL.startswith("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}")
    monkeypatch.setenv("MAP_DIRECTIONS_URL", "https://maps.apple.com/?q={address}&ll={lat},{lon}")
    assert load_config(str(tmp_path), "testing").MAP_DIRECTIONS_URL == "https://maps.apple.com/?q={address}&ll={lat},{lon}"


class Place:
    def __init__(self, **fields):
        base = dict(street="Estrada do Contorno", number=None, neighbourhood=None, cep=None,
                    municipality_ibge=3302502, latitude=-22.6632, longitude=-43.0315)
        self.__dict__.update(base | fields)


def test_the_address_a_map_is_asked_for():
    assert presenters.map_address(Place()) == "Estrada do Contorno, Magé - RJ"
    assert presenters.map_address(Place(number="s/n", neighbourhood="Piabetá", cep="25931000")) == (
        "Estrada do Contorno, s/n, Piabetá, Magé - RJ, 25931-000")
    links = presenters.MapLinks("https://m.example/?q={address}", "https://o.example/{lat}/{lon}")
    assert links.directions(Place(street="Rua A & B #1 ?x=y")) == "https://m.example/?q=Rua%20A%20%26%20B%20%231%20%3Fx%3Dy%2C%20Mag%C3%A9%20-%20RJ"
    assert links.osm(Place()) == "https://o.example/-22.663200/-43.031500"


def test_a_whatsapp_number_that_is_not_one_gets_no_link():
    assert presenters.whatsapp_url("(21) 99876-5432", "Olá") == "https://wa.me/5521998765432?text=Ol%C3%A1"
    assert presenters.whatsapp_url(None, "Olá") is None
    assert presenters.whatsapp_url("9876-5432", "Olá") is None
