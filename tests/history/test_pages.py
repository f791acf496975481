"""/extrato, its CSV and /autorizacoes through HTTP, on the demo families' demo history."""

import csv
import io
from datetime import date
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS, LEVE, family_of, holder_cpf, signed_in, spouse_cpf
from webapp.history.demo import create_demo_history
from webapp.history.models import UsageEvent

HTMX = {"HX-Request": "true", "HX-Target": "extrato"}


def events_of(session, *members):
    return session.scalars(select(UsageEvent).where(UsageEvent.member_id.in_([m.id for m in members]))).all()


def shown(page):
    """(member id, date, tooth) of each event on the page."""
    return [(int(li["data-member"]), date.fromisoformat(li["data-date"]), int(li["data-tooth"]) if li["data-tooth"]
             else None) for li in page.select(".go-event")]


def count_text(page):
    return " ".join(page.select_one(".go-statement__count").get_text().split())


@pytest.mark.parametrize("path", ["/extrato", "/extrato?ano=2026&pessoa=1", "/extrato.csv", "/autorizacoes"])
def test_signed_out_goes_to_sign_in_and_comes_back(client, path):
    response = client.get(path)
    assert response.status_code == 303
    location = urlparse(response.headers["Location"])
    assert location.path == "/entrar" and unquote(parse_qs(location.query)["next"][0]) == path


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_holder_sees_the_whole_family_newest_first_with_totals(client, history):
    holder, spouse, child = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    response = client.get("/extrato")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert {"HX-Request", "HX-Target"} <= set(response.vary)
    page = client.page("/extrato")
    events = shown(page)
    assert len(events) == len(events_of(history, holder, spouse, child)) > 15
    assert {m for m, _, _ in events} == {holder.id, spouse.id, child.id}
    assert [d for _, d, _ in events] == sorted((d for _, d, _ in events), reverse=True)
    assert count_text(page) == f"{len(events)} procedimentos."
    years = [tr["data-key"] for tr in page.select("#totais-ano tbody tr")]
    assert years == ["2026", "2025"]
    people = [tr.th.get_text(strip=True) for tr in page.select("#totais-pessoa tbody tr")]
    assert people == [holder.name, spouse.name, child.name]
    text = page.get_text(" ")
    for needle in ("Negado", "Glosado", "Reembolsado", "Realizado", "dente 36 — primeiro molar inferior esquerdo",
                   "faces mesial e oclusal (MO)", "Rede credenciada", "R$"):
        assert needle in text, needle
    # The family's selector lists exactly the visible family.
    assert [o["value"] for o in page.select("#pessoa option")] == ["", str(holder.id), str(spouse.id), str(child.id)]


def test_filters_change_the_list_and_the_totals(client, history):
    holder, spouse, child = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    everything = shown(client.page("/extrato"))

    page = client.page(f"/extrato?pessoa={spouse.id}")
    assert {m for m, _, _ in shown(page)} == {spouse.id}
    assert [tr["data-key"] for tr in page.select("#totais-ano tbody tr")] == ["2026"]
    assert not page.select("#totais-pessoa")  # one person chosen: no per-person table

    page = client.page(f"/extrato?pessoa={holder.id}&ano=2025")
    in_2025 = [e for e in everything if e[0] == holder.id and e[1].year == 2025]
    assert shown(page) == in_2025 and count_text(page) == f"{len(in_2025)} procedimentos — {holder.name} · 2025."
    assert page.select_one("#ano option[selected]")["value"] == "2025"

    page = client.page("/extrato?categoria=radiologia")
    assert shown(page) and all("Radiografia" in h.get_text() for h in page.select(".go-event__title"))

    page = client.page("/extrato?de=2026-04-01&ate=2026-06-30")
    assert shown(page) and all(date(2026, 4, 1) <= d <= date(2026, 6, 30) for _, d, _ in shown(page))
    assert count_text(page).endswith(" — de 01/04/2026 até 30/06/2026.")
    assert count_text(client.page("/extrato?categoria=radiologia&ate=2026-01-31")).endswith(
        " — até 31/01/2026 · Radiologia.")

    page = client.page(f"/extrato?pessoa={holder.id}&dente=26")
    assert shown(page) and {t for _, _, t in shown(page)} == {26}
    assert page.select_one("#procedimentos-title").get_text(strip=True) == (
        "Procedimentos no dente 26 — primeiro molar superior esquerdo")
    assert page.select_one("input[name=dente]")["value"] == "26"  # kept when other filters change


