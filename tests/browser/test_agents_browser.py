"""Agents in a real browser: sign in, look a member up with a reason, build a search link, open
the short link in a fresh browser with no session, see it in the audit log; axe on every page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, new_phone, sign_in_agent
from tests.support.network import network_rows, write_csv
from webapp.agents import services
from webapp.agents.demo import create_demo_agents
from webapp.agents.models import Agent
from webapp.core import clock
from webapp.history.demo import create_demo_history
from webapp.members.demo import create_demo_families, make_cpf
from webapp.members.models import Member
from webapp.network.importer import import_network

LEVE = "leve-dental-rj-1-adesao"
LEVE_HOLDER_CPF = make_cpf(61)  # Luiz Henrique Barbosa, phone (21) 96888-1206
RIO = "3304557"


@pytest.fixture(scope="module", autouse=True)
def agents_data(live_engine, tmp_path_factory):
    csv_path = write_csv(tmp_path_factory.mktemp("agents-net") / "rede.csv", network_rows())
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        create_demo_agents(session)
        session.commit()
        create_demo_history(session, clock.today())
        session.commit()
        import_network(session, csv_path)
        session.commit()
        agent = session.scalars(select(Agent).where(Agent.username == "atendente")).one()
        expired = services.create_short_link(session, agent, "busca", "/rede", "Buscar dentista", 1,
                                             clock.utcnow() - timedelta(days=2))
        session.commit()
        return {"expired_code": expired.code}


def look_up(page, identifier, reason="Ligação do beneficiário"):
    page.fill("#identificador", identifier)
    page.get_by_label(reason).check()
    page.get_by_role("button", name="Consultar").click()
    page.wait_for_url(re.compile(r".*/atendimento/consultas/\d+$"))


def build_endodontia_link(page):
    page.get_by_role("link", name=re.compile("^Enviar link")).click()
    page.wait_for_url(re.compile(r".*/enviar-link$"))
    assert page.input_value("#cidade") == "Rio de Janeiro/RJ"  # from the DDD of the member's phone
    assert page.input_value("#plano") == LEVE
    page.select_option("#especialidade", "endodontia")
    page.get_by_role("button", name="Criar link").click()
    page.wait_for_url(re.compile(r".*/links/[1-9A-HJ-NP-Za-km-z]{16}$"))
    return page.input_value("#link-curto")


def result_names(page):
    return page.locator(".go-result__name").all_inner_texts()


def test_agent_sends_a_search_link_that_opens_exactly_that_search(browser, context, live_server):
    page = context.new_page()
    sign_in_agent(page, live_server, "atendente")
    look_up(page, LEVE_HOLDER_CPF)
    assert page.locator("h1").inner_text().startswith("Luiz Henrique Barbosa")
    assert "LEVE DENTAL RJ 1 Adesão" in page.locator("main").inner_text()

    short_url = build_endodontia_link(page)
    assert re.fullmatch(re.escape(live_server) + r"/s/[1-9A-HJ-NP-Za-km-z]{16}", short_url)
    whatsapp = page.get_by_role("link", name=re.compile("^Enviar pelo WhatsApp")).get_attribute("href")
    assert whatsapp.startswith("https://wa.me/5521968881206?text=")
    assert page.locator("figure svg").count() == 1
    assert page.get_by_role("button", name="Copiar link").is_visible()

    fresh = new_phone(browser)  # no cookies, no session
    try:
        visitor = fresh.new_page()
        visitor.goto(short_url)
        expected = f"{live_server}/rede?plano={LEVE}&municipio={RIO}&especialidade=endodontia"
        assert visitor.url == expected
        assert visitor.locator("h1").inner_text() == "Dentistas perto de Rio de Janeiro/RJ"
        assert visitor.input_value("#plano") == LEVE and visitor.input_value("#especialidade") == "endodontia"
        shown = result_names(visitor)
        assert shown, "the demo network has endodontists in Rio de Janeiro"
        assert not any(c["name"] == "guia_sessao" for c in fresh.cookies())  # it never needed a session
        direct = fresh.new_page()
        direct.goto(expected)
        assert result_names(direct) == shown  # exactly that search
    finally:
        fresh.close()

    page.reload()
    assert "aberto 1 vez" in page.locator("#link-curto-hint").inner_text()

    supervisor = new_phone(browser)
    try:
        audit = supervisor.new_page()
        sign_in_agent(audit, live_server, "supervisora")
        audit.get_by_role("link", name="Registro de acessos").click()
        audit.wait_for_url(re.compile(r".*/atendimento/auditoria$"))
        rows = audit.locator(".go-agent-audit__row").all_inner_texts()
        look_up_row = next(r for r in rows if "Consulta: carteirinha" in r)
        for needle in ("Carla Nunes", "Luiz Henrique Barbosa", "Ligação do beneficiário", "127.0.0.1"):
            assert needle in look_up_row, needle
        assert any("Link enviado" in r and "Endodontia" in r for r in rows)
    finally:
        supervisor.close()


def test_the_builder_works_without_javascript(nojs_page, live_server):
    sign_in_agent(nojs_page, live_server, "atendente")
    look_up(nojs_page, LEVE_HOLDER_CPF, reason="Conversa pelo WhatsApp")
    short_url = build_endodontia_link(nojs_page)
    assert "/s/" in short_url
    assert not nojs_page.get_by_role("button", name="Copiar link").is_visible()
    assert nojs_page.locator("#link-curto").is_visible()  # select and copy by hand


def test_agent_pages_have_no_axe_violations(axe_page, live_server, agents_data):
    page = axe_page
    page.goto(live_server + "/atendimento/entrar")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Entrar", exact=True).click()  # empty: the error summary
    assert_no_axe_violations(page)
    sign_in_agent(page, live_server, "supervisora")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Consultar").click()
    page.wait_for_selector(".go-error-summary")
    assert_no_axe_violations(page)
    look_up(page, LEVE_HOLDER_CPF)
    assert_no_axe_violations(page)
    member_url = page.url
    page.get_by_role("button", name=re.compile("^Abrir extrato")).click()
    page.wait_for_url(re.compile(r".*/extrato$"))
    assert page.locator(".go-agent-event").count() > 0
    assert_no_axe_violations(page)
    for kind in ("busca", "dentista", "plano", "posso-fazer"):
        page.goto(f"{member_url}/enviar-link?tipo={kind}")
        assert_no_axe_violations(page)
    page.goto(f"{member_url}/enviar-link")
    page.fill("#cidade", "Campo Grande")  # ambiguous: the error state
    page.get_by_role("button", name="Criar link").click()
    page.wait_for_selector(".go-error-summary")
    assert_no_axe_violations(page)
    page.goto(member_url)
    build_endodontia_link(page)
    assert_no_axe_violations(page)
    page.goto(live_server + "/atendimento/auditoria")
    assert_no_axe_violations(page)
    page.goto(live_server + "/atendimento/auditoria?de=ontem")
    assert_no_axe_violations(page)
    page.goto(live_server + "/carteirinha")  # refused to an agent: 403 page
    assert_no_axe_violations(page)
    for code in (agents_data["expired_code"], "AAAAAAAAAAAAAAAA"):
        page.goto(f"{live_server}/s/{code}")
        assert_no_axe_violations(page)


def test_a_suspended_members_notice_reads_plainly_and_passes_axe(axe_page, live_server, live_engine):
    spouse_cpf = make_cpf(62)  # Patrícia Barbosa
    with Session(live_engine) as session:
        session.execute(update(Member).where(Member.cpf == spouse_cpf).values(status="suspenso"))
        session.commit()
    try:
        page = axe_page
        sign_in_agent(page, live_server, "atendente")
        look_up(page, spouse_cpf)
        notice = page.locator(".go-agent-person .go-inset")
        assert notice.inner_text().startswith("Plano suspenso: ")
        assert_no_axe_violations(page)
        page.set_viewport_size({"width": 320, "height": 640})
        assert notice.is_visible()
        assert_no_axe_violations(page)
    finally:
        with Session(live_engine) as session:
            session.execute(update(Member).where(Member.cpf == spouse_cpf).values(status="ativo"))
            session.commit()
