"""Plan pages in a real browser at phone size: accessible, usable at 320 px, fine without JS."""

import pytest

from tests.browser.conftest import assert_no_axe_violations
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
