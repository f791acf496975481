"""How "N dias" and "24 horas" are counted from an inclusion, at the edges (README, Decisions:
"Counting waiting periods").

The day of inclusion is the first day of the period: N days from 10/01 end at the end of day N
and the procedure is free from 00:00 of the next day (11/03 for 60 days).  Código Civil art.
132 read strictly (the first day excluded) would free it one day later (12/03); the documents
count "a partir da data de início de vigência", and where in doubt the member's reading wins.
Hours run minute by minute from the inclusion moment (art. 132, § 4º); a bare date starts at
00:00.  Each row is checked through HTTP: the calculator page one minute before and at the
moment it frees, and the JSON twin's ``liberado_em``.
"""

from datetime import date, datetime, timedelta

import pytest

from tests.support.databases import BACKENDS
from tests.support.members import add_family, member_session
from tests.support.pages import text_of
from webapp.core.clock import TIMEZONE

# (product, the statement's period as the page shows it, inclusion day, first day it is free)
EDGES = [
    ("cassems-odonto", "60 dias", date(2026, 1, 10), date(2026, 3, 11)),  # 10/01 is day 1, 10/03 day 60
    ("cassems-odonto", "60 dias", date(2028, 1, 1), date(2028, 3, 1)),  # across 29/02 of a leap year
    ("cassems-odonto", "60 dias", date(2027, 1, 1), date(2027, 3, 2)),  # the same days without one
    ("cassems-odonto", "24 horas", date(2026, 1, 10), date(2026, 1, 11)),  # a bare date is 00:00
    ("cassems-odonto", "24 horas", date(2026, 12, 31), date(2027, 1, 1)),  # across the year's end
    ("sintaema-master", "90 dias", date(2026, 11, 30), date(2027, 2, 28)),
    ("sintaema-master", "sem carência", date(2026, 2, 15), date(2026, 2, 15)),  # free on the day itself
    ("sao-cristovao-odontologico", "24 horas", date(2026, 3, 31), date(2026, 4, 1)),
    ("sao-cristovao-odontologico", "60 dias", date(2026, 1, 31), date(2026, 4, 1)),
    ("sao-cristovao-odontologico", "90 dias", date(2026, 1, 10), date(2026, 4, 10)),
    ("leve-dental-rj-1-adesao", "180 dias", date(2027, 9, 2), date(2028, 2, 29)),
    ("leve-dental-rj-1-adesao", "24 horas", date(2026, 2, 28), date(2026, 3, 1)),
]


def row_with_period(page, period: str) -> str:
    """The date cell of the calculator's first row whose period is *period*."""
    for tr in page.select("#datas tbody tr"):
        cells = [text_of(td) for td in tr.find_all("td")]
        if cells[1] == period:
            return cells[2]
    raise AssertionError(f"nenhuma linha com {period}")


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TIMEZONE)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("slug", "period", "inclusion", "free_from"), EDGES)
def test_a_period_frees_at_00_00_after_its_last_day(client, frozen_clock, slug, period, inclusion, free_from):
    url = f"/planos/{slug}/carencias?inclusao={inclusion.isoformat()}"
    shown = free_from.strftime("%d/%m/%Y")
    if free_from > inclusion:
        frozen_clock(midnight(free_from) - timedelta(minutes=1))  # 23:59 of the period's last day
        assert row_with_period(client.page(url), period) == shown
    frozen_clock(midnight(free_from))
    assert row_with_period(client.page(url), period) == f"{shown} já liberado"
    body = client.get(f"/api/v1/planos/{slug}/carencias?inclusao={inclusion.isoformat()}").get_json()
    carencia = ({"dias": 0} if period == "sem carência" else
                {"horas": 24} if period == "24 horas" else {"dias": int(period.split()[0])})
    assert midnight(free_from).isoformat() in {
        i["liberado_em"] for i in body["itens"] if i["carencia"] == carencia}


def test_the_calculator_says_how_it_counts(client):
    page = client.page("/planos/cassems-odonto/carencias?inclusao=2026-01-10")
    rule = text_of(page.select_one("#datas #contagem"))
    assert "O dia da inclusão conta como o 1º dia" in rule and "00:00 do dia seguinte" in rule
    assert "As horas contam minuto a minuto" in rule


# A member whose inclusion has a time: the hours run from that minute (art. 132, § 4º), and days
# keep the time: the member's own page ("Minhas carências") lists the item under "às 16:20" until
# that minute, then among those already free.
TIMED_INCLUSION = datetime(2026, 2, 14, 16, 20, tzinfo=TIMEZONE)
TIMED = [
    (datetime(2026, 2, 15, 16, 19, tzinfo=TIMEZONE), "24 horas", "2026-02-15T16:20-03:00"),
    (datetime(2026, 2, 15, 16, 20, tzinfo=TIMEZONE), "24 horas", None),
    (datetime(2026, 4, 15, 16, 19, tzinfo=TIMEZONE), "60 dias", "2026-04-15T16:20-03:00"),
    (datetime(2026, 4, 15, 16, 20, tzinfo=TIMEZONE), "60 dias", None),
]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("now", "period", "pending_until"), TIMED)
def test_an_inclusion_with_a_time_counts_from_that_minute(client, session, frozen_clock, now, period, pending_until):
    frozen_clock(now)
    (holder,) = add_family(session, "cassems-odonto", [("Ana Souza", "titular", TIMED_INCLUSION)])
    member_session(client, holder)
    page = client.page("/minhas-carencias")
    pending = {block.select_one("time")["datetime"] for block in page.select(".go-releases__date")
               if period in text_of(block.select_one(".go-releases__period"))}
    assert pending == ({pending_until} if pending_until else set()), text_of(page.select_one("main"))
