"""A visit's "Fui atendido pelo plano" / "Não aceitou meu plano" on the statement, in a real
browser at 390×844 with and without JavaScript (and at 320 px), axe clean; and the notice of a
dentist leaving the plan on the home screen.

Its own server and SQLite database (a small network, one family and its visits), so the shared
live database of the other browser tests is left as they expect it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, new_phone, serving, sign_in_member
from tests.support.databases import prepared_engine
from tests.support.history import import_events, usage_row
from tests.support.members import add_family
from tests.support.network import network_rows, write_csv
from webapp import create_app
from webapp.core import clock
from webapp.core.clock import TIMEZONE
from webapp.history.models import UsageConfirmation
from webapp.members.demo import demo_password_hash
from webapp.network.importer import import_network

LEVE = "leve-dental-rj-1-adesao"
KEYS = ("SEM-JS", "COM-JS", "AXE", "ESTREITO", "DE-NOVO")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("confirmacoes")
    engine = prepared_engine(f"sqlite:///{tmp / 'confirmacoes.sqlite3'}")
    today = clock.today()
    with Session(engine) as session:
        rows = network_rows(extra_niteroi=3)
        for line in rows:  # Dra. Ana Endo leaves the plan in 40 days
            if line["provider_key"] == "N1":
                line["network_until"] = (today + timedelta(days=40)).isoformat()
            if line["network_since"] > today.isoformat():
                line["network_since"] = "2025-01-01"
        assert import_network(session, write_csv(tmp / "rede.csv", rows), today=today).rejects == []
        holder, _spouse = add_family(session, LEVE, [("Helena Confirma Souza", "titular",
                                                      datetime(2025, 1, 10, 9, tzinfo=TIMEZONE)),
                                                     ("Otávio Confirma Souza", "conjuge",
                                                      datetime(2025, 1, 10, 9, tzinfo=TIMEZONE))], seed=970)
        holder.password_hash = demo_password_hash()
        ids = import_events(session, tmp / "uso.csv", [
            usage_row(event_id=key, card_number=holder.card_number,
                      performed_on=(today - timedelta(days=5 + n)).isoformat(), provider_key="N1",
                      provider_name="Dra. Ana Endo", location_key="N1-L1")
            for n, key in enumerate(KEYS)])
        cpf = holder.cpf
        session.commit()
    app = create_app({"TESTING": True, "DATABASE_ENGINE": engine, "SECRET_KEY": "browser-confirmacoes"})
    with serving(app) as url:
        yield {"url": url, "cpf": cpf, "ids": ids, "engine": engine}
    engine.dispose()


def stored_answer(site, key: str) -> str | None:
    with Session(site["engine"]) as session:
        return session.scalar(select(UsageConfirmation.answer)
                              .where(UsageConfirmation.usage_event_id == site["ids"][key]))


def item(page, site, key: str):
    return page.locator(f"#evento-{site['ids'][key]}")


def test_without_javascript_a_tap_answers_and_comes_back_to_the_visit(browser, site):
    context = new_phone(browser, java_script_enabled=False)
    page = context.new_page()
    sign_in_member(page, site["url"], site["cpf"], next_path="/extrato")
    visit = item(page, site, "SEM-JS")
    visit.get_by_role("button", name="Fui atendido pelo plano").click()
    page.wait_for_url(re.compile(rf".*/extrato\?confirmado={site['ids']['SEM-JS']}#evento-{site['ids']['SEM-JS']}$"))
    visit = item(page, site, "SEM-JS")
    assert visit.locator(".go-confirm__answer").inner_text() == "Sua resposta: Fui atendido pelo plano"
    assert visit.locator(".go-confirm__thanks").is_visible()
    assert visit.locator("button").count() == 0
    assert stored_answer(site, "SEM-JS") == "atendido"
    # Another visit still offers both answers.
    assert item(page, site, "COM-JS").get_by_role("button").count() == 2
    context.close()


def test_with_javascript_the_visit_alone_is_swapped_and_the_thanks_takes_focus(browser, site):
    with_axe = new_phone(browser, bypass_csp=True)  # axe is injected inline, which our CSP forbids
    page = with_axe.new_page()
    sign_in_member(page, site["url"], site["cpf"], next_path="/extrato")
    assert_no_axe_violations(page)  # the two answers on every open visit
    page.evaluate("window.__sameDocument = true")
    item(page, site, "COM-JS").get_by_role("button", name="Não aceitou meu plano").click()
    thanks = item(page, site, "COM-JS").locator(".go-confirm__thanks")
    thanks.wait_for()
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, no reload
    assert page.url.endswith("/extrato")  # nothing pushed into the address bar
    assert page.evaluate("document.activeElement.classList.contains('go-confirm__thanks')")
    assert "vai conferir" in thanks.inner_text()
    assert stored_answer(site, "COM-JS") == "recusado"
    assert_no_axe_violations(page)  # and after an answer
    with_axe.close()


def test_a_second_answer_from_a_page_left_open_is_refused_in_place(browser, site):
    """Two tabs: the visit is answered in one; the other, still showing the buttons, is told."""
    context = new_phone(browser)
    first, second = context.new_page(), context.new_page()
    sign_in_member(first, site["url"], site["cpf"], next_path="/extrato")
    second.goto(site["url"] + "/extrato")
    item(first, site, "DE-NOVO").get_by_role("button", name="Fui atendido pelo plano").click()
    item(first, site, "DE-NOVO").locator(".go-confirm__thanks").wait_for()
    item(second, site, "DE-NOVO").get_by_role("button", name="Não aceitou meu plano").click()
    message = item(second, site, "DE-NOVO").locator(".go-confirm__message")
    message.wait_for()
    assert "Você já tinha respondido sobre este atendimento: “Fui atendido pelo plano”" in message.inner_text()
    assert item(second, site, "DE-NOVO").locator("button").count() == 0
    assert stored_answer(site, "DE-NOVO") == "atendido"
    context.close()


def test_the_answers_fit_320_px(browser, site):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="pt-BR")
    page = context.new_page()
    sign_in_member(page, site["url"], site["cpf"], next_path="/extrato")
    buttons = item(page, site, "ESTREITO").get_by_role("button")
    assert buttons.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    for box in (buttons.nth(i).bounding_box() for i in range(2)):
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320
    context.close()


def test_the_home_screen_tells_of_the_dentist_leaving(browser, site):
    context = new_phone(browser, bypass_csp=True)
    page = context.new_page()
    sign_in_member(page, site["url"], site["cpf"], next_path="/")
    notice = page.locator(".go-departure")
    assert notice.count() == 1
    text = notice.inner_text()
    assert "Dra. Ana Endo deixa a rede do seu plano em" in text and "RN nº 365/2014" in text
    assert notice.locator(".go-departure__item").count() >= 2  # the nearest endodontists of the plan
    assert "Dra. Ana Endo" not in notice.locator(".go-departure__list").inner_text()
    assert_no_axe_violations(page)
    context.close()
