"""Results first, on a 390×844 phone with the generated demo network: after a municipality search,
a location search and an agent's short link, the first result starts on the first screen (with
and without JavaScript); the "Qual 'campo grande'?" choice too; "Usar minha localização" without a
plan says what is missing; "Informar erro" answers where the form was, focused."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations
from webapp.agents.demo import create_demo_agents
from webapp.agents.models import Agent
from webapp.agents.services import create_short_link
from webapp.core import clock
from webapp.network.models import Location

LEVE = "leve-dental-rj-1-adesao"
NITEROI_POINT = {"latitude": -22.9035, "longitude": -43.1094}  # Icaraí, Niterói
SCREEN = {"width": 390, "height": 844}


@pytest.fixture(scope="module", autouse=True)
def _network(demo_network):
    """The generated demo network (tests/browser/conftest.py)."""


@pytest.fixture
def phone(browser, request):
    """A phone page; ``javascript`` (parametrized) on or off; it may use its location (Icaraí)."""
    javascript = getattr(request, "param", True)
    context = browser.new_context(viewport=SCREEN, locale="pt-BR", geolocation=NITEROI_POINT,
                                  permissions=["geolocation"], java_script_enabled=javascript)
    yield context.new_page()
    context.close()


def on_first_screen(page, locator) -> None:
    """*locator*'s top edge lies on the screen as it is now, with its first line showing."""
    locator.wait_for()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] and box["y"] + 24 <= height, (box, height)


def first_result_on_first_screen(page) -> None:
    assert page.evaluate("window.scrollY") == 0  # nothing scrolled: the first screen
    on_first_screen(page, page.locator(".go-result").first)
    assert not page.locator("#buscar").is_visible()  # the form waits, folded
    assert page.locator(".go-search-fold summary").is_visible()


@pytest.mark.parametrize("phone", [True, False], ids=["js", "no-js"], indirect=True)
def test_a_municipality_search_answers_on_the_first_screen(phone, live_server):
    page = phone
    page.goto(f"{live_server}/rede")
    page.select_option("#plano", LEVE)
    page.fill("#cidade", "Niterói")
    page.select_option("#especialidade", "endodontia")
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url(re.compile(r".*municipio=3303302.*"))
    first_result_on_first_screen(page)
    summary = page.locator(".go-search-fold summary")
    assert " ".join(summary.inner_text().split()) == "Endodontia · perto de Niterói/RJ · LEVE DENTAL RJ 1 Adesão — Alterar a busca"
    summary.click()  # "Alterar": the form opens, as it was filled
    assert page.locator("#plano").is_visible() and page.locator("#cidade").input_value() == "Niterói/RJ"


def test_a_location_search_answers_on_the_first_screen(phone, live_server):
    page = phone
    page.goto(f"{live_server}/rede")
    page.select_option("#plano", LEVE)
    page.get_by_role("button", name="Usar minha localização").click()
    page.wait_for_url(re.compile(r".*lat=-22\.9035.*"))
    first_result_on_first_screen(page)
    assert "perto de você, em Niterói/RJ" in page.locator(".go-search-fold summary").inner_text()


@pytest.mark.parametrize("phone", [False], ids=["no-js"], indirect=True)
def test_a_location_search_link_answers_on_the_first_screen_without_javascript(phone, live_server):
    phone.goto(f"{live_server}/rede?plano={LEVE}&lat=-22.90350&lon=-43.10940")
    first_result_on_first_screen(phone)


@pytest.fixture(scope="module")
def short_link(live_engine):
    with Session(live_engine) as session:
        create_demo_agents(session)
        agent = session.scalars(select(Agent).order_by(Agent.id)).first()
        link = create_short_link(session, agent, "busca", f"/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia",
                                 "Dentistas de Endodontia perto de Niterói/RJ", 30, clock.utcnow())
        session.commit()
        return link.code


@pytest.mark.parametrize("phone", [True, False], ids=["js", "no-js"], indirect=True)
def test_an_agents_short_link_answers_on_the_first_screen(phone, live_server, short_link):
    phone.goto(f"{live_server}/s/{short_link}")
    phone.wait_for_url(re.compile(r".*/rede\?plano=.*municipio=3303302.*"))
    first_result_on_first_screen(phone)


