"""The card at the desk (issue 15, item 4), in a real browser: the front with the offline code fits
one 390×844 screen, nothing scrolls sideways at 320 px, offline the kept card says so and still
makes a code that /verificar accepts (checked from a phone without JavaScript), axe finds nothing.

The live server runs on the real clock, and so does the browser: the code is computed by the page
and checked by the server at (nearly) the same moment, as at a clinic.
"""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import (
    assert_no_axe_violations,
    new_phone,
    sign_in_agent,
    sign_in_member,
    wait_for_service_worker,
)
from webapp.agents.demo import create_demo_agents
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member

HOLDER_CPF = make_cpf(51)  # a family of three: the card page shows three fronts
SCREENSHOTS = Path(os.environ.get("GUIA_SCREENSHOTS", "/tmp/guia-screenshots"))


@pytest.fixture(scope="module", autouse=True)
def demo_families(live_engine):
    with Session(live_engine) as session:
        if session.scalars(select(Member.id).where(Member.cpf == HOLDER_CPF)).first() is None:
            create_demo_families(session, clock.today())
            session.commit()
        holder = session.scalars(select(Member).where(Member.cpf == HOLDER_CPF)).one()
        return {"cards": [holder.card_number] + [d.card_number for d in holder.dependants],
                "names": [holder.name] + [d.name for d in holder.dependants]}


@pytest.fixture
def context(context):
    """The phone's clock is the app's: the code is computed on the phone and checked by the server,
    whose clock a run may set years away (``GUIA_TEST_CLOCK``); the phone's time flows from there."""
    context.clock.install(time=clock.now())
    return context


def code_on(card) -> str:
    value = card.locator(".js-code-value")
    value.wait_for(state="visible")
    return value.get_attribute("data-code")


def inside(box, width, height) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


@pytest.mark.parametrize("cpf", [HOLDER_CPF, make_cpf(11)])  # a two-line plan name; an urgency line too
def test_the_front_with_the_code_and_its_qr_fits_one_screen(context, live_server, cpf):
    page = context.new_page()
    sign_in_member(page, live_server, cpf, DEMO_PASSWORD)
    cards = page.locator(".go-member-card")
    assert cards.count() == 3
    first = cards.nth(0)
    assert re.fullmatch(r"[0-9]{6}", code_on(first))
    shot(page, f"card-390x844-{cpf}.png")
    for part in (first, first.locator(".js-code-qr svg"), first.locator(".js-code-value"),
                 first.locator(".go-member-card__contacts"), first.locator(".go-member-card__number")):
        assert inside(part.bounding_box(), 390, 844), part
    assert first.locator(".js-code-qr svg title").text_content().startswith("Código QR")
    for i in (1, 2):  # each other person's front fits too, once scrolled to
        assert cards.nth(i).bounding_box()["height"] <= 844
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.go-member-card *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")  # of every element with text of its own
    assert smallest >= 12


def test_nothing_scrolls_sideways_at_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="pt-BR")
    try:
        page = context.new_page()
        sign_in_member(page, live_server, HOLDER_CPF, DEMO_PASSWORD)
        code_on(page.locator(".go-member-card").first)
        shot(page, "card-320.png")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.goto(live_server + "/verificar")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()


def test_offline_the_kept_card_makes_a_code_the_clinic_accepts(context, browser, live_server, demo_families):
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF, DEMO_PASSWORD)
    wait_for_service_worker(page)
    page.reload()  # through the service worker, which keeps a copy
    assert page.locator(".js-card-offline").is_hidden()

    context.set_offline(True)
    page.reload()
    notice = page.locator(".js-card-offline")
    notice.wait_for(state="visible")
    assert notice.inner_text().startswith("Sem conexão desde") and "funciona sem internet" in notice.inner_text()
    assert page.locator(".js-card-updated").is_hidden()
    assert re.fullmatch(r"[0-9]{6}", code_on(page.locator(".go-member-card").first))
    assert inside(page.locator(".go-member-card").first.bounding_box(), 390, 844)  # with the notice too
    shot(page, "card-offline.png")
    spouse = page.locator(".go-member-card").nth(1)
    code = code_on(spouse)
    context.set_offline(False)

    clinic = new_phone(browser, java_script_enabled=False)  # the clinic's computer, JavaScript off
    try:
        desk = clinic.new_page()
        desk.goto(live_server + "/verificar")
        desk.fill("#carteirinha", demo_families["cards"][1])
        desk.fill("#codigo", "000000" if code != "000000" else "111111")
        desk.get_by_role("button", name="Conferir").click()
        assert "Código inválido ou vencido" in desk.locator(".go-error-summary").inner_text()
        desk.fill("#codigo", code[:3] + " " + code[3:])
        desk.get_by_role("button", name="Conferir").click()
        assert desk.locator("h1").inner_text() == "Verificação da carteirinha"
        text = desk.locator("main").inner_text()
        assert demo_families["names"][1] in text and "Código conferido" in text
        assert demo_families["cards"][1] not in text
        shot(desk, "verify-accepted.png")
    finally:
        clinic.close()


