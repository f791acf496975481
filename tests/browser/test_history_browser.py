"""The statement, the tooth chart and the authorizations in a real browser (390×844), with and
without JavaScript, on the demo families' demo history."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, sign_in_member
from webapp.core import clock
from webapp.history.demo import create_demo_history
from webapp.members.demo import create_demo_families, make_cpf
from webapp.members.models import Member

HOLDER_CPF, SPOUSE_CPF = make_cpf(11), make_cpf(12)  # the CASSEMS family


@pytest.fixture(scope="module", autouse=True)
def demo_history(live_engine):
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        create_demo_history(session, clock.today())
        session.commit()
        holder = session.scalars(select(Member).where(Member.cpf == HOLDER_CPF)).one()
        spouse = session.scalars(select(Member).where(Member.cpf == SPOUSE_CPF)).one()
        return {"holder": holder.id, "spouse": spouse.id, "holder_name": holder.name, "spouse_name": spouse.name}


def events(page):
    return page.locator(".go-event").evaluate_all(
        "els => els.map(e => [Number(e.dataset.member), e.dataset.date, e.dataset.tooth])")


def query(page):
    return parse_qs(urlparse(page.url).query)


def totals(page):
    return page.locator("#totais-ano tbody tr").all_inner_texts()


def first_cell(row: str) -> str:
    """A totals row's first cell, whether the row is a table row (cells apart by tabs) or, on a
    phone, stacked (one line per cell)."""
    return re.split(r"[\t\n]", row)[0]


def open_filters(page):
    """The filters are folded on a phone until "Filtrar" is tapped (open while in use)."""
    if not page.locator("#filtros").is_visible():
        page.locator(".go-statement__filter-summary").click()


def csv_rows(page):
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Baixar planilha")).click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def filter_by_spouse_and_year(page, demo, javascript):
    before_events, before_totals = events(page), totals(page)
    open_filters(page)
    page.select_option("#pessoa", str(demo["spouse"]))
    if not javascript:
        page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url(re.compile(rf".*pessoa={demo['spouse']}.*"))
    page.locator(f".go-event[data-member='{demo['spouse']}']").first.wait_for()
    spouse_events = events(page)
    assert spouse_events and {m for m, _, _ in spouse_events} == {demo["spouse"]}
    assert len(spouse_events) < len(before_events) and totals(page) != before_totals

    year = spouse_events[0][1][:4]
    page.focus("#ano")
    page.select_option("#ano", year)
    if not javascript:
        page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url(re.compile(rf".*ano={year}.*"))
    assert query(page)["pessoa"] == [str(demo["spouse"])] and query(page)["ano"] == [year]
    page.locator("#totais-ano tbody tr").first.wait_for()
    filtered = events(page)
    assert filtered and all(m == demo["spouse"] and d.startswith(year) for m, d, _ in filtered)
    assert [first_cell(row) for row in totals(page)] == [year]
    return filtered


def tap_a_tooth(page, demo):
    page.goto(page.url.split("?")[0] + f"?pessoa={demo['holder']}")
    tooth = page.locator("svg a.go-tooth").first
    label = tooth.get_attribute("aria-label")
    number = label.split()[1]
    tooth.click()
    page.wait_for_url(re.compile(rf".*dente={number}.*"))
    shown = events(page)
    assert shown and {t for _, _, t in shown} == {number}
    assert page.locator("#procedimentos-title").inner_text().startswith(f"Procedimentos no dente {number} — ")
    assert page.locator('svg a[aria-current="true"]').get_attribute("aria-label") == label


def test_holder_filters_with_htmx_downloads_the_csv_and_taps_a_tooth(browser, live_server, demo_history):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR", accept_downloads=True)
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF, next_path="/extrato")
    page.evaluate("window.__sameDocument = true")
    filtered = filter_by_spouse_and_year(page, demo_history, javascript=True)
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped the list, no reload
    assert page.evaluate("document.activeElement.id") == "ano"  # focus survives the swap
    assert "categoria=" not in page.url  # empty filters stay out of the address

    rows = csv_rows(page)
    assert len(rows) == len(filtered)
    assert [r[0] for r in rows] == ["/".join(reversed(d.split("-"))) for _, d, _ in filtered]
    assert {r[1] for r in rows} == {demo_history["spouse_name"]}

    page.reload()  # the URL is the state
    assert events(page) == filtered
    page.go_back()
    page.wait_for_url(lambda url: "ano=" not in url)
    tap_a_tooth(page, demo_history)
    context.close()


def test_the_same_without_javascript(browser, live_server, demo_history):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR", java_script_enabled=False,
                                  accept_downloads=True)
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF, next_path="/extrato")
    filtered = filter_by_spouse_and_year(page, demo_history, javascript=False)
    rows = csv_rows(page)
    assert len(rows) == len(filtered)
    tap_a_tooth(page, demo_history)
    context.close()


def test_a_dependant_sees_only_themself(page, live_server, demo_history):
    sign_in_member(page, live_server, SPOUSE_CPF, next_path="/extrato")
    assert page.locator("#pessoa").count() == 0
    assert {m for m, _, _ in events(page)} == {demo_history["spouse"]}
    page.goto(f"{live_server}/extrato?pessoa={demo_history['holder']}")
    assert page.locator(".go-error-summary").is_visible()
    assert demo_history["holder_name"] not in page.content()


@pytest.mark.parametrize("path", ["/extrato", "/autorizacoes", "/extrato?pessoa={holder}&dente=26",
                                  "/extrato?de=2026-06-01&ate=2026-01-01"])
def test_axe_finds_nothing(axe_page, live_server, demo_history, path):
    sign_in_member(axe_page, live_server, HOLDER_CPF, next_path="/extrato")
    axe_page.goto(live_server + path.format(holder=demo_history["holder"]))
    assert_no_axe_violations(axe_page)


def test_the_chart_has_a_text_alternative(page, live_server, demo_history):
    sign_in_member(page, live_server, HOLDER_CPF, next_path="/extrato")
    chart = sorted(a.split(":")[0] for a in page.locator("svg a.go-tooth").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"))
    listed = sorted(page.locator(".go-odontogram__list a").all_inner_texts())
    assert chart and chart == listed
    assert "dente 36 — primeiro molar inferior esquerdo" in listed


def test_the_navigation_fits_at_320_px(browser, live_server, demo_history, tmp_path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="pt-BR")
    page = context.new_page()
    sign_in_member(page, live_server, HOLDER_CPF, next_path="/extrato")
    links = page.locator(".go-nav__link")
    assert links.all_inner_texts() == ["Início", "Carteirinha", "Extrato", "Dentistas", "Planos"]
    assert page.locator(".go-nav__list").evaluate("ul => ul.scrollWidth <= ul.clientWidth")
    assert links.evaluate_all("els => els.every(a => a.scrollWidth <= a.clientWidth + 1)")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(b["width"] >= 44 and b["height"] >= 44 for b in boxes)
    assert all(boxes[i]["x"] + boxes[i]["width"] <= boxes[i + 1]["x"] + 0.5 for i in range(len(boxes) - 1))
    page.screenshot(path=str(tmp_path / "nav-320.png"))  # kept by pytest for a look when this fails
    context.close()


def test_authorizations_countdown_and_clause(page, live_server, demo_history):
    sign_in_member(page, live_server, HOLDER_CPF, next_path="/autorizacoes")
    statuses = page.locator(".go-auth .go-status").all_inner_texts()
    assert {"Autorizada", "Expirada", "Negada", "Executada", "Em análise"} <= set(statuses)
    assert re.fullmatch(r"vence em \d+ dias", page.locator(".go-auth--autorizada .go-auth__countdown").inner_text())
    assert page.locator(".go-auth--expirada .go-auth__countdown").inner_text().startswith("venceu em ")
    assert page.locator(".go-auth--negada .go-auth__clause").inner_text()