@pytest.mark.parametrize("phone", [True, False], ids=["js", "no-js"], indirect=True)
def test_the_choice_of_campo_grande_is_on_the_first_screen(phone, live_server):
    page = phone
    page.goto(f"{live_server}/rede?plano={LEVE}")
    page.fill("#cidade", "campo grande")
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url(re.compile(r".*cidade=campo.*"))
    assert page.evaluate("window.scrollY") == 0
    on_first_screen(page, page.locator("#escolha-title"))
    on_first_screen(page, page.locator("section[aria-labelledby=escolha-title] li a").first)


def test_my_location_without_a_plan_says_what_is_missing_and_stays(phone, live_server):
    page = phone
    page.goto(f"{live_server}/rede")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Usar minha localização").click()
    message = page.locator("#plano-falta")
    assert message.is_visible() and "Escolha o seu plano" in message.inner_text()
    assert page.evaluate("document.activeElement.id") == "plano"
    assert "plano-falta" in page.locator("#plano").get_attribute("aria-describedby")
    assert page.evaluate("window.__samePage") is True and page.url == f"{live_server}/rede"
    on_first_screen(page, message)
    assert_no_axe_violations_here(page)
    page.select_option("#plano", LEVE)
    assert not message.is_visible()
    page.get_by_role("button", name="Usar minha localização").click()
    page.wait_for_url(re.compile(r".*lat=-22\.9035.*"))
    first_result_on_first_screen(page)


@pytest.mark.parametrize("phone", [False], ids=["no-js"], indirect=True)
def test_a_location_without_a_plan_waits_for_the_plan_without_javascript(phone, live_server):
    page = phone
    response = page.goto(f"{live_server}/rede?lat=-22.90350&lon=-43.10940&plano=")
    assert response.status == 400
    on_first_screen(page, page.locator(".go-error-summary"))
    assert "Escolha o seu plano" in page.locator(".go-error-summary").inner_text()
    page.select_option("#plano", LEVE)
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url(re.compile(r".*lat=-22\.90350.*"))
    assert f"plano={LEVE}" in page.url
    first_result_on_first_screen(page)


def assert_no_axe_violations_here(page) -> None:
    """axe on the page as it is (axe is injected inline: a CSP-free copy of the same state)."""
    context = page.context.browser.new_context(viewport=page.viewport_size, locale="pt-BR", bypass_csp=True)
    copy = context.new_page()
    copy.goto(page.url)
    if page.locator("#plano-falta").is_visible():
        copy.get_by_role("button", name="Usar minha localização").click()
        copy.locator("#plano-falta").wait_for()
    assert_no_axe_violations(copy)
    context.close()


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("path", [
    f"/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia",
    f"/rede?plano={LEVE}&lat=-22.90350&lon=-43.10940",
    f"/rede?plano={LEVE}&cidade=campo+grande",
    "/rede?lat=-22.90350&lon=-43.10940",
])
def test_axe_finds_nothing_folded_or_open(browser, live_server, path, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="pt-BR", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + path)
    assert_no_axe_violations(page)
    fold = page.locator(".go-search-fold summary")
    if fold.count():
        fold.click()
        page.locator("#plano").wait_for()
        assert_no_axe_violations(page)
    context.close()


# --- "Informar erro" ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def provider_with_two_places(live_engine):
    with Session(live_engine) as session:
        return session.scalars(select(Location.provider_id).where(Location.active.is_(True))
                               .group_by(Location.provider_id).having(func.count() > 1)
                               .order_by(Location.provider_id)).first()


@pytest.mark.parametrize("phone", [True, False], ids=["js", "no-js"], indirect=True)
def test_a_report_is_answered_where_it_was_sent(phone, live_server, provider_with_two_places):
    page = phone
    page.goto(f"{live_server}/rede/dentista/{provider_with_two_places}")
    javascript = page.locator("html.js-enabled").count() == 1
    if javascript:
        page.evaluate("window.__samePage = true")
    section = page.locator("#informar-erro")
    section.get_by_label("Endereço errado").check()
    places = section.locator("select[name=local] option")
    assert places.count() >= 3  # "Não sei", then each address
    section.locator("select[name=local]").select_option(index=2)
    section.get_by_role("button", name="Enviar").click()
    answer = page.locator("#erro-enviado")
    answer.wait_for()
    on_first_screen(page, answer)
    assert "Obrigado!" in answer.inner_text()
    assert page.locator("#informar-erro form").count() == 0
    if javascript:  # htmx: the section swapped, the page kept, focus moved
        assert page.evaluate("window.__samePage") is True
        assert page.evaluate("document.activeElement.id") == "erro-enviado"
    else:  # post/redirect/get to the answer's anchor
        assert page.url.endswith("?enviado=1#erro-enviado")
