"""/minhas-carencias: the signed-in member's and their family's waiting periods, every item
named, by the date it ends — through HTTP, on SQLite and PostgreSQL.

The expected items and periods come from ``tests/plans/expected_waiting_periods.py`` (typed from
LEVE's clause 13.3, independently of the catalog) and the dates from plain calendar arithmetic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.plans.expected_waiting_periods import CASES, LEVE, LEVE_BEYOND_TABLE
from tests.support.agents import agent_named, agent_session
from tests.support.databases import BACKENDS
from tests.support.members import add_family, demo_families, member_session
from tests.support.pages import text_of
from webapp.core.clock import TIMEZONE
from webapp.plans import services
from webapp.plans.releases import family_releases, merge_repeated
from webapp.plans.schedules import family_schedules

NOW = datetime(2026, 2, 15, 12, 0, tzinfo=TIMEZONE)
HOLDER_IN = datetime(2025, 12, 20, tzinfo=TIMEZONE)  # 00:00
SPOUSE_IN = datetime(2026, 2, 1, 14, 0, tzinfo=TIMEZONE)
CHILD_IN = datetime(2026, 2, 15, 9, 0, tzinfo=TIMEZONE)  # this morning: even 24 h still running
URL = "/minhas-carencias"

# LEVE's table 13.3, one entry per wording (a row repeated under a second heading is one item).
LEVE_TABLE = {wording: period for slug, wording, _, period in CASES if slug == LEVE
              and (slug, wording, _, period) not in LEVE_BEYOND_TABLE}
# The catalog adds one statement to the table: the urgency of cláusula 14.1, after 24 hours.
LEVE_TABLE["Atendimento de urgência e emergência, conforme procedimentos listados na cláusula 14.1"] = "24h"


def ends(inclusion: datetime, period: str) -> datetime:
    amount, unit = int(period[:-1]), period[-1]
    if unit == "h":
        return inclusion + timedelta(hours=amount)
    return datetime.combine(inclusion.date() + timedelta(days=amount), inclusion.time(), tzinfo=TIMEZONE)


def expected(inclusion: datetime) -> tuple[dict[str, set[str]], set[str]]:
    """Pending wordings by end (ISO, to the minute) and the wordings already free at NOW."""
    pending: dict[str, set[str]] = {}
    free = set()
    for wording, period in LEVE_TABLE.items():
        moment = ends(inclusion, period)
        if moment > NOW:
            pending.setdefault(moment.isoformat(timespec="minutes"), set()).add(wording)
        else:
            free.add(wording)
    return pending, free


@pytest.fixture
def leve_family(session, frozen_clock):
    frozen_clock(NOW)
    return add_family(session, LEVE, [("Helena Prado", "titular", HOLDER_IN),
                                      ("Caio Prado", "conjuge", SPOUSE_IN),
                                      ("Lia Prado", "filho", CHILD_IN)])


def person_sections(page):
    return page.select("main section.go-releases")


def pending_of(section) -> list[tuple[str, set[str]]]:
    return [(block.select_one("time")["datetime"], {text_of(label) for label in block.select(".go-releases__label")})
            for block in section.select(".go-releases__date")]


def released_of(section) -> set[str]:
    return {text_of(label) for label in section.select(".go-releases__done .go-releases__label")}


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_every_item_of_each_person_by_the_date_it_ends(client, leve_family):
    holder, spouse, child = leve_family
    member_session(client, holder)
    response = client.get(URL)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    page = client.page(URL)
    sections = person_sections(page)
    assert [text_of(s.h2) for s in sections] == [
        "Você (Helena Prado)", "Caio Prado (cônjuge)", "Lia Prado (filho ou filha)"]
    assert [s["id"] for s in sections] == [f"pessoa-{m.id}" for m in leve_family]
    for section, inclusion in zip(sections, (HOLDER_IN, SPOUSE_IN, CHILD_IN)):
        pending, free = expected(inclusion)
        shown = pending_of(section)
        assert [moment for moment, _ in shown] == sorted(pending), section.h2  # by date, soonest first
        assert dict(shown) == pending, section.h2  # every wording of the table, under its date
        assert released_of(section) == free, section.h2
        assert len(section.select(".go-releases__item")) == len(LEVE_TABLE)  # each item once
    # Dates in pt-BR, with the time when the period does not end at 00:00.
    holder_dates = [text_of(h) for h in sections[0].select(".go-releases__when")]
    assert holder_dates == ["A partir de quarta-feira, 18 de fevereiro de 2026",
                            "A partir de sexta-feira, 20 de março de 2026",
                            "A partir de quinta-feira, 18 de junho de 2026"]
    assert text_of(sections[1].select_one(".go-releases__when")) == "A partir de quinta-feira, 2 de abril de 2026 às 14:00"
    assert text_of(sections[2].select_one(".go-releases__when")) == "A partir de segunda-feira, 16 de fevereiro de 2026 às 09:00"
    # Each item cites its clause, and the headings of the table it is listed under.
    first = sections[0].select_one(".go-releases__date .go-releases__item")
    assert text_of(first.select_one(".go-ref")).endswith("cláusula 13)")
    pulpotomy = next(li for li in sections[2].select(".go-releases__item") if "Pulpotomia" in text_of(li))
    assert "Urgência, Odontopediatria" in text_of(pulpotomy)
    # Ended ones are folded; a summary says how many are still running and until when.
    assert sections[0].select_one("details.go-releases__done summary") is not None
    assert "até 18/06/2026" in text_of(sections[0].select_one(".go-releases__summary"))


def test_a_dependant_sees_only_themself(client, leve_family):
    holder, spouse, child = leve_family
    member_session(client, spouse)
    page = client.page(URL)
    assert [text_of(s.h2) for s in person_sections(page)] == ["Você (Caio Prado)"]
    assert "Helena" not in text_of(page.main) and "Lia Prado" not in text_of(page.main)


def test_another_familys_member_cannot_see_it(client, session, leve_family):
    (other,) = add_family(session, LEVE, [("Otávio Reis", "titular", datetime(2026, 1, 5, tzinfo=TIMEZONE))], seed=950)
    member_session(client, other)
    for url in (URL, f"{URL}?pessoa={leve_family[0].id}", f"{URL}#pessoa-{leve_family[1].id}"):
        main = text_of(client.page(url).main)
        assert "Otávio Reis" in main
        assert not any(name in main for name in ("Helena", "Caio Prado", "Lia Prado")), url


def test_it_needs_sign_in(client, leve_family):
    response = client.get(URL)
    assert response.status_code == 303 and response.headers["Location"].endswith("/entrar?next=/minhas-carencias")


def test_an_agent_session_is_refused(client, session):
    demo_families(session, NOW.date())
    from webapp.agents.demo import create_demo_agents

    create_demo_agents(session)
    agent_session(client, agent_named(session, "atendente"))
    assert client.get(URL).status_code == 403


def test_an_exemption_frees_everything_from_the_inclusion(client, session, frozen_clock):
    frozen_clock(NOW)
    product = services.get_product(session, "sintaema-master")
    code = next(e.code for e in product.exemptions if e.effect == "waive_all")
    (person,) = add_family(session, "sintaema-master", [("Rita Dias", "titular", SPOUSE_IN)], exemption=code)
    member_session(client, person)
    (section,) = person_sections(client.page(URL))
    assert section.select(".go-releases__date") == []
    assert "Tudo liberado desde 01/02/2026 às 14:00" in text_of(section)
    assert "Sem carência" in text_of(section.select_one(".go-releases__since"))


def test_the_card_and_the_home_link_to_it(client, leve_family):
    holder, spouse, child = leve_family
    member_session(client, holder)
    card = client.page("/carteirinha")
    assert [a["href"] for a in card.select(".go-member-card a[href^='/minhas-carencias']")] == [
        f"{URL}#pessoa-{m.id}" for m in leve_family]
    assert client.page("/").select_one(f"main a[href='{URL}']") is not None


def test_the_plan_page_links_to_it_instead_of_the_grouped_list(client, leve_family):
    member_session(client, leve_family[0])
    page = client.page(f"/planos/{LEVE}")
    notice = page.select_one("#carencias #suas-carencias")
    assert notice.find("a", href=URL) is not None
    assert "itens da tabela" not in text_of(page) and page.select(".go-personal__item") == []
    # The public part stays: the document's table, the calculator.
    assert page.select_one("#carencias form")["action"] == f"/planos/{LEVE}/carencias"
    assert "Pulpotomia" in text_of(page.select_one("#carencias"))


def test_repeated_rows_are_one_item_with_both_headings(session):
    product = services.get_product(session, LEVE)
    from tests.support.plans import family_member

    (schedule,) = family_schedules(product, [family_member(1, "Ana", "titular", HOLDER_IN)])
    items = merge_repeated(schedule)
    assert len(items) == len(LEVE_TABLE) < len(schedule.rows)
    pulpotomy = next(i for i in items if i.label == "Pulpotomia")
    assert pulpotomy.sections == ("Urgência", "Odontopediatria")
    (person,) = family_releases(product, [family_member(1, "Ana", "titular", HOLDER_IN)], NOW)
    assert person.pending_count + len(person.released) == len(LEVE_TABLE)
    assert person.last_release == datetime(2026, 6, 18, tzinfo=TIMEZONE)
