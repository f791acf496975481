"""The card leaves the phone when the session ends anywhere (issue 12, item 6).

The service worker keeps the last good copy of the card and plan pages for offline use; these
tests end the session in every way but the phone's own "Sair" (that one is in
test_members_browser.py) and check that the copies are gone — in Cache Storage itself, and
offline, where the card must no longer open.
"""

import re

import pytest
from sqlalchemy.orm import Session

from tests.support.browser import new_phone, serving, sign_in_member, wait_for_service_worker
from webapp import create_app
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf

HOLDER_CPF = make_cpf(41)  # the SINTAEMA MASTER family
PLAN = "sintaema-master"
SHORT_SESSION_SECONDS = 5

CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) { paths.push(new URL(request.url).pathname); }
  }
  return paths;
}"""


@pytest.fixture(scope="module", autouse=True)
def demo_families(live_engine):
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        session.commit()


@pytest.fixture
def new_context(browser):
    """Phones (browser contexts: each its own cookies, service worker and caches)."""
    contexts = []

    def make():
        contexts.append(new_phone(browser))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def short_session_server(live_engine):
    """The app with sessions that expire after a few seconds without a request."""
    app = create_app({"TESTING": True, "DATABASE_ENGINE": live_engine, "SECRET_KEY": "browser-tests",
                      "PERMANENT_SESSION_LIFETIME": SHORT_SESSION_SECONDS})
    with serving(app) as url:
        yield url


def member_pages_cached(page) -> list[str]:
    return sorted(p for p in page.evaluate(CACHED_PATHS) if p == "/carteirinha" or p.startswith("/planos/"))


def open_card_and_keep_it(page, base):
    """Signs in, opens the card through the service worker, which keeps a copy."""
    sign_in_member(page, base, HOLDER_CPF, DEMO_PASSWORD)
    wait_for_service_worker(page)
    page.reload()
    assert member_pages_cached(page) == ["/carteirinha"]


def assert_no_card_offline(context, page, base):
    context.set_offline(True)
    page.goto(base + "/carteirinha")
    assert page.locator("h1").inner_text() == "Sem conexão"
    assert page.locator(".go-member-card").count() == 0 and "Antônio" not in page.content()
    assert member_pages_cached(page) == []
    context.set_offline(False)


def test_signing_out_on_another_device_drops_the_card_at_the_next_online_contact(new_context, live_server):
    phone = new_context()
    page = phone.new_page()
    open_card_and_keep_it(page, live_server)

    laptop = new_context().new_page()
    sign_in_member(laptop, live_server, HOLDER_CPF, DEMO_PASSWORD)
    laptop.get_by_role("button", name=re.compile("^Sair")).click()
    laptop.wait_for_url(re.compile(r".*/entrar\?saiu=1$"))  # the phone's cookie is dead on the server now

    page.reload()  # online: the card answers with a redirect to the sign-in page
    page.wait_for_url(re.compile(r".*/entrar\?next="))
    assert member_pages_cached(page) == []
    assert_no_card_offline(phone, page, live_server)


def test_a_lost_cookie_drops_the_card_at_the_next_page_of_any_kind(new_context, live_server):
    phone = new_context()
    page = phone.new_page()
    open_card_and_keep_it(page, live_server)
    page.goto(live_server + f"/planos/{PLAN}")
    assert member_pages_cached(page) == ["/carteirinha", f"/planos/{PLAN}"]

    phone.clear_cookies()
    page.goto(live_server + "/rede")  # not a page the worker keeps: it still learns the session is over
    assert member_pages_cached(page) == []
    assert_no_card_offline(phone, page, live_server)


def test_an_htmx_request_is_an_online_contact_too(new_context, live_server):
    phone = new_context()
    page = phone.new_page()
    open_card_and_keep_it(page, live_server)
    page.goto(live_server + f"/planos/{PLAN}/coberturas")
    assert member_pages_cached(page) == ["/carteirinha", f"/planos/{PLAN}/coberturas"]

    phone.clear_cookies()
    with page.expect_response(lambda r: "/coberturas?q=canal" in r.url):
        page.fill("#q", "canal")  # "posso fazer?" asks for its results with htmx, no navigation
    page.wait_for_url(re.compile(r".*/coberturas\?q=canal$"))
    assert member_pages_cached(page) == []


def test_offline_the_card_lasts_only_as_long_as_its_session_could(new_context, short_session_server):
    phone = new_context()
    page = phone.new_page()
    open_card_and_keep_it(page, short_session_server)

    phone.set_offline(True)
    page.reload()
    assert page.locator(".go-member-card").count() == 1  # still possibly alive: shown (MASTER: a holder alone)

    page.wait_for_timeout((SHORT_SESSION_SECONDS + 1) * 1000)  # the cookie has expired by now
    page.reload()
    assert page.locator("h1").inner_text() == "Sem conexão"
    assert page.locator(".go-member-card").count() == 0
    assert member_pages_cached(page) == []
    phone.set_offline(False)
