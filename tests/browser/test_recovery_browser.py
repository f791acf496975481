"""Getting back in, in a real browser at 390×844 (and 320 px): "Esqueci minha senha" from /entrar,
the code read from the e-mail a real SMTP server (aiosmtpd) received, the new password, the card;
with JavaScript and without; the agent's reset link; axe on every new page."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.support.browser import (
    assert_no_axe_violations,
    serving,
    sign_in_agent,
    sign_in_member,
)
from tests.support.mail import code_in
from tests.support.members import add_family
from webapp import create_app
from webapp.agents.demo import create_demo_agents
from webapp.core import clock
from webapp.core.mail import mask_address
from webapp.core.passwords import hasher
from webapp.members import recovery
from webapp.members.demo import DEMO_PASSWORD

SECRET = "browser-tests-recovery"


@contextmanager
def phone_page(browser, width: int = 390, height: int = 844, **options):
    """A page of a new context at *width*×*height* (a 390×844 phone unless told), pt-BR."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="pt-BR", **options)
    try:
        yield context.new_page()
    finally:
        context.close()
NEW_PASSWORD = "senha-do-navegador-1"


@pytest.fixture(scope="module")
def site(live_engine, smtp_server):
    """The app with ``MAIL_URL`` on the test SMTP server, served on its own port."""
    url, _box = smtp_server
    app = create_app({"TESTING": True, "DATABASE_ENGINE": live_engine, "SECRET_KEY": SECRET, "MAIL_URL": url})
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def people(live_engine):
    """Members of their own (no other browser test signs them in): each flow's own, one without an
    e-mail, one with a reset link already made, one with a phone an agent sends the link to."""
    joined = clock.utcnow() - timedelta(days=400)
    out = {}
    with Session(live_engine) as session:
        create_demo_agents(session)
        for n, key in enumerate(("js", "nojs", "narrow", "nomail", "link", "agent")):
            member, = add_family(session, "cassems-odonto", [(f"Pessoa Teste {key}", "titular", joined)],
                                 seed=1100 + 10 * n)  # apart from the other browser modules' families (900–999)
            member.password_hash = hasher.hash(DEMO_PASSWORD)
            member.email = None if key == "nomail" else f"{key}.teste@exemplo.com.br"
            member.phone = "(21) 97777-1275" if key == "agent" else None
            out[key] = {"cpf": member.cpf, "birth": member.birth_date.isoformat(), "card": member.card_number,
                        "email": member.email}
        session.flush()
        link_member = session.get(type(member), member.id)
        issued = recovery.issue_link(session, link_member, None, SECRET, clock.utcnow())
        out["link"]["path"] = f"/nova-senha/{issued.secret}"
        session.commit()
    return out


def ask_for_a_code(page, base, person, axe=False):
    page.goto(base + "/entrar")
    page.get_by_role("link", name="Esqueci minha senha").click()
    page.wait_for_url(re.compile(r".*/esqueci-senha$"))
    if axe:
        assert_no_axe_violations(page)
    page.fill("#cpf", person["cpf"])
    page.fill("#nascimento", person["birth"])
    page.fill("#carteirinha", person["card"])
    page.get_by_role("button", name="Enviar código").click()


