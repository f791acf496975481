""""Posso fazer?" on a 320 px phone, signed in: the one-line answer per person is above the fold."""

import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.support.browser import sign_in_member
from webapp.core import clock
from webapp.members.demo import create_demo_families, make_cpf

LEVE = "leve-dental-rj-1-adesao"
HOLDER_CPF = make_cpf(61)  # the LEVE family: holder (420 days in), spouse (45 days), child (10 days)
SMALL_PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="module", autouse=True)
def demo_families(live_engine):
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        session.commit()


def test_canal_signed_in_shows_one_line_per_person_above_the_fold(browser, live_server):
    context = browser.new_context(viewport=SMALL_PHONE, locale="pt-BR")
    try:
        page = context.new_page()
        path = f"/planos/{LEVE}/coberturas?q=canal"
        sign_in_member(page, live_server, HOLDER_CPF, next_path=path)
        line = page.locator(".go-verdict__line")
        people = page.locator(".go-verdict__person")
        assert people.count() == 3
        text = re.sub(r"\s+", " ", line.inner_text()).strip()
        # 180 days (LEVE 13.3): the holder is free; spouse (included at 14:00) and child get their dates.
        spouse_date = (clock.today() - timedelta(days=45) + timedelta(days=180)).strftime("%d/%m/%Y")
        assert text.startswith(f"Coberto · você já pode · Patrícia a partir de {spouse_date} às 14:00 · Davi a partir de ")
        assert text.endswith(" · precisa de autorização prévia")
        item = page.locator(".go-verdict__item").inner_text()
        assert item.startswith("Tratamento endodôntico") and "decíduo" not in item
        for i in range(people.count()):
            box = people.nth(i).bounding_box()
            assert box is not None and box["y"] + box["height"] <= SMALL_PHONE["height"], people.nth(i).inner_text()
        wide = page.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 320)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))""")
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"], wide
    finally:
        context.close()
