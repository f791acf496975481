"""Verified dates and "accepts new patients" in Chromium, with the generated demo network (whose
file carries ``verificado_em`` and ``aceita_novos_pacientes``): at 320 px and 390 px the mark of
a stale location is its words with a sign beside them, the "Aceita novos pacientes" filter is a
plain checkbox of the form, and axe finds nothing on the results or the provider page."""

import pytest

from tests.support.browser import assert_no_axe_violations

LEVE = "leve-dental-rj-1-adesao"


@pytest.fixture(scope="module", autouse=True)
def _network(demo_network):
    """The generated demo network (tests/browser/conftest.py)."""


@pytest.mark.parametrize("width", [320, 390])
def test_the_new_patients_filter_and_the_verification_marks(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="pt-BR", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/rede?plano={LEVE}&municipio=3303302")
    page.locator(".go-search-fold summary").click()
    page.get_by_label("Aceita novos pacientes").check()  # the form's own checkbox, by its label
    page.get_by_role("button", name="Buscar dentistas").click()
    page.wait_for_url("**novos=1**")
    results = page.locator(".go-result")
    assert results.count() > 0
    for i in range(results.count()):
        assert results.nth(i).locator(".go-result__accepting").inner_text().startswith("Aceita novos pacientes")
    assert "aceita novos pacientes" in page.locator(".go-search-fold__what").inner_text()
    marks = page.locator(".go-verified")
    texts = marks.all_inner_texts()
    assert any(t.startswith("Verificado") for t in texts)
    stale = page.locator(".go-verified--stale")
    # A third of the generated locations are stale: words, and a sign drawn beside them.
    assert stale.count() > 0
    assert stale.first.inner_text() in ("Nunca verificado", "Não verificado há mais de 180 dias")
    sign = stale.first.evaluate("e => getComputedStyle(e, '::before').width")
    assert float(sign.removesuffix("px")) > 8
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone
    assert_no_axe_violations(page)

    page.locator(".go-result__name a").first.click()
    page.wait_for_url("**/rede/dentista/**")
    said = []  # each location's (accepts new patients, verification)
    for location in page.locator(".go-location").all():
        rows = dict(zip(location.locator(".go-summary__key").all_inner_texts(),
                        location.locator(".go-summary__value").all_inner_texts()))
        said.append((rows["Aceita novos pacientes"], rows["Verificação"]))
    assert any(accepts.startswith("Sim, informado em ") for accepts, _ in said)  # the one found
    assert all(verified.startswith(("Verificado", "Nunca verificado", "Não verificado")) for _, verified in said)
    assert_no_axe_violations(page)
    context.close()