def code_sent_to(mailbox, address) -> str:
    messages = [m for m in mailbox.messages if m["To"] == address]
    assert len(messages) == 1, [m["To"] for m in mailbox.messages]
    return code_in(messages[0])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_forgot_password_end_to_end_through_the_smtp_server(browser, site, people, smtp_server, javascript):
    person = people["js" if javascript else "nojs"]
    # axe is injected as a script: only with JavaScript on (and the CSP bypassed for it).
    options = {"bypass_csp": True} if javascript else {"java_script_enabled": False}
    with phone_page(browser, **options) as page:
        ask_for_a_code(page, site, person, axe=javascript)
        page.wait_for_url(re.compile(r".*/esqueci-senha/codigo$"))
        assert mask_address(person["email"]) in page.inner_text("main")
        assert person["email"] not in page.inner_text("main")
        if javascript:
            assert_no_axe_violations(page)
        page.fill("#codigo", code_sent_to(smtp_server[1], person["email"]))
        page.fill("#senha", NEW_PASSWORD)
        page.fill("#confirmacao", NEW_PASSWORD)
        page.get_by_role("button", name="Criar nova senha e entrar").click()
        page.wait_for_url(re.compile(r".*/carteirinha$"))
        assert page.locator(".go-member-card").count() == 1
        page.get_by_role("button", name=re.compile("^Sair")).click()
        page.wait_for_url(re.compile(r".*/entrar\?saiu=1$"))
        sign_in_member(page, site, person["cpf"], NEW_PASSWORD)


def test_a_wrong_code_shows_the_error_summary(browser, site, people, smtp_server):
    person = people["narrow"]
    with phone_page(browser, bypass_csp=True, width=320, height=640) as page:
        ask_for_a_code(page, site, person, axe=True)
        page.wait_for_url(re.compile(r".*/esqueci-senha/codigo$"))
        assert_no_axe_violations(page)
        code = code_sent_to(smtp_server[1], person["email"])
        page.fill("#codigo", f"{(int(code) + 1) % 1_000_000:06d}")
        page.fill("#senha", NEW_PASSWORD)
        page.fill("#confirmacao", NEW_PASSWORD)
        page.get_by_role("button", name="Criar nova senha e entrar").click()
        page.wait_for_load_state()
        assert "Código errado" in page.locator("[role=alert]").inner_text()
        assert_no_axe_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("width", [390, 320])
def test_no_email_on_file_page(browser, site, people, width):
    with phone_page(browser, bypass_csp=True, width=width) as page:
        ask_for_a_code(page, site, people["nomail"])
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Não há e-mail cadastrado"
        assert page.locator("a[href^='tel:']").count() >= 1
        assert_no_axe_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 320])
def test_the_agents_link_page(browser, site, people, width):
    with phone_page(browser, bypass_csp=True, width=width) as page:
        page.goto(site + people["link"]["path"])
        assert page.locator("h1").inner_text() == "Criar nova senha"
        assert page.locator("#nascimento").count() == 1
        assert_no_axe_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_the_agents_link_without_javascript(browser, site, people):
    person = people["link"]
    with phone_page(browser, java_script_enabled=False) as page:
        page.goto(site + person["path"])
        page.fill("#nascimento", person["birth"])
        page.fill("#senha", NEW_PASSWORD)
        page.fill("#confirmacao", NEW_PASSWORD)
        page.get_by_role("button", name="Criar nova senha e entrar").click()
        page.wait_for_url(re.compile(r".*/carteirinha$"))
    with phone_page(browser, bypass_csp=True) as page:
        response = page.goto(site + person["path"])
        assert response.status == 410 and "não vale mais" in page.inner_text("main")
        assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [390, 320])
def test_an_agent_sends_the_link_from_the_members_screen(browser, site, people, width):
    with phone_page(browser, width=width, bypass_csp=True) as page:
        sign_in_agent(page, site, "atendente")
        page.fill("#identificador", people["agent"]["cpf"])
        page.get_by_label("Ligação do beneficiário").check()
        page.get_by_role("button", name="Consultar").click()
        page.wait_for_url(re.compile(r".*/atendimento/consultas/\d+$"))
        page.get_by_role("button", name=re.compile("^Enviar link para nova senha")).click()
        page.wait_for_url(re.compile(r".*/atendimento/consultas/\d+/nova-senha$"))
        assert page.locator("h1").inner_text() == "Link para nova senha pronto"
        whatsapp = page.get_by_role("link", name=re.compile("^Enviar pelo WhatsApp"))
        assert whatsapp.get_attribute("href").startswith("https://wa.me/5521977771275?text=")
        assert_no_axe_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
