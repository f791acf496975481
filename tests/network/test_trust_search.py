"""Verified dates and "accepts new patients" on /rede, the provider page and the API, through
HTTP with the clock stopped: the words ("Verificado há 3 dias", "Não verificado há mais de 180
dias", "Nunca verificado"), the order (verified first at the same shown distance) and the
``novos=1`` filter, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.support.api import validator
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from tests.support.pages import csrf
from webapp.core.clock import TIMEZONE
from webapp.core.formatting import ha_quanto
from webapp.network import services
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Provider
from webapp.network.services import REPORT_REASONS

LEVE = "leve-dental-rj-1-adesao"
ORIGIN = (-22.9035, -43.1094)  # Icaraí, Niterói
backend_param = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def dentist(key: str, name: str, north: float, **cells) -> dict:
    """A dentist *north* degrees of latitude north of ORIGIN (0.001 degree ~ 0.11 km)."""
    return row(provider_key=key, location_key=f"{key}-L1", name=name, latitude=f"{ORIGIN[0] + north:.6f}",
               longitude=f"{ORIGIN[1]:.6f}", products=LEVE, network_since="2025-01-01", **cells)


@pytest.fixture(autouse=True)
def _own_totals(monkeypatch):
    """The API's totals are kept per filters for minutes, across tests: these tests' networks
    count in a cache of their own."""
    monkeypatch.setattr(services, "_TOTALS", {})


@pytest.fixture
def network(session, tmp_path, fixed_today):
    def load(rows):
        report = import_network(session, write_csv(tmp_path / "rede.csv", rows), today=TODAY)
        assert report.rejects == [], report.rejects
        session.flush()
        return {p.key: p.id for p in session.scalars(select(Provider))}
    return load


def results(page) -> list[tuple[str, str, bool]]:
    """(name, the "atualizado em" line, marked stale) of each result."""
    return [(item.select_one(".go-result__name a").get_text(strip=True),
             item.select_one(".go-result__updated").get_text(" ", strip=True),
             item.select_one(".go-verified--stale") is not None) for item in page.select(".go-result")]


def search_page(client, query: str = "", status: int = 200):
    return client.page(f"/rede?plano={LEVE}&lat={ORIGIN[0]}&lon={ORIGIN[1]}{query}", status=status)


def test_results_say_how_long_ago_each_location_was_verified(client, network):
    network([
        dentist("D0", "Dra. Hoje", 0.0001, verificado_em=days_ago(0)),
        dentist("D1", "Dr. Ontem", 0.0011, verificado_em=days_ago(1)),
        dentist("D3", "Dra. Três Dias", 0.0021, verificado_em=days_ago(3)),
        dentist("D65", "Dr. Dois Meses", 0.0031, verificado_em=days_ago(65)),
        # 179 days and 12 hours ago (noon): still inside the 180 days; 180 days and 12 hours: not.
        dentist("D179", "Dra. Quase Vencida", 0.0041, verificado_em=days_ago(179)),
        dentist("D180", "Dr. Vencido", 0.0051, verificado_em=days_ago(180)),
        dentist("NEVER", "Dra. Nunca", 0.0061),
    ])
    updated = "Atualizado em 24/11/2026 ·"
    assert results(search_page(client)) == [
        ("Dra. Hoje", f"{updated} Verificado hoje", False),
        ("Dr. Ontem", f"{updated} Verificado ontem", False),
        ("Dra. Três Dias", f"{updated} Verificado há 3 dias", False),
        ("Dr. Dois Meses", f"{updated} Verificado há 2 meses", False),
        ("Dra. Quase Vencida", f"{updated} Verificado há 6 meses", False),
        ("Dr. Vencido", f"{updated} Não verificado há mais de 180 dias", True),
        ("Dra. Nunca", f"{updated} Nunca verificado", True),
    ]


def test_the_age_of_a_stale_verification_is_configured(app, client, network):
    network([dentist("D65", "Dr. Dois Meses", 0.0001, verificado_em=days_ago(65))])
    app.config["NETWORK_VERIFIED_MAX_AGE_DAYS"] = 30
    assert results(search_page(client)) == [
        ("Dr. Dois Meses", "Atualizado em 24/11/2026 · Não verificado há mais de 30 dias", True)]
    body = client.get(f"/api/v1/rede?plano={LEVE}&lat={ORIGIN[0]}&lon={ORIGIN[1]}").get_json()
    assert body["resultados"][0]["verificacao_vencida"] is True


def test_the_provider_page_shows_each_locations_verification_and_new_patients(client, network):
    ids = network([
        dentist("P", "Dra. Ana", 0.0001, verificado_em=days_ago(3), aceita_novos_pacientes="sim",
                aceita_novos_pacientes_em="2026-11-01"),
        {**dentist("P", "Dra. Ana", 0.0101, aceita_novos_pacientes="nao"), "location_key": "P-L2",
         "street": "Rua Gavião Peixoto"},
        {**dentist("P", "Dra. Ana", 0.0201), "location_key": "P-L3", "street": "Rua Tavares de Macedo"},
    ])
    page = client.page(f"/rede/dentista/{ids['P']}-dra-ana")
    rows = [{dt.get_text(strip=True): dd.get_text(" ", strip=True) for dt, dd in
             zip(item.select(".go-summary__key"), item.select(".go-summary__value"))}
            for item in page.select(".go-location")]
    assert [(r["Aceita novos pacientes"], r["Verificação"]) for r in rows] == [
        ("Sim, informado em 01/11/2026", "Verificado há 3 dias"),
        ("Não, informado em 24/11/2026", "Nunca verificado"),
        ("Não informado", "Nunca verificado"),
    ]
    assert [bool(item.select_one(".go-verified--stale")) for item in page.select(".go-location")] == [
        False, True, True]


def test_results_say_whether_a_location_takes_new_patients(client, network):
    network([
        dentist("YES", "Dra. Aceita", 0.0001, aceita_novos_pacientes="sim", aceita_novos_pacientes_em="2026-11-10"),
        dentist("NO", "Dr. Lotado", 0.0011, aceita_novos_pacientes="nao"),
        dentist("QUIET", "Dra. Calada", 0.0021),
    ])
    page = search_page(client)
    said = [(item.select_one(".go-result__name a").get_text(strip=True),
             item.select_one(".go-result__accepting").get_text(" ", strip=True)
             if item.select_one(".go-result__accepting") else None) for item in page.select(".go-result")]
    assert said == [("Dra. Aceita", "Aceita novos pacientes (informado em 10/11/2026)"),
                    ("Dr. Lotado", "Não aceita novos pacientes (informado em 24/11/2026)"),
                    ("Dra. Calada", None)]


@backend_param
def test_at_the_same_shown_distance_verified_locations_come_first(client, network):
    """Ana (never verified) is nearer and first by name, yet Zé (verified) comes before her: both
    are "0,3 km". Bruno, verified, is "0,4 km": after both, however verified."""
    network([
        dentist("ANA", "Ana Antiga", 0.0025),  # ~0.28 km
        dentist("ZE", "Zé Verificado", 0.0029, verificado_em=days_ago(1)),  # ~0.32 km
        dentist("VELHO", "Álvaro Vencido", 0.0030, verificado_em=days_ago(400)),  # ~0.33 km, stale
        dentist("BRUNO", "Bruno Adiante", 0.0040, verificado_em=days_ago(1)),  # ~0.44 km
    ])
    page = search_page(client)
    assert [(name, stale) for name, _, stale in results(page)] == [
        ("Zé Verificado", False), ("Álvaro Vencido", True), ("Ana Antiga", True), ("Bruno Adiante", False)]
    assert [p.strong.get_text() for p in page.select(".go-result__distance")] == ["0,3 km"] * 3 + ["0,4 km"]
    body = client.get(f"/api/v1/rede?plano={LEVE}&lat={ORIGIN[0]}&lon={ORIGIN[1]}").get_json()
    validator(client.get("/api/v1/openapi.json").get_json(), "Busca").validate(body)
    assert [(r["nome"], r["verificacao_vencida"]) for r in body["resultados"]] == [
        ("Zé Verificado", False), ("Álvaro Vencido", True), ("Ana Antiga", True), ("Bruno Adiante", False)]
    assert body["resultados"][0]["verificado_em"] == "2026-11-23T03:00:00+00:00"
    assert body["resultados"][2]["verificado_em"] is None
    # The same order through a specialty's layer of the spatial index.
    first = client.get(f"/api/v1/rede?plano={LEVE}&lat={ORIGIN[0]}&lon={ORIGIN[1]}&especialidade=endodontia")
    assert [r["nome"] for r in first.get_json()["resultados"]] == [r["nome"] for r in body["resultados"]]


@backend_param
@pytest.mark.parametrize("extra", ["", "&especialidade=endodontia", "&urgencia=1", "&q=dent"])
def test_the_new_patients_filter(client, network, extra):
    """``novos=1`` keeps the locations that said yes: not those that said no, nor those that said
    nothing; through every way in (the whole index, a specialty's layer, the urgency layer, a
    name's providers)."""
    urgent = {"urgency_24h": "sim"}
    network([
        dentist("YES", "Dentista Aceita", 0.0001, aceita_novos_pacientes="sim", **urgent),
        dentist("NO", "Dentista Lotado", 0.0011, aceita_novos_pacientes="nao", **urgent),
        dentist("QUIET", "Dentista Calado", 0.0021, **urgent),
        dentist("YES2", "Dentista Também", 0.0031, aceita_novos_pacientes="sim", aceita_novos_pacientes_em="2026-10-01",
                **urgent),
    ])
    everyone = [name for name, _, _ in results(search_page(client, extra))]
    assert everyone == ["Dentista Aceita", "Dentista Lotado", "Dentista Calado", "Dentista Também"]
    page = search_page(client, extra + "&novos=1")
    assert [name for name, _, _ in results(page)] == ["Dentista Aceita", "Dentista Também"]
    assert page.select_one("input[name=novos]").has_attr("checked")
    assert "aceita novos pacientes" in page.select_one(".go-search-fold__what").get_text()
    body = client.get(f"/api/v1/rede?plano={LEVE}&lat={ORIGIN[0]}&lon={ORIGIN[1]}{extra}&novos=1").get_json()
    assert [(r["nome"], r["aceita_novos_pacientes"], r["aceita_novos_pacientes_em"]) for r in body["resultados"]] == [
        ("Dentista Aceita", True, "2026-11-24"), ("Dentista Também", True, "2026-10-01")]
    assert (body["total"], body["total_exato"]) == (2, True)


def test_the_new_patients_filter_takes_1_or_on_only(client, network):
    network([dentist("YES", "Dra. Aceita", 0.0001, aceita_novos_pacientes="sim")])
    page = search_page(client, "&novos=sim", status=400)
    assert "Valor inválido para um filtro" in page.select_one(".go-error-summary").get_text()
    response = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302&novos=2")
    assert response.status_code == 400 and "Valor inválido" in response.get_json()["erro"]


def test_the_search_form_offers_the_filter(client):
    form = client.page("/rede").find("form", id="buscar")
    box = form.select_one("input[name=novos]")
    assert box["type"] == "checkbox" and box["value"] == "1"
    assert form.select_one(f"label[for={box['id']}]").get_text(strip=True) == "Aceita novos pacientes"


@backend_param
def test_the_provider_api_counts_open_reports_by_reason_and_nothing_of_who_sent_them(client, session, network):
    ids = network([dentist("P", "Dra. Ana", 0.0001)])
    url = client.get(f"/rede/dentista/{ids['P']}").headers["Location"]
    for reason, detail in (("telefone-errado", "O número 2711-0000 não existe"), ("telefone-errado", ""),
                           ("nao-atende-plano", "Disse que saiu do plano")):
        response = client.post(f"/rede/dentista/{ids['P']}/erro",
                               data={"motivo": reason, "detalhe": detail, "csrf_token": csrf(client, url)})
        assert response.status_code == 303
    # One of them closed by the network team: no longer open.
    closed = session.scalars(select(DataReport).where(DataReport.reason == "nao-atende-plano")).one()
    closed.status = "resolvido"
    session.flush()
    body = client.get(f"/api/v1/rede/dentista/{ids['P']}").get_json()
    validator(client.get("/api/v1/openapi.json").get_json(), "Dentista").validate(body)
    assert body["relatos_abertos"] == {reason: 2 if reason == "telefone-errado" else 0 for reason in REPORT_REASONS}
    assert "não existe" not in str(body) and "Disse" not in str(body)  # no sender's words


@pytest.mark.parametrize(("days", "words"), [
    (-1, "hoje"), (0, "hoje"), (1, "ontem"), (2, "há 2 dias"), (6, "há 6 dias"), (25, "há 25 dias"),
    (59, "há 59 dias"), (60, "há 2 meses"), (179, "há 6 meses"), (364, "há 12 meses"), (365, "há 1 ano"),
    (800, "há 2 anos"),
])
def test_ha_quanto_counts_calendar_days_in_sao_paulo_then_months_and_years(frozen_clock, days, words):
    # Half past midnight in São Paulo; a moment at 23:59 there, which is the next day in UTC.
    frozen_clock(datetime.combine(TODAY, time(0, 30), tzinfo=TIMEZONE))
    moment = datetime.combine(TODAY - timedelta(days=days), time(23, 59), tzinfo=TIMEZONE).astimezone(UTC)
    assert ha_quanto(moment) == words
    assert ha_quanto(TODAY - timedelta(days=days)) == words
    assert ha_quanto(None) == ""
