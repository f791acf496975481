"""/minhas-carencias in a real browser: at 320 px, with JavaScript off, and axe.

A LEVE family of its own (LEVE's table is the longest: over a hundred items), made today with
the clock running: the holder joined 400 days ago (everything ended), the spouse 30 days ago
(the 60, 90 and 180 days still running), a child 5 days ago.
"""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, sign_in_member
from tests.support.members import add_family
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, demo_password_hash, make_cpf

SEED = 970
HOLDER_CPF = make_cpf(SEED)
URL = "/minhas-carencias"
NARROW = {"width": 320, "height": 640}


@pytest.fixture(scope="module", autouse=True)
def family(live_engine):
    today = clock.today()

    def day(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=clock.TIMEZONE)

    with Session(live_engine) as session:
        people = add_family(session, "leve-dental-rj-1-adesao", [
            ("Renata Lopes", "titular", day(400)), ("Marcos Lopes", "conjuge", day(30)),
            ("Iara Lopes", "filho", day(5))], seed=SEED)
        people[0].password_hash = demo_password_hash()
        session.commit()


def test_usable_at_320_px_with_the_first_pending_item_above_the_fold(browser, live_server, tmp_path):
    context = browser.new_context(viewport=NARROW, locale="pt-BR", bypass_csp=True)  # CSP bypass: axe only
    page = context.new_page()
    try:
        sign_in_member(page, live_server, HOLDER_CPF, DEMO_PASSWORD, next_path=URL)
        assert page.locator("h1").inner_text() == "Minhas carências"
        page.screenshot(path=str(tmp_path / "minhas-carencias-320.png"))  # kept by pytest for a look on failure
        first = page.locator(".go-releases__date .go-releases__item").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= NARROW["height"], box
        assert "Marcos Lopes" in page.locator(".go-releases").nth(1).inner_text()  # the holder's all ended
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=NARROW, locale="pt-BR", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_member(page, live_server, HOLDER_CPF, DEMO_PASSWORD, next_path=URL)
        done = page.locator(".go-releases__done").first
        assert not done.locator(".go-releases__item").first.is_visible()
        done.locator("summary").click()  # a native <details>: no script needed
        assert done.locator(".go-releases__item").first.is_visible()
        assert page.locator(".go-releases__date").count() >= 3  # the spouse's 60, 90 and 180 days
    finally:
        context.close()
