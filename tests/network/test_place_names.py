"""Forgiving place names through HTTP, on SQLite and PostgreSQL: the search page ("Qual …?",
"Você quis dizer …?") and the htmx suggestions, with the plan's coverage area first."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.support.databases import BACKENDS
from tests.support.places import TYPED_PLACES
from webapp.geo import municipalities

LEVE = "leve-dental-rj-1-adesao"  # RJ only
NATIONAL = "sintaema-convencional"
SAO_CRISTOVAO = "sao-cristovao-odontologico"  # six municipalities of greater São Paulo
HX = {"HX-Request": "true", "HX-Target": "sugestoes-cidade"}
OUTSIDE = "fora da área do plano"


def label_of(href: str) -> str:
    return municipalities.get(parse_qs(urlparse(href).query)["municipio"][0]).label


def choice_links(page):
    return page.select("#escolha a.go-place-choice__link")


def suggestion_links(client, typed: str, plano: str = LEVE):
    response = client.get(f"/rede/municipios?cidade={quote(typed)}&plano={plano}", headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    return BeautifulSoup(body, "html.parser").select("a.go-suggestions__link"), body


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_typed_place_names_on_the_search_page_and_in_the_suggestions(client):
    wrong = []
    for row in TYPED_PLACES:
        response = client.get(f"/rede?plano={LEVE}&especialidade=endodontia&cidade={quote(row.typed)}")
        if row.exact:
            # an exact match: straight to its results, the rest of the search kept
            got = response.status_code == 303 and label_of(response.headers["Location"])
            if got != row.expected or "especialidade=endodontia" not in response.headers["Location"]:
                wrong.append((row.typed, "page", response.status_code, got))
        else:
            # a similar name: offered, never taken
            page = client.page(f"/rede?plano={LEVE}&especialidade=endodontia&cidade={quote(row.typed)}")
            links = choice_links(page)
            heading = page.select_one("#escolha-title").get_text(" ", strip=True)
            first = links[0] if links else None
            if (first is None or first.get_text(strip=True) != row.expected or label_of(first["href"]) != row.expected
                    or "Você quis dizer" not in heading or f"plano={LEVE}" not in first["href"]
                    or "especialidade=endodontia" not in first["href"]):
                wrong.append((row.typed, "page", heading, first))
        links, _ = suggestion_links(client, row.typed)
        if not links or links[0].contents[0].strip() != row.expected or label_of(links[0]["href"]) != row.expected:
            wrong.append((row.typed, "suggestions", links[:1]))
    assert wrong == []


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_you_meant_links_to_that_search(client):
    page = client.page(f"/rede?plano={LEVE}&cidade=niteroy&urgencia=1")
    heading = page.select_one("#escolha-title")
    assert heading.get_text(" ", strip=True) == "Você quis dizer Niterói/RJ ?"
    assert OUTSIDE not in page.select_one("#escolha").get_text()
    target = heading.a["href"]
    assert parse_qs(urlparse(target).query) == {"plano": [LEVE], "municipio": ["3303302"], "urgencia": ["1"]}
    results = client.page(target)
    assert results.h1.get_text(strip=True) == "Dentistas perto de Niterói/RJ"
    # the typed text is kept in the field, to be corrected by hand
    assert page.select_one("input[name=cidade]")["value"] == "niteroy"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_candidates_outside_the_plans_area_are_marked(client):
    page = client.page(f"/rede?plano={LEVE}&cidade=sao+paolo")
    assert OUTSIDE in page.select_one("#escolha").get_text()
    page = client.page(f"/rede?plano={SAO_CRISTOVAO}&cidade=sao+paolo")
    assert choice_links(page)[0].get_text(strip=True) == "São Paulo/SP"
    assert OUTSIDE not in page.select_one("#escolha").get_text()
    # No plan yet: the page asks for it first (the plan's area orders the names), nothing is marked.
    response = client.get("/rede?cidade=sao+paolo")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Escolha o seu plano para ver os dentistas da rede em “sao paolo”." in text and OUTSIDE not in text


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize("typed", ["campo grande", "campo grnde", "campo grande rj"])
def test_campo_grande_with_a_rio_plan(client, typed):
    page = client.page(f"/rede?plano={LEVE}&cidade={quote(typed)}")
    items = page.select("#escolha li")
    assert {li.a.get_text(strip=True) for li in items} == {"Campo Grande/MS", "Campo Grande/AL",
                                                            "Augusto Severo (Campo Grande)/RN"}
    assert all(OUTSIDE in li.get_text() for li in items)
    # Rio's Campo Grande is a neighbourhood, not a municipality: the page says to search its city.
    hint = page.select_one("#escolha p:last-child")
    assert "bairro" in hint.get_text() and label_of(hint.a["href"]) == "Rio de Janeiro/RJ"
    assert f"plano={LEVE}" in hint.a["href"]
    # A national plan: all inside, nothing marked, no hint; MS first (most populous).
    page = client.page(f"/rede?plano={NATIONAL}&cidade={quote(typed)}")
    assert choice_links(page)[0].get_text(strip=True) == "Campo Grande/MS"
    assert OUTSIDE not in page.select_one("#escolha").get_text() and "bairro" not in page.get_text()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_suggestions_put_the_plans_area_first_and_offer_similar_names(client):
    links, _ = suggestion_links(client, "campo")
    assert links[0].contents[0].strip() == "Campos dos Goytacazes/RJ" and OUTSIDE not in links[0].get_text()
    assert all(OUTSIDE in a.get_text() for a in links[1:]) and len(links) == 8
    links, body = suggestion_links(client, "rio de janiero")
    assert "Você quis dizer" in body and [a.get_text(strip=True) for a in links] == ["Rio de Janeiro/RJ"]
    # no plan: no marks; the plain page works without htmx too
    links, _ = suggestion_links(client, "campo", plano="")
    assert links[0].get_text(strip=True) == "Campo Grande/MS" and all(OUTSIDE not in a.get_text() for a in links)
    page = client.page("/rede/municipios?cidade=niteroy")
    assert page.select_one("a[href*='municipio=3303302']") is not None and "Você quis dizer" in page.get_text()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_hostile_place_names_never_fail(client):
    for typed, status in [("x" * 100, 400), ("a" * 5000, 400), ("niteroi\x00", 400), ("３３", 400), ("٣٣٣", 400),
                          ("𝟕𝟕𝟕", 400), ("\u202eioretin", 400), ("🦷" * 100, 400), ("ni" * 50, 400)]:
        response = client.get(f"/rede?plano={LEVE}&cidade={quote(typed)}")
        assert response.status_code == status, (typed, response.status_code)
        assert client.get(f"/rede/municipios?cidade={quote(typed)}&plano={LEVE}", headers=HX).status_code == 200
    # look-alike digits read as the letters they stand for
    page = client.page(f"/rede?plano={LEVE}&cidade=n1ter0i")
    assert choice_links(page)[0].get_text(strip=True) == "Niterói/RJ"
