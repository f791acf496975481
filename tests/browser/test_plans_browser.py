"""Plan pages in a real browser at phone size: accessible, usable at 320 px, fine without JS."""

import re

import pytest

from tests.support.browser import assert_no_axe_violations
from webapp.plans.schema import PRODUCT_SLUGS


@pytest.mark.parametrize("path", ["/", "/planos", *[f"/planos/{s}" for s in PRODUCT_SLUGS], "/planos/nao-existe"])
def test_axe_finds_nothing(axe_page, live_server, path):
    axe_page.goto(live_server + path)
    assert_no_axe_violations(axe_page)


@pytest.mark.parametrize("path", ["/planos", "/planos/leve-dental-rj-1-adesao"])
def test_no_horizontal_scroll_at_320px(browser, live_server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0


def test_without_javascript_the_list_links_to_each_plan_and_sections_open(nojs_page, live_server):
    nojs_page.goto(live_server + "/planos")
    nojs_page.get_by_role("link", name="LEVE DENTAL RJ 1 Adesão").click()
    nojs_page.wait_for_url("**/planos/leve-dental-rj-1-adesao")
    assert nojs_page.locator("h1").inner_text() == "LEVE DENTAL RJ 1 Adesão"
    # <details> needs no JavaScript.
    summary = nojs_page.locator("#coberturas summary").first
    summary.click()
    assert nojs_page.locator("#coberturas details").first.evaluate("d => d.open")


def test_js_enabled_class_and_htmx_load_under_the_csp(page, live_server):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server + "/planos")
    assert "js-enabled" in page.evaluate("document.documentElement.className")
    assert page.evaluate("typeof htmx") == "object"
    assert errors == []


# ---------------------------------------------------------------- issue 6: posso fazer?, calculator, sections

LEVE = "leve-dental-rj-1-adesao"
NEW_PAGES = [
    f"/planos/{LEVE}/coberturas",
    f"/planos/{LEVE}/coberturas?q=canal",
    f"/planos/{LEVE}/coberturas?q=implante",
    f"/planos/{LEVE}/coberturas?q=aparelho",
    "/planos/sintaema-master/coberturas?q=aparelho",
    f"/planos/{LEVE}/coberturas?q=xyzzy",
    f"/planos/{LEVE}/coberturas?q=" + "a" * 101,
    f"/planos/{LEVE}/carencias?inclusao=2026-01-10",
    "/planos/cassems-odonto/carencias?inclusao=2026-01-10",
    "/planos/cassems-odonto/carencias",
    "/planos/cassems-odonto/carencias?inclusao=2026-02-30",
]


def horizontal_overflow(browser, url) -> int:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(url)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    return overflow


@pytest.mark.parametrize("path", NEW_PAGES)
def test_axe_finds_nothing_on_the_new_pages(axe_page, live_server, path):
    axe_page.goto(live_server + path)
    assert_no_axe_violations(axe_page)


@pytest.mark.parametrize("path", [*[f"/planos/{s}" for s in PRODUCT_SLUGS], *NEW_PAGES])
def test_new_pages_have_no_horizontal_scroll_at_320px(browser, live_server, path):
    assert horizontal_overflow(browser, live_server + path) <= 0


def test_opening_the_reimbursement_anchor_shows_that_section(page, live_server):
    page.goto(f"{live_server}/planos/{LEVE}#reembolso")
    heading = page.locator("#reembolso-title")
    heading.wait_for()
    page.wait_for_function("() => document.querySelector('#reembolso').getBoundingClientRect().top < 100")
    box = page.evaluate("(() => { const r = document.querySelector('#reembolso').getBoundingClientRect();"
                        " return {top: r.top, bottom: r.bottom}; })()")
    viewport = page.viewport_size
    assert 0 <= box["top"] < viewport["height"] * 0.25
    assert heading.is_visible()
    assert page.evaluate("(() => { const r = document.querySelector('#reembolso-title').getBoundingClientRect();"
                         " return r.top >= 0 && r.bottom <= window.innerHeight; })()")


def test_posso_fazer_without_javascript(nojs_page, live_server):
    nojs_page.goto(f"{live_server}/planos/{LEVE}")
    nojs_page.fill("#posso-fazer", "Canal")
    nojs_page.locator("#coberturas form").get_by_role("button", name="Buscar").click()
    nojs_page.wait_for_url("**/coberturas?q=Canal")
    assert nojs_page.locator("h1").inner_text() == "Posso fazer?"
    first = nojs_page.locator("#cobertura-tratamento-endodontico-unirradicular")
    assert "180 dias" in first.inner_text()
    # The network link works as a plain link.
    first.get_by_role("link", name=re.compile("Encontrar dentista")).click()
    nojs_page.wait_for_url(re.compile(r".*/rede\?plano=leve-dental-rj-1-adesao&especialidade=endodontia"))


def test_calculator_without_javascript(nojs_page, live_server):
    nojs_page.goto(f"{live_server}/planos/cassems-odonto#carencias")
    nojs_page.fill("#inclusao", "2026-01-10")
    nojs_page.get_by_role("button", name="Calcular as datas").click()
    nojs_page.wait_for_url("**/carencias?inclusao=2026-01-10")
    assert "11/03/2026" in nojs_page.locator("#datas").inner_text()
    # Submitting without a date explains what is missing (HTTP 400, same form).
    response = nojs_page.goto(f"{live_server}/planos/cassems-odonto/carencias")
    assert response.status == 400
    assert "Informe a data de inclusão" in nojs_page.locator(".go-error-summary").inner_text()


def test_posso_fazer_live_results_with_htmx(page, live_server):
    page.goto(f"{live_server}/planos/{LEVE}/coberturas")
    page.evaluate("window.__sameDocument = true")
    page.locator("#q").press_sequentially("implante", delay=20)
    page.locator("#resposta-exclusoes").wait_for()
    assert "cláusula 11.1, g" in page.locator("#resultados-cobertura").inner_text()
    assert page.evaluate("window.__sameDocument") is True  # no full navigation
    page.wait_for_url("**/coberturas?q=implante")  # the address bar follows (hx-replace-url)
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("aparelho", delay=20)
    page.locator("#resultados-cobertura", has_text="Ortodontia.").wait_for()
    page.reload()
    assert "Ortodontia." in page.locator("#resultados-cobertura").inner_text()
