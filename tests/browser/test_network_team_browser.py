"""The network team in a real browser: the queue and a report page at a desktop width (the
provider's data beside the report) and on phones (one column, nothing wider than the screen),
axe on every state; a correction made from the page, and the answer in its place."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, sign_in_agent
from tests.support.network import network_rows, row, write_csv
from webapp.agents.demo import create_demo_agents
from webapp.core import clock
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Location, Provider
from webapp.network.services import record_report

DESKTOP = {"width": 1280, "height": 900}
PHONES = ({"width": 390, "height": 844}, {"width": 320, "height": 640})


@pytest.fixture(scope="module")
def reports(live_engine, tmp_path_factory):
    """A provider with two addresses reported three times (one about its second address), and a
    high-priority report about another; the ids of the first provider's newest report and of
    the high-priority one."""
    folder = tmp_path_factory.mktemp("team-net")
    rio = row(provider_key="N1", location_key="N1-L2", name="Dra. Ana Endo", specialties="endodontia",
              street="Rua da Assembleia", number="10", complement="Sala 1203 — bloco B, entrada pela galeria",
              neighbourhood="Centro", cep="20011-000", municipality_ibge="3304557", latitude="-22.9048",
              longitude="-43.1760", products="leve-dental-rj-1-adesao", network_since="2026-10-01")
    with Session(live_engine) as session:
        create_demo_agents(session)
        session.commit()
        import_network(session, write_csv(folder / "rede.csv", network_rows() + [rio]))
        session.commit()
        ids = {p.key: p.id for p in session.scalars(select(Provider).where(Provider.key.in_(["N1", "N3"])))}
        second = session.scalars(select(Location.id).where(Location.key == "N1-L2")).one()
        for n, (reason, location) in enumerate([("telefone-errado", None), ("telefone-errado", None),
                                                ("endereco-errado", second)]):
            record_report(session, ids["N1"], reason, "O número agora é (21) 2711-9999" if n == 0 else None,
                          f"navegador-{n}", clock.utcnow(), location_id=location)
        record_report(session, ids["N3"], "nao-atende-plano", None, "navegador-alta", clock.utcnow())
        session.flush()
        high = session.scalars(select(DataReport).where(DataReport.client_hash == "navegador-alta")).one()
        high.priority, high.source = "alta", "confirmacoes"
        session.commit()
        newest = session.scalars(select(DataReport.id).where(DataReport.client_hash == "navegador-2")).one()
        return {"address": newest, "high": high.id}


def team_page(browser, live_server, viewport):
    # axe is injected as an inline script, which our CSP rightly forbids: bypass it for axe only.
    context = browser.new_context(viewport=viewport, locale="pt-BR", bypass_csp=True)
    page = context.new_page()
    sign_in_agent(page, live_server, "equipe-rede")
    return context, page


def fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.url


def test_the_queue_and_a_report_at_a_desktop_width(browser, live_server, reports):
    context, page = team_page(browser, live_server, DESKTOP)
    try:
        page.get_by_role("link", name="Fila da rede").click()
        page.wait_for_url(re.compile(r".*/atendimento/rede$"))
        assert page.locator("h1").inner_text() == "Fila da rede credenciada"
        names = page.locator(".go-team-case__name").all_inner_texts()
        assert names.index("Clínica Icaraí") < names.index("Dra. Ana Endo")  # high priority first
        assert_no_axe_violations(page)

        page.select_option("#motivo", "endereco-errado")
        page.get_by_role("button", name="Filtrar").click()
        page.wait_for_url(re.compile(r".*motivo=endereco-errado"))
        assert "Dra. Ana Endo" in page.locator(".go-team-case__name").all_inner_texts()
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Dra. Ana Endo").click()
        page.wait_for_url(re.compile(rf".*/atendimento/rede/relatos/{reports['address']}$"))
        report = page.locator(".go-team-report__report").bounding_box()
        provider = page.locator(".go-team-report__provider").bounding_box()
        assert provider["x"] > report["x"] + report["width"] - 1 and abs(provider["y"] - report["y"]) < 5
        reported = page.locator(".go-team-location--reported")
        assert reported.count() == 1 and "Rua da Assembleia" in reported.inner_text()
        assert_no_axe_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}px")
def test_the_queue_and_a_report_on_a_phone(browser, live_server, reports, viewport):
    context, page = team_page(browser, live_server, viewport)
    try:
        page.goto(live_server + "/atendimento/rede")
        fits(page, viewport["width"])
        assert_no_axe_violations(page)
        page.goto(live_server + f"/atendimento/rede/relatos/{reports['address']}")
        fits(page, viewport["width"])
        report = page.locator(".go-team-report__report").bounding_box()
        provider = page.locator(".go-team-report__provider").bounding_box()
        assert provider["y"] > report["y"] + report["height"] - 1  # one column: the report first
        assert_no_axe_violations(page)
        page.goto(live_server + f"/atendimento/rede/relatos/{reports['high']}")
        fits(page, viewport["width"])
        assert "Respostas “não aceitou meu plano”" in page.locator(".go-team-report__report").inner_text()
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_a_correction_from_the_page_and_its_answer(browser, live_server, reports):
    context, page = team_page(browser, live_server, PHONES[0])
    try:
        page.goto(live_server + f"/atendimento/rede/relatos/{reports['address']}")
        assert page.input_value("#logradouro") == "Rua da Assembleia"  # the reported address
        page.fill("#telefones", "21 2711")  # wrong: the error summary, focused
        page.get_by_role("button", name=re.compile("^Salvar a correção")).click()
        page.wait_for_selector(".go-error-summary")
        page.wait_for_function("() => document.activeElement.classList.contains('go-error-summary')")
        assert "Telefone inválido" in page.locator("#telefones-error").inner_text()
        fits(page, PHONES[0]["width"])
        assert_no_axe_violations(page)
        page.fill("#telefones", "(21) 2233-4455")
        page.get_by_role("button", name=re.compile("^Salvar a correção")).click()
        page.wait_for_url(re.compile(r".*feito=1#resultado$"))
        done = page.locator("#resultado")
        assert "Relato resolvido: Dados corrigidos — Corrigido: Telefones" in done.inner_text()
        page.wait_for_function("() => document.activeElement.id === 'resultado'")
        assert "(21) 2233-4455" in page.locator(".go-team-location--reported").inner_text()
        assert page.locator(".go-team-action").count() == 0
        assert_no_axe_violations(page)
    finally:
        context.close()