def test_the_qr_names_a_check_link_without_personal_data(context, live_server, demo_families):
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF, DEMO_PASSWORD)
    card = page.locator(".go-member-card").first
    code = code_on(card)
    url = card.locator(".js-card-code").get_attribute("data-url") + code
    assert url.startswith(live_server + "/verificar/c/")
    for secret in (demo_families["cards"][0], HOLDER_CPF):
        assert secret not in url
    other = page.context.browser.new_context()
    try:
        scanned = other.new_page()
        scanned.goto(url)
        assert demo_families["names"][0] in scanned.locator("main").inner_text()
    finally:
        other.close()


def test_axe_finds_nothing_on_the_card_with_its_code(axe_page, live_server):
    sign_in_member(axe_page, live_server, HOLDER_CPF, DEMO_PASSWORD)
    code_on(axe_page.locator(".go-member-card").first)
    assert_no_axe_violations(axe_page)
    axe_page.goto(live_server + "/aparelhos")
    assert_no_axe_violations(axe_page)


def test_axe_finds_nothing_on_the_clinics_check(axe_page, live_server):
    axe_page.goto(live_server + "/verificar")
    assert_no_axe_violations(axe_page)
    axe_page.fill("#carteirinha", "123")
    axe_page.fill("#codigo", "12")
    axe_page.get_by_role("button", name="Conferir").click()
    assert axe_page.locator(".go-error-summary").is_visible()
    assert_no_axe_violations(axe_page)


def test_an_agent_signs_a_lost_phone_out_from_the_look_up(axe_page, browser, live_server, live_engine):
    page = axe_page
    phone = new_phone(browser)
    try:
        lost = phone.new_page()
        sign_in_member(lost, live_server, HOLDER_CPF, DEMO_PASSWORD)
        with Session(live_engine) as session:
            create_demo_agents(session)
            session.commit()
        sign_in_agent(page, live_server, "atendente")
        page.fill("#identificador", HOLDER_CPF)
        page.get_by_label("Ligação do beneficiário").check()
        page.get_by_role("button", name="Consultar").click()
        page.wait_for_url(re.compile(r".*/atendimento/consultas/\d+$"))
        devices = page.locator("#aparelhos .go-devices__item")
        assert devices.count() >= 1
        assert_no_axe_violations(page)
        devices.first.get_by_role("button", name=re.compile("^Desconectar")).click()  # the newest: the lost phone
        page.wait_for_url(re.compile(r".*desconectado=1#aparelhos$"))
        assert "Aparelho desconectado" in page.locator("#aparelhos").inner_text()
        assert_no_axe_violations(page)
        lost.goto(live_server + "/carteirinha")
        lost.wait_for_url(re.compile(r".*/entrar\?next="))  # signed out there
    finally:
        phone.close()


def test_without_javascript_the_card_keeps_the_servers_ten_minute_qr(nojs_page, live_server):
    sign_in_member(nojs_page, live_server, HOLDER_CPF, DEMO_PASSWORD)
    card = nojs_page.locator(".go-member-card").first
    assert card.locator(".js-code-qr svg").is_visible() and card.locator(".js-code-live").is_hidden()
    assert "vale por 10 minutos" in card.locator(".js-code-fallback").inner_text()
    assert inside(card.bounding_box(), 390, 844)
