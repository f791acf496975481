"""The statement on a phone: the list first, the filters folded (open while in use), totals that
stack as label/value lines, and the deciduous arch of the tooth chart only for a person young
enough to have one or with records on it. Through HTTP and the pure chart functions."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS, family_of, holder_cpf, signed_in
from webapp.history import odontogram, teeth




def positions(html: str, *needles: str) -> list[int]:
    return [html.index(n) for n in needles]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_list_comes_first_and_the_filters_fold(client, history):
    signed_in(client, holder_cpf(CASSEMS))
    html = client.get("/extrato").get_data(as_text=True)
    first_event, totals, chart = positions(html, 'class="go-event ', 'id="totais-title"', 'id="odontograma-title"')
    assert first_event < totals < chart
    page = client.page("/extrato")
    box = page.select_one("details.go-statement__filter-box")
    assert box.select_one("form#filtros") is not None and not box.has_attr("open")
    assert box.select_one("summary").get_text(" ", strip=True).startswith("Filtrar")
    assert page.select_one("details.go-statement__filter-box form#filtros")["action"] == "/extrato"
    # In use (here a year), the filters stay open, so a change does not fold them under the finger.
    assert client.page("/extrato?ano=2026").select_one("details.go-statement__filter-box").has_attr("open")
    assert client.page("/extrato?ano=abc", status=400).select_one("details.go-statement__filter-box").has_attr("open")


def test_each_totals_cell_names_its_column(client, history):
    signed_in(client, holder_cpf(CASSEMS))
    table = client.page("/extrato").select_one("#totais-ano")
    headers = [th.get_text(strip=True) for th in table.select("thead th")][1:]
    for row in table.select("tbody tr, tfoot tr"):
        assert [td["data-label"] for td in row.select("td")] == headers


def test_the_deciduous_arch_is_for_children_or_records_on_it(client, history):
    holder, _spouse, child = family_of(history, CASSEMS)  # an adult, and a child of four
    signed_in(client, holder_cpf(CASSEMS))
    adult = str(client.page(f"/extrato?pessoa={holder.id}").select_one(".go-odontogram__sides"))
    assert ">18</text>" in adult and ">48</text>" in adult
    assert not any(f">{n}</text>" in adult for n in teeth.DECIDUOUS)
    young = str(client.page(f"/extrato?pessoa={child.id}").select_one(".go-odontogram__sides"))
    assert all(f">{n}</text>" in young for n in (*teeth.PERMANENT, *teeth.DECIDUOUS))


@pytest.mark.parametrize(("birth", "marked", "shown"), [
    (date(2014, 11, 25), (), True),  # 11 years old, 12 tomorrow
    (date(2013, 11, 25), (), True),  # 12, 13 tomorrow
    (date(2013, 11, 24), (), False),  # 13 today
    (date(1980, 1, 1), (36,), False),
    (date(1980, 1, 1), (36, 75), True),  # an adult's record on a deciduous tooth
    (None, (), True),  # birth date unknown: the whole chart
])
def test_when_the_chart_shows_the_deciduous_arch(birth, marked, shown):
    assert odontogram.shows_deciduous(birth, TODAY, dict.fromkeys(marked)) is shown


def test_the_permanent_chart_alone_is_shorter_and_keeps_every_permanent_tooth():
    sides = odontogram.render_sides({}, lambda n: f"/extrato?dente={n}", deciduous=False)
    markup = "".join(str(s.svg) for s in sides)
    assert all(f">{n}</text>" in markup for n in teeth.PERMANENT)
    assert not any(f">{n}</text>" in markup for n in teeth.DECIDUOUS)
    assert f'height="{odontogram.PERMANENT_HEIGHT}"' in markup and odontogram.PERMANENT_HEIGHT < odontogram.HEIGHT
