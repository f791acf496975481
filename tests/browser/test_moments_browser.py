"""Member moments in a real browser, on a phone (390×844) and a small one (320×640): the home
screen signed in, Urgência online and offline (signed in and out), JavaScript off, axe."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, sign_in_member, wait_for_service_worker
from webapp.core import clock
from webapp.history.demo import create_demo_history
from webapp.members.demo import create_demo_families, make_cpf
from webapp.members.models import Member

HOLDER_CPF = make_cpf(11)  # the CASSEMS family: a holder, a spouse and a child
PLAN = "cassems-odonto"
URGENCY_LINE = "tel:08000000552"
SIZES = {"390x844": {"width": 390, "height": 844}, "320x640": {"width": 320, "height": 640}}


@pytest.fixture(scope="module", autouse=True)
def family(live_engine):
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        create_demo_history(session, clock.today())
        session.commit()
        holder = session.scalars(select(Member).where(Member.cpf == HOLDER_CPF)).one()
        return [holder.name] + sorted((d.name for d in holder.dependants), key=lambda n: n)


@pytest.fixture(params=list(SIZES))
def phone(request, browser):
    context = browser.new_context(viewport=SIZES[request.param], locale="pt-BR")
    yield context
    context.close()


def above_the_fold(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def assert_urgency_for_the_members_plan(page):
    call = page.locator("main a.go-urgency__call")
    assert call.get_attribute("href") == URGENCY_LINE and above_the_fold(page, call)
    near = page.locator(".go-urgency__link a")
    query = parse_qs(urlsplit(near.get_attribute("href")).query)
    assert urlsplit(near.get_attribute("href")).path == "/rede" and query == {"plano": [PLAN], "urgencia": ["1"]}
    assert above_the_fold(page, near)
    assert no_horizontal_scroll(page)


def test_home_shows_each_card_front_and_the_four_actions_above_the_fold(phone, live_server, family):
    page = phone.new_page()
    sign_in_member(page, live_server, HOLDER_CPF)
    page.goto(live_server + "/")
    cards = page.locator(".go-card-mini")
    names = cards.locator("h2").all_inner_texts()
    assert names[0] == family[0] and sorted(names) == sorted(family)
    for i in range(cards.count()):
        assert above_the_fold(page, cards.nth(i)), i  # side by side: in the fold's height, a swipe away
    actions = page.locator(".go-home-actions a")
    assert actions.all_inner_texts() == ["Urgência", "Buscar dentista", "Extrato", "Meu plano"]
    for i in range(4):
        assert above_the_fold(page, actions.nth(i)), i
    assert no_horizontal_scroll(page)
    # A swipe (here: scrolling the strip) brings the last person's card into view, whole.
    cards.last.scroll_into_view_if_needed()
    box, width = cards.last.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.locator(".go-home-actions a", has_text="Buscar dentista").get_attribute("href") == f"/rede?plano={PLAN}"


def test_urgency_shortcut_online_and_offline_signed_in(phone, live_server):
    page = phone.new_page()
    sign_in_member(page, live_server, HOLDER_CPF)
    wait_for_service_worker(page)
    page.goto(live_server + "/urgencia")  # through the service worker, which keeps a copy
    assert_urgency_for_the_members_plan(page)
    phone.set_offline(True)
    page.reload()
    assert_urgency_for_the_members_plan(page)
    page.goto(live_server + "/")  # never opened: no copy of the home page
    page.goto(live_server + "/urgencia")  # the shortcut, offline
    assert_urgency_for_the_members_plan(page)
    phone.set_offline(False)


def test_home_offline_from_the_last_good_copy_and_gone_after_sign_out(context, live_server, family):
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF)
    wait_for_service_worker(page)
    page.goto(live_server + "/")
    updated = page.locator(".go-home__updated").inner_text()
    context.set_offline(True)
    page.reload()
    assert page.locator(".go-home__updated").inner_text() == updated
    assert sorted(page.locator(".go-card-mini h2").all_inner_texts()) == sorted(family)
    context.set_offline(False)

    page.get_by_role("button", name=re.compile("^Sair")).click()
    page.wait_for_url(re.compile(r".*/entrar\?saiu=1$"))
    wait_for_service_worker(page)  # the new worker of the signed-out phone
    context.set_offline(True)
    try:
        page.goto(live_server + "/")
    except Exception:  # noqa: BLE001 - the browser's own offline error is fine too
        pass
    assert page.locator(".go-card-mini").count() == 0 and family[0] not in page.content()
    context.set_offline(False)


def test_signed_out_offline_the_shortcut_still_gives_the_phones(context, live_server):
    page = context.new_page()
    page.goto(live_server + "/")
    wait_for_service_worker(page)
    page.reload()
    context.set_offline(True)
    page.goto(live_server + "/urgencia")
    assert page.locator("h1").inner_text() == "Urgência" and page.locator("select#plano").count() == 1
    page.goto(live_server + f"/urgencia?plano={PLAN}")  # never opened: the plan choice, with every plan's phone
    assert page.locator(f"#telefone-{PLAN} a").get_attribute("href") == URGENCY_LINE
    context.set_offline(False)


def test_without_javascript_the_plan_choice_works(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/urgencia")
    page.select_option("#plano", PLAN)
    page.get_by_role("button", name="Ver o telefone e os dentistas 24 h").click()
    page.wait_for_url(re.compile(rf".*/urgencia\?plano={PLAN}$"))
    assert_urgency_for_the_members_plan(page)
    assert page.get_by_role("button", name="Usar minha localização").is_hidden()  # needs JavaScript
    page.fill("#cidade", "Campo Grande")
    page.get_by_role("button", name=re.compile("^Buscar dentistas 24 h")).click()
    page.wait_for_url(re.compile(r".*/rede\?"))
    assert parse_qs(urlsplit(page.url).query) == {"plano": [PLAN], "urgencia": ["1"], "cidade": ["Campo Grande"]}

    page.goto(live_server + "/urgencia")
    page.select_option("#plano", PLAN)
    page.get_by_role("button", name="Ir direto à busca 24 h").click()
    page.wait_for_url(re.compile(r".*/rede\?"))
    assert parse_qs(urlsplit(page.url).query) == {"plano": [PLAN], "urgencia": ["1"]}
    assert page.locator("#plano").input_value() == PLAN and page.locator("input[name=urgencia]").is_checked()


def test_my_location_goes_to_the_24h_search_nearby(browser, live_server):
    context = browser.new_context(viewport=SIZES["390x844"], locale="pt-BR", permissions=["geolocation"],
                                  geolocation={"latitude": -20.4697, "longitude": -54.6201})
    try:
        page = context.new_page()
        page.goto(live_server + f"/urgencia?plano={PLAN}")
        page.get_by_role("button", name="Usar minha localização").click()
        page.wait_for_url(re.compile(r".*/rede\?"))
        assert parse_qs(urlsplit(page.url).query) == {"plano": [PLAN], "urgencia": ["1"], "lat": ["-20.46970"],
                                                     "lon": ["-54.62010"]}
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/urgencia", "/urgencia?plano=leve-dental-rj-1-adesao", "/urgencia?plano=x",
                                  "@/", "@/urgencia"])
@pytest.mark.parametrize("width", [390, 320])
def test_axe_finds_nothing(axe_page, live_server, path, width):
    axe_page.set_viewport_size({"width": width, "height": 844 if width == 390 else 640})
    if path.startswith("@"):
        path = path[1:]
        sign_in_member(axe_page, live_server, HOLDER_CPF)
    axe_page.goto(live_server + path)
    assert_no_axe_violations(axe_page)


def test_the_statement_at_320_px_puts_the_list_first(browser, live_server):
    context = browser.new_context(viewport=SIZES["320x640"], locale="pt-BR")
    try:
        page = context.new_page()
        sign_in_member(page, live_server, HOLDER_CPF, next_path="/extrato")
        first = page.locator(".go-event").first
        assert above_the_fold(page, first.locator(".go-event__title"))  # the first procedure, before the filters
        assert page.locator("#filtros").is_hidden()  # folded into "Filtrar"
        assert no_horizontal_scroll(page)
        totals = page.locator("#totais-ano")
        totals.scroll_into_view_if_needed()
        box = totals.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320  # every column, stacked, no scrolling
        assert page.locator("#totais-ano").evaluate("t => t.scrollWidth <= t.clientWidth")
        page.locator(".go-statement__filter-summary").click()
        assert page.locator("#filtros").is_visible() and no_horizontal_scroll(page)
        assert_no_axe_violations_with(browser, live_server, "/extrato", SIZES["320x640"])
    finally:
        context.close()


def assert_no_axe_violations_with(browser, live_server, path, viewport):
    context = browser.new_context(viewport=viewport, locale="pt-BR", bypass_csp=True)
    try:
        page = context.new_page()
        sign_in_member(page, live_server, HOLDER_CPF, next_path=path)
        assert_no_axe_violations(page)
    finally:
        context.close()