def test_the_chart_links_each_treated_tooth_and_lists_the_same_facts(client, history):
    holder, spouse, _child = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    page = client.page("/extrato")
    assert page.select_one("#odontograma-title").get_text(strip=True) == f"Odontograma de {holder.name}"
    assert len(page.select("svg.go-odontogram__side")) == 2
    links = page.select("svg a.go-tooth")
    treated = sorted({e.tooth for e in events_of(history, holder) if e.tooth and e.status != "negado"})
    assert sorted(int(parse_qs(urlparse(a["href"]).query)["dente"][0]) for a in links) == treated
    for a in links:
        assert urlparse(a["href"]).fragment == "procedimentos" and f"pessoa={holder.id}" in a["href"]
        assert a["aria-label"].startswith("dente ")
    listed = [a.get_text(strip=True) for a in page.select(".go-odontogram__list a")]
    assert sorted(listed) == sorted(a["aria-label"].split(":")[0] for a in links)  # the text alternative
    assert "dente 36 — primeiro molar inferior esquerdo" in listed

    tooth_page = client.page(links[0]["href"])
    number = int(parse_qs(urlparse(links[0]["href"]).query)["dente"][0])
    assert {t for _, _, t in shown(tooth_page)} == {number}
    assert tooth_page.select_one('svg a[aria-current="true"]')["href"] == links[0]["href"]

    spouse_chart = client.page(f"/extrato?pessoa={spouse.id}")
    assert spouse_chart.select_one("#odontograma-title").get_text(strip=True) == f"Odontograma de {spouse.name}"


def test_htmx_gets_the_fragment_and_everything_else_the_page(client, history):
    holder, spouse, _ = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    url = f"/extrato?pessoa={spouse.id}"
    fragment = client.get(url, headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<div class="go-statement" id="extrato">')
    assert "<html" not in body and "<h1" not in body and 'id="filtros"' in body
    for headers in ({}, {**HTMX, "HX-Boosted": "true"}, {**HTMX, "HX-History-Restore-Request": "true"},
                    {"HX-Request": "true", "HX-Target": "elsewhere"}):
        page = client.get(url, headers=headers).get_data(as_text=True)
        assert "<html" in page and "<h1" in page, headers


def test_bad_filters_are_explained(client, history):
    holder, _spouse, _ = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    page = client.page("/extrato?de=2026-06-01&ate=2026-01-01&categoria=magia&dente=19&ano=dois", status=400)
    summary = page.select_one(".go-error-summary").get_text(" ", strip=True)
    for message in ("O fim do período deve ser depois do início", "Categoria desconhecida", "Dente inválido",
                    "Ano inválido"):
        assert message in summary
    assert not page.select(".go-event")
    fragment = client.get("/extrato?de=2026-06-01&ate=2026-01-01", headers=HTMX)
    assert fragment.status_code == 200 and "go-error-summary" in fragment.get_data(as_text=True)
    assert client.get("/extrato.csv?ate=ontem").status_code == 400


def test_the_csv_holds_exactly_the_filtered_rows(client, history):
    holder, spouse, _ = family_of(history, CASSEMS)
    signed_in(client, holder_cpf(CASSEMS))
    page = client.page(f"/extrato?pessoa={holder.id}&ano=2026")
    link = page.select_one("a[download]")["href"]
    assert parse_qs(urlparse(link).query) == {"pessoa": [str(holder.id)], "ano": ["2026"]}
    response = client.get(link)
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="extrato-{TODAY.isoformat()}.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffData;Beneficiário;Procedimento")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    events = shown(page)
    assert len(rows) == len(events)
    assert [r[0] for r in rows] == [d.strftime("%d/%m/%Y") for _, d, _ in events]
    assert {r[1] for r in rows} == {holder.name}
    tooth_rows = [r for r in rows if r[5]]
    assert any(r[5] == "dente 36 — primeiro molar inferior esquerdo" for r in tooth_rows)
    assert all(r[12] == "" or "," in r[12] for r in rows)  # decimal comma


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_dependant_cannot_see_the_holders_events_through_any_url(client, history):
    holder, spouse, child = family_of(history, CASSEMS)
    signed_in(client, spouse_cpf(CASSEMS))
    page = client.page("/extrato")
    assert {m for m, _, _ in shown(page)} == {spouse.id}
    assert not page.select("#pessoa")  # nobody else to choose
    assert holder.name not in page.get_text() and child.name not in page.get_text()
    holder_teeth = {e.tooth for e in events_of(history, holder) if e.tooth}
    for url, status in [
        (f"/extrato?pessoa={holder.id}", 400), (f"/extrato?pessoa={child.id}", 400),
        (f"/extrato?pessoa={holder.id}&dente=26", 400), (f"/extrato.csv?pessoa={holder.id}", 400),
        (f"/autorizacoes?pessoa={holder.id}", 400), ("/extrato?pessoa=999999", 400),
        ("/extrato?dente=26", 200), ("/extrato?dente=36&ano=2025", 200), ("/autorizacoes", 200),
    ]:
        body = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == status, url
        assert holder.name not in body and child.name not in body and holder.card_number not in body, url
    for number in holder_teeth:
        assert shown(client.page(f"/extrato?dente={number}")) == [
            e for e in shown(page) if e[2] == number]
    csv_text = client.get("/extrato.csv").get_data(as_text=True)
    assert holder.name not in csv_text and len(csv_text.strip().splitlines()) == len(shown(page)) + 1
    assert client.get(f"/extrato?pessoa={holder.id}", headers=HTMX).get_data(as_text=True).count("go-event") == 0


