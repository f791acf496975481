"""The dentist search in a real browser (390×844), with the generated demo network."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.browser import assert_no_axe_violations
from webapp.geo import locate

LEVE = "leve-dental-rj-1-adesao"
NITEROI_POINT = {"latitude": -22.9035, "longitude": -43.1094}  # Icaraí, Niterói
SAO_PAULO_POINT = {"latitude": -23.5505, "longitude": -46.6333}  # Praça da Sé


@pytest.fixture(scope="module", autouse=True)
def _network(demo_network):
    """The generated demo network (tests/browser/conftest.py), once for every search module."""


def geo_page(browser, where, javascript=True):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR", geolocation=where,
                                  permissions=["geolocation"], java_script_enabled=javascript)
    return context, context.new_page()


def result_distances(page):
    texts = page.locator(".go-result__distance strong").all_inner_texts()
    return [float(t.replace(" km", "").replace(".", "").replace(",", ".")) for t in texts]


def test_geolocated_search_in_niteroi_load_more_and_reload(browser, live_server):
    context, page = geo_page(browser, NITEROI_POINT)
    page.goto(f"{live_server}/rede")
    page.select_option("#plano", LEVE)
    page.select_option("#especialidade", "endodontia")
    page.get_by_role("button", name="Usar minha localização").click()
    page.wait_for_url(re.compile(r".*lat=-22\.9035.*"))
    query = parse_qs(urlparse(page.url).query)
    assert query["plano"] == [LEVE] and query["especialidade"] == ["endodontia"]
    assert page.locator("h1").inner_text().startswith("Dentistas perto de Niterói/RJ")
    assert page.locator(".go-result").count() == 20
    distances = result_distances(page)
    assert distances == sorted(distances)
    for address in page.locator(".go-result__address").all_inner_texts():
        assert address.strip().splitlines()[-1].split(" · ")[0].split(", ")[-1].endswith("/RJ")

    page.evaluate("window.__sameDocument = true")  # vanishes on a full reload
    page.get_by_role("link", name="Carregar mais").click()
    page.locator(".go-result").nth(20).wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert "pagina=2" in page.url
    names = page.locator(".go-result__name").all_inner_texts()
    all_distances = result_distances(page)
    assert all_distances == sorted(all_distances)

    page.reload()
    assert page.locator(".go-result__name").all_inner_texts() == names
    page.go_back()
    page.wait_for_url(lambda url: "pagina=2" not in url)
    context.close()


def test_same_search_without_javascript_works_through_plain_links(browser, live_server):
    context, page = geo_page(browser, NITEROI_POINT, javascript=False)
    page.goto(f"{live_server}/rede")
    assert not page.get_by_role("button", name="Usar minha localização").is_visible()
    page.select_option("#plano", LEVE)
    page.fill("#cidade", "Niterói")
    page.select_option("#especialidade", "endodontia")
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url(re.compile(r".*municipio=3303302.*"))
    assert page.locator(".go-result").count() == 20
    page.get_by_role("link", name="Carregar mais").click()
    page.wait_for_url(re.compile(r".*pagina=2.*"))
    assert page.locator(".go-result").count() > 20
    distances = result_distances(page)
    assert distances == sorted(distances)
    context.close()


def test_sao_paulo_location_with_leve_shows_the_out_of_area_message(browser, live_server):
    assert locate.municipality_at(SAO_PAULO_POINT["latitude"], SAO_PAULO_POINT["longitude"]).municipality.ibge_code == 3550308
    context, page = geo_page(browser, SAO_PAULO_POINT)
    page.goto(f"{live_server}/rede?plano={LEVE}")
    page.get_by_role("button", name="Usar minha localização").click()
    page.wait_for_url(re.compile(r".*lat=-23\.55.*"))
    notice = page.locator(".go-notice--warning")
    assert "fora da área do plano" in notice.inner_text()
    context.close()


def test_typing_a_city_shows_suggestions(browser, live_server):
    context, page = geo_page(browser, NITEROI_POINT)
    page.goto(f"{live_server}/rede?plano={LEVE}")
    page.locator("#cidade").press_sequentially("niter", delay=30)
    suggestion = page.locator("#sugestoes-cidade a", has_text="Niterói/RJ")
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_url(re.compile(r".*municipio=3303302.*"))
    assert page.locator(".go-result").count() > 0
    context.close()


@pytest.mark.parametrize("path", [
    "/rede",
    f"/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia",
    f"/rede?plano={LEVE}&municipio=3550308",
    f"/rede?plano={LEVE}&municipio=3303302&pagina=0",
    f"/rede/alteracoes?plano={LEVE}",
])
def test_axe_finds_nothing_on_search_pages(axe_page, live_server, path):
    axe_page.goto(live_server + path)
    assert_no_axe_violations(axe_page)


def test_axe_finds_nothing_on_a_provider_page(axe_page, live_server):
    axe_page.goto(f"{live_server}/rede?plano={LEVE}&municipio=3303302")
    axe_page.locator(".go-result__name a").first.click()
    axe_page.wait_for_url(re.compile(r".*/rede/dentista/\d+-.*"))
    assert_no_axe_violations(axe_page)


# --- A result fits a small screen; its page keeps the search (issue 16, items 3 and 7) ----------

SMALL_PHONE = {"width": 320, "height": 640}
NITEROI_SEARCH = f"/rede?plano={LEVE}&municipio=3303302"


@pytest.mark.parametrize("viewport", [SMALL_PHONE, {"width": 390, "height": 844}], ids=["320", "390"])
def test_a_result_fits_a_small_screen_with_one_row_of_actions(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="pt-BR")
    page = context.new_page()
    page.goto(live_server + NITEROI_SEARCH)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sideways
    results = page.locator(".go-result")
    assert results.count() == 20
    for i in range(20):
        box = results.nth(i).bounding_box()
        assert box["height"] < 0.6 * viewport["height"], (i, box)
        tops = {round(b["y"]) for b in (item.bounding_box() for item in results.nth(i).locator(".go-actions > li").all())}
        assert len(tops) == 1, f"result {i}: its actions wrap ({tops})"
        assert results.nth(i).locator(".go-result__updated").is_visible()
    context.close()


def test_a_result_opens_its_page_in_context_and_leads_back(browser, live_server):
    context, page = geo_page(browser, NITEROI_POINT, javascript=False)  # plain links: it works without JS
    search = live_server + NITEROI_SEARCH + "&especialidade=endodontia&pagina=2"
    page.goto(search)
    first = page.locator(".go-result").first
    distance = first.locator(".go-result__distance strong").inner_text()
    first.locator(".go-result__name a").click()
    page.wait_for_url(re.compile(r".*/rede/dentista/\d+-.*municipio=3303302.*"))
    assert page.locator(".go-location__distance").first.inner_text() == f"{distance} do centro de Niterói/RJ"
    page.get_by_role("link", name="Voltar aos resultados").click()
    page.wait_for_url(search + "#resultados")
    assert page.locator(".go-result").count() == 40
    context.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, {"width": 390, "height": 844}], ids=["320", "390"])
def test_axe_finds_nothing_on_a_provider_page_in_context(axe_page, live_server, viewport):
    axe_page.set_viewport_size(viewport)
    axe_page.goto(f"{live_server}{NITEROI_SEARCH}&q=odonto")  # a name search (3 letters at least)
    assert_no_axe_violations(axe_page)  # the results, one row of actions each
    axe_page.locator(".go-result__name a").first.click()
    axe_page.wait_for_url(re.compile(r".*/rede/dentista/\d+-.*plano=.*"))
    assert axe_page.get_by_role("link", name="Voltar aos resultados").is_visible()
    assert axe_page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(axe_page)
    axe_page.goto(f"{live_server}{NITEROI_SEARCH}&q=zzzzzz")  # the empty state of a name search
    assert_no_axe_violations(axe_page)
