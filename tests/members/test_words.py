"""Words a person would write: a moment with one "às", kinship without nested brackets and by
the person's sex, a suspended or cancelled plan said plainly — through the pages that show them."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

import webapp
from tests.support.agents import demo_world_on_today, look_up, lookup_id
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import LEVE, family_of, holder_cpf, member_by_cpf, member_session
from webapp.core.clock import TIMEZONE
from webapp.core.formatting import dinheiro, quando, valor
from webapp.members.models import Member
from webapp.members.services import status_notice
from webapp.plans.services import KINSHIP_WORDS, kinship_name

MASTER = 4  # family number of SINTAEMA MASTER's holder alone
PACKAGE = Path(webapp.__file__).parent


@pytest.fixture
def families(session, frozen_clock):
    """The agents' world (demo families and agents on TODAY, the clock stopped there), not the
    members' conftest's, whose clock runs."""
    return demo_world_on_today(session, frozen_clock)


def test_quando_brings_its_own_words(frozen_clock):
    frozen_clock(datetime(2026, 12, 6, 22, 47, tzinfo=TIMEZONE))
    assert quando(datetime(2026, 12, 6, 23, 17, tzinfo=TIMEZONE)) == "hoje às 23:17"
    assert quando(datetime(2026, 12, 7, 2, 17, tzinfo=TIMEZONE)) == "amanhã às 02:17"
    assert quando(datetime(2026, 12, 9, 11, 0, tzinfo=TIMEZONE)) == "em 09/12/2026 às 11:00"
    # Stored moments are UTC: 02:30 UTC on the 7th is still the 6th in São Paulo.
    assert quando(datetime(2026, 12, 7, 2, 30, tzinfo=TIMEZONE).astimezone(TIMEZONE)) == "amanhã às 02:30"
    assert quando(None) == ""


def test_money_goes_through_babel():
    assert dinheiro(123456) == "R$\xa01.234,56"
    assert valor(123456) == "1234,56" and dinheiro(None) == valor(None) == ""


SOURCES = sorted([*PACKAGE.rglob("templates/**/*.html"), *PACKAGE.rglob("*.py")])
# "às" (or "em") written before a moment that already says "às HH:MM".
DOUBLE_AS = re.compile(r"\b(?:às|em)\s*(?:\{\{|['\"]\s*~)\s*[^}~]*?(?:\|\s*(?:data_hora|quando)\b|moment_text\()")


def test_no_text_writes_a_preposition_before_a_moment_that_brings_its_own():
    hits = [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for path in SOURCES
            for m in DOUBLE_AS.finditer(path.read_text(encoding="utf-8"))
            if not (m.group(0).startswith("em") and "quando" not in m.group(0))]
    assert hits == []
    assert DOUBLE_AS.search("a tela fecha às {{ closes_at|data_hora }}"), "the scan must see the old text"
    assert DOUBLE_AS.search("aberta em {{ at|quando }}")


def test_dates_are_not_formatted_by_hand():
    """dd/mm/aaaa comes from Babel (core/formatting.py), not from strftime or a format spec."""
    by_hand = re.compile(r"strftime\([\"']%d/%m|:%d/%m/%Y")
    assert [str(p.relative_to(PACKAGE)) for p in SOURCES if by_hand.search(p.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize(("kinship", "sex", "words"), [
    ("filho", "M", "filho"), ("filho", "F", "filha"), ("filho", None, "filho ou filha"),
    ("companheiro", "F", "companheira"), ("pai-mae", "M", "pai"), ("pai-mae", None, "pai ou mãe"),
    ("avo", "F", "avó"), ("conjuge", "F", "cônjuge"), ("titular", None, "titular"),
    ("filho-invalido", "M", "filho com invalidez"), ("primo-distante", None, "primo distante"),
])
def test_kinship_in_words(kinship, sex, words):
    assert kinship_name(kinship, sex) == words


def test_no_kinship_word_carries_brackets():
    assert not [w for words in KINSHIP_WORDS.values() for w in words if "(" in w or ")" in w]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_agents_page_says_kinship_in_words_and_one_as(agent_client, families):
    entry_id = lookup_id(look_up(agent_client, holder_cpf(LEVE)))
    page = agent_client.page(f"/atendimento/consultas/{entry_id}")
    people = {a.h3.get_text(" ", strip=True).removesuffix(" consultado"): a.get_text(" ", strip=True)
              for a in page.select(".go-agent-person")}
    assert "Vínculo Dependente (filho)" in people["Davi Barbosa"]
    assert "Vínculo Dependente (cônjuge)" in people["Patrícia Barbosa"]
    assert "(a)" not in page.get_text() and "))" not in page.get_text()
    intro = page.find(string=re.compile("a tela fecha")).parent.get_text(" ", strip=True)
    assert re.search(r"Aberta hoje às \d\d:\d\d; a tela fecha hoje às \d\d:\d\d\.", intro), intro
    assert not people["Davi Barbosa"].count("Plano suspenso")


def test_the_waiting_periods_page_names_each_person_by_kinship_and_sex(client, families):
    holder, spouse, child = family_of(families, LEVE)
    member_session(client, holder)
    page = client.page("/minhas-carencias")
    names = [h.get_text(" ", strip=True) for h in page.select("h2, h3") if "Barbosa" in h.get_text()]
    assert "Davi Barbosa (filho)" in names and "Patrícia Barbosa (cônjuge)" in names, names
    families.execute(update(Member).where(Member.id == child.id).values(sex=None))
    families.flush()
    assert "Davi Barbosa (filho ou filha)" in client.page("/minhas-carencias").get_text(" ")


def test_status_notice_in_plain_words():
    assert status_notice(Member(status="ativo")) is None
    assert status_notice(Member(status="suspenso")).startswith("Plano suspenso: ")
    assert "procure a operadora" in status_notice(Member(status="suspenso")).lower()
    assert status_notice(Member(status="cancelado", cancelled_on=date(2026, 11, 5))).startswith(
        "Plano cancelado em 05/11/2026: ")
    assert status_notice(Member(status="cancelado")).startswith("Plano cancelado: ")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_suspended_or_cancelled_member_is_shown_so_on_the_agents_page(agent_client, families):
    _holder, spouse, _child = family_of(families, LEVE)
    families.execute(update(Member).where(Member.id == spouse.id).values(status="suspenso"))
    master = member_by_cpf(families, holder_cpf(MASTER))
    families.execute(update(Member).where(Member.id == master.id)
                     .values(status="cancelado", cancelled_on=date(2026, 11, 5)))
    families.flush()
    page = agent_client.page(f"/atendimento/consultas/{lookup_id(look_up(agent_client, spouse.card_number))}")
    notice = page.select_one(".go-agent-person .go-inset").get_text(" ", strip=True)
    assert notice.startswith("Plano suspenso: ") and "Situação Suspenso" in page.get_text(" ", strip=True)
    page = agent_client.page(f"/atendimento/consultas/{lookup_id(look_up(agent_client, master.card_number))}")
    assert page.select_one(".go-agent-person .go-inset").get_text(" ", strip=True).startswith(
        "Plano cancelado em 05/11/2026: ")
    assert TODAY > date(2026, 11, 5)


def test_the_statements_person_choice_names_each_person_by_kinship(client, families):
    holder, _spouse, _child = family_of(families, LEVE)
    member_session(client, holder)
    page = client.page("/extrato")
    options = [o.get_text(strip=True) for o in page.select("select[name=pessoa] option")]
    assert {"Luiz Henrique Barbosa (titular)", "Patrícia Barbosa (cônjuge)", "Davi Barbosa (filho)"} <= set(options)