def test_authorizations_show_status_validity_protocol_and_the_clause(client, history):
    holder, spouse, _ = family_of(history, LEVE)
    signed_in(client, holder_cpf(LEVE))
    response = client.get("/autorizacoes")
    assert response.headers["Cache-Control"] == "private, no-store"
    page = client.page("/autorizacoes")
    items = page.select(".go-auth")
    statuses = [li.select_one(".go-status").get_text(strip=True) for li in items]
    assert sorted(statuses) == sorted(["Em análise", "Autorizada", "Negada", "Expirada", "Executada"])
    by_status = {li.select_one(".go-status").get_text(strip=True): li for li in items}
    valid = by_status["Autorizada"]
    assert valid.select_one(".go-auth__countdown").get_text(strip=True) == "vence em 24 dias"
    assert "validade de 30 dias, cláusula 15.5.9" in valid.get_text(" ")
    assert "dente 26 — primeiro molar superior esquerdo" in valid.get_text(" ")
    expired = by_status["Expirada"]
    assert expired.select_one(".go-auth__countdown").get_text(strip=True).startswith("venceu em ")
    denied = by_status["Negada"]
    assert denied.select_one(".go-auth__clause").get_text(strip=True) == "cláusula 13"
    assert "carência" in denied.get_text(" ") and spouse.name in denied.get_text(" ")
    for li in items:
        assert li.select_one(".go-auth__protocol").get_text(strip=True).isdigit()
    text = " ".join(page.get_text(" ").split())
    assert "vale por 30 dias" in text and "15.5.9" in text and "15.5.4" in text  # prior authorization rule
    assert [li.select_one(".go-status").get_text(strip=True) for li in
            client.page(f"/autorizacoes?pessoa={spouse.id}").select(".go-auth")] == ["Negada"]


def test_countdown_words(client, history, frozen_clock):
    holder, _, _ = family_of(history, LEVE)
    signed_in(client, holder_cpf(LEVE))
    for day, words in [(date(2026, 12, 17), "vence amanhã"), (date(2026, 12, 18), "vence hoje"),
                       (date(2026, 12, 19), "venceu em 18/12/2026")]:
        frozen_clock(day)
        page = client.page("/autorizacoes")
        countdowns = [c.get_text(strip=True) for c in page.select(".go-auth__countdown")]
        assert words in countdowns, (day, countdowns)


def test_a_spouse_of_a_plan_without_validity_sees_the_operators_date(client, history):
    signed_in(client, spouse_cpf(CASSEMS))
    page = client.page("/autorizacoes")
    assert [li.select_one(".go-status").get_text(strip=True) for li in page.select(".go-auth")] == ["Negada"]
    assert "vale por" not in page.get_text(" ")  # the CASSEMS manual states no validity


def test_events_link_to_the_providers_page_when_the_network_has_them(client, families, small_network,
                                                                      history_today):
    create_demo_history(families, TODAY)
    families.flush()
    holder, _, _ = family_of(families, LEVE)
    signed_in(client, holder_cpf(LEVE))
    page = client.page(f"/extrato?pessoa={holder.id}")
    links = page.select(".go-event__fact a[href^='/rede/dentista/']")
    assert links, "no provider link"
    for link in links[:3]:
        assert client.get(link["href"]).status_code == 200
    assert "Niterói/RJ" in page.select_one(".go-event__fact a").find_parent("li").get_text(" ")  # the location
    outside = [li for li in page.select(".go-event") if "Reembolso" in li.get_text(" ")]
    assert outside and not outside[0].select("a[href^='/rede/']")  # a dentist outside the network


def test_a_family_without_history_gets_empty_pages(client, families, history_today):
    signed_in(client, holder_cpf(CASSEMS))
    page = client.page("/extrato")
    assert count_text(page) == "0 procedimentos."
    assert "Nenhum procedimento encontrado." in page.get_text()
    assert not page.select("svg a") and not page.select("a[download]") and not page.select("#totais-ano")
    assert "Nenhum procedimento registrado em dentes de" in page.get_text()
    assert "Nenhum pedido de autorização." in client.page("/autorizacoes").get_text()
