"""Forgiving place names in a real browser (390×844): "Você quis dizer Niterói/RJ?" runs that
search, with and without JavaScript; the suggestions offer it while typing; axe finds nothing."""

import re

import pytest

from tests.support.browser import assert_no_axe_violations

LEVE = "leve-dental-rj-1-adesao"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_you_meant_niteroi_runs_that_search(browser, live_server, javascript):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR",
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server}/rede?plano={LEVE}")
    page.select_option("#especialidade", "endodontia")
    if javascript:  # the suggestions offer the name while typing
        page.locator("#cidade").press_sequentially("niteroy", delay=20)
        page.locator("#sugestoes-cidade", has_text="Você quis dizer").wait_for()
        assert page.locator("#sugestoes-cidade a").all_inner_texts() == ["Niterói/RJ"]
    else:
        page.fill("#cidade", "niteroy")
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url(re.compile(r".*cidade=niteroy.*"))
    link = page.get_by_role("link", name="Niterói/RJ", exact=True)
    assert page.locator("#escolha-title").inner_text() == "Você quis dizer Niterói/RJ?"
    link.click()
    page.wait_for_url(re.compile(r".*municipio=3303302.*"))
    assert "especialidade=endodontia" in page.url and f"plano={LEVE}" in page.url
    assert page.locator("h1").inner_text().startswith("Dentistas perto de Niterói/RJ")
    context.close()


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("typed", ["niteroy", "campo+grnde", "campo+grande"])
def test_axe_finds_nothing_on_the_place_choices(browser, live_server, width, typed):
    # axe is injected as an inline script, which our CSP rightly forbids: bypass it for axe only.
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="pt-BR", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/rede?plano={LEVE}&cidade={typed}")
    assert page.locator("#escolha").is_visible()
    assert_no_axe_violations(page)
    context.close()
