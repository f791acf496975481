"""The network team's queue through HTTP, on both databases: a member's "Informar erro" shows up,
cases (one per provider) ranked by priority, by how many open reports, by the newest; filters by
plan, municipality and kind; how many are open and how old the oldest is; the report page with
the provider's data beside it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY, as_moment
from tests.support.databases import BACKENDS
from tests.support.network import row, write_csv
from tests.support.network_team import latest_report, member_reports, reports_from_many
from tests.support.pages import text_of
from webapp.network.importer import import_network
from webapp.network.models import Location

both = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def case_names(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".go-team-case__name a")]


@both
def test_a_members_report_appears_in_the_queue_and_opens_beside_the_providers_data(team_world, backend):
    client, pid = team_world.client, team_world.providers["N3"]
    member_reports(client, pid, "telefone-errado", "O telefone só dá ocupado, o certo é 2711-5555")
    report = latest_report(team_world.session)

    page = client.page("/atendimento/rede")
    assert case_names(page) == ["Clínica Icaraí"]
    case = page.select_one(".go-team-case")
    assert "Telefone errado" in text_of(case) and "Niterói/RJ" in text_of(case) and "1 relato" in text_of(case)
    assert case.select_one("a")["href"] == f"/atendimento/rede/relatos/{report.id}"
    assert "1 relato aberto sobre 1 dentista ou clínica · o mais antigo enviado hoje" in text_of(
        page.select_one("#contagem"))

    page = client.page(f"/atendimento/rede/relatos/{report.id}")
    assert page.h1.get_text(strip=True) == f"Relato nº {report.id} — Clínica Icaraí"
    mine = text_of(page.select_one(".go-team-report__report"))
    assert "Telefone errado" in mine and "O telefone só dá ocupado, o certo é 2711-5555" in mine
    assert "Aberto" in mine
    provider = text_of(page.select_one(".go-team-report__provider"))
    assert "(21) 2711-0000" in provider and "Rua Moreira César, 100" in provider and "CNPJ" not in provider
    assert "LEVE DENTAL RJ 1 Adesão" in provider and "Plano MASTER" in provider  # memberships per product
    assert {s.get("id") for s in page.select(".go-team-action")} == {"corrigir", "saiu", "verificar", "rejeitar"}


@both
def test_the_reported_location_is_highlighted_among_the_providers_locations(team_world, tmp_path, backend):
    session, pid = team_world.session, team_world.providers["N1"]
    second = row(provider_key="N1", location_key="N1-L2", name="Dra. Ana Endo", specialties="endodontia",
                 street="Rua da Assembleia", number="10", complement="", neighbourhood="Centro", cep="20011-000",
                 municipality_ibge="3304557", latitude="-22.9048", longitude="-43.1760",
                 products="leve-dental-rj-1-adesao", network_since="2026-10-01")
    first = row(provider_key="N1", location_key="N1-L1", name="Dra. Ana Endo", specialties="endodontia",
                latitude="-22.9035", longitude="-43.1094", products="leve-dental-rj-1-adesao",
                network_since="2026-10-01")
    assert import_network(session, write_csv(tmp_path / "dois.csv", [first, second]), today=TODAY).rejects == []
    rio = session.scalars(select(Location).where(Location.key == "N1-L2")).one()
    member_reports(team_world.client, pid, "endereco-errado", "Mudou de prédio", location=rio.id)
    report = latest_report(session)
    page = team_world.client.page(f"/atendimento/rede/relatos/{report.id}")
    cards = page.select(".go-team-location")
    assert len(cards) == 2
    reported = page.select(".go-team-location--reported")
    assert [c["id"] for c in reported] == [f"local-{rio.id}"]
    assert "Endereço indicado no relato" in text_of(reported[0]) and "Rua da Assembleia" in text_of(reported[0])
    assert page.select_one("#corrigir-local")["value"] == str(rio.id)  # the correction starts there
    queue = team_world.client.page("/atendimento/rede")
    assert "Rio de Janeiro/RJ" in text_of(queue.select_one(".go-team-case__meta"))


@both
def test_cases_rank_by_priority_then_most_reported_then_newest(team_world, frozen_clock, backend):
    session, p = team_world.session, team_world.providers
    reports_from_many(session, p["S1"], "nao-atende-plano", priority="alta")  # oldest, but high priority
    frozen_clock(as_moment(TODAY) + timedelta(hours=1))
    reports_from_many(session, p["N2"], "telefone-errado", 3)
    frozen_clock(as_moment(TODAY) + timedelta(hours=2))
    reports_from_many(session, p["N1"], "horario-errado")  # the newest
    session.flush()

    ranked = team_world.client.page("/atendimento/rede")
    assert case_names(ranked) == ["Dra. Paulista", "Dr. Bruno Canal", "Dra. Ana Endo"]
    assert ranked.select(".go-team-case")[0]["class"] == ["go-team-case", "go-team-case--high"]
    assert "Prioridade alta" in text_of(ranked.select(".go-team-case")[0])
    assert "Telefone errado (3)" in text_of(ranked.select(".go-team-case")[1])
    assert "5 relatos abertos sobre 3 dentistas e clínicas · 1 de prioridade alta" in text_of(
        ranked.select_one("#contagem"))
    newest = team_world.client.page("/atendimento/rede?ordem=recentes")
    assert case_names(newest) == ["Dra. Paulista", "Dra. Ana Endo", "Dr. Bruno Canal"]


@both
def test_filters_by_plan_municipality_and_kind(team_world, backend):
    session, p = team_world.session, team_world.providers
    reports_from_many(session, p["S1"], "fechado")  # São Paulo; São Cristóvão and SINTAEMA MASTER
    reports_from_many(session, p["N1"], "telefone-errado", 2)  # Niterói; LEVE
    reports_from_many(session, p["R1"], "fechado")  # Rio de Janeiro; LEVE
    client = team_world.client

    assert case_names(client.page("/atendimento/rede?plano=sao-cristovao-odontologico")) == ["Dra. Paulista"]
    assert set(case_names(client.page("/atendimento/rede?plano=leve-dental-rj-1-adesao"))) == {
        "Dra. Ana Endo", "Dr. Carlos Rio"}
    page = client.page("/atendimento/rede?municipio=3303302")
    assert case_names(page) == ["Dra. Ana Endo"]
    assert "2 relatos abertos sobre 1 dentista ou clínica" in text_of(page.select_one("#casos-title").parent)
    options = {o["value"]: o.get_text() for o in page.select("#municipio option") if o["value"]}
    assert options == {"3303302": "Niterói/RJ (2)", "3304557": "Rio de Janeiro/RJ (1)", "3550308": "São Paulo/SP (1)"}
    assert set(case_names(client.page("/atendimento/rede?motivo=fechado"))) == {"Dra. Paulista", "Dr. Carlos Rio"}
    both_ = client.page("/atendimento/rede?motivo=fechado&plano=leve-dental-rj-1-adesao&municipio=3304557")
    assert case_names(both_) == ["Dr. Carlos Rio"]
    assert both_.select_one("#motivo option[selected]")["value"] == "fechado"  # the form keeps the filters
    nothing = client.page("/atendimento/rede?motivo=horario-errado")
    assert case_names(nothing) == [] and "Nenhum relato aberto com estes filtros." in text_of(nothing)
    assert "4 relatos abertos" in text_of(nothing.select_one("#contagem"))  # the whole queue, still said


def test_the_oldest_reports_age_is_shown(team_world, frozen_clock):
    reports_from_many(team_world.session, team_world.providers["N1"], "fechado")
    frozen_clock(TODAY + timedelta(days=9))
    reports_from_many(team_world.session, team_world.providers["N2"], "fechado")
    team_world.sign_in_again()
    page = team_world.client.page("/atendimento/rede")
    assert "o mais antigo enviado há 9 dias" in text_of(page.select_one("#contagem"))
    metas = [text_of(m) for m in page.select(".go-team-case__meta")]
    assert metas == ["Niterói/RJ · mais novo hoje", "Niterói/RJ · mais novo há 9 dias"]  # the same count: newest first


@pytest.mark.parametrize(("query", "message"), [
    ("plano=nenhum", "Plano desconhecido"),
    ("municipio=abc", "O código do município deve ter só algarismos"),
    ("municipio=9999999", "Município não encontrado"),
    ("motivo=qualquer", "Tipo de relato desconhecido"),
    ("ordem=aleatoria", "Ordem desconhecida"),
    ("pagina=0", "A página deve estar entre 1 e 1000"),
    ("pagina=%C2%B2", "A página deve ter só algarismos"),
])
def test_bad_filters_are_a_400_that_says_which(team_world, query, message):
    page = team_world.client.page(f"/atendimento/rede?{query}", status=400)
    assert message in text_of(page.select_one(".go-error-summary"))
    assert page.select(".go-team-case") == []


def test_a_settled_report_leaves_the_queue(team_world):
    from tests.support.network_team import act

    ids = reports_from_many(team_world.session, team_world.providers["N1"], "fechado")
    response = act(team_world.client, ids[0], "rejeitar", {"justificativa": "O consultório atende normalmente."})
    assert response.status_code == 303
    page = team_world.client.page("/atendimento/rede")
    assert case_names(page) == [] and "Nenhum relato aberto." in text_of(page)
