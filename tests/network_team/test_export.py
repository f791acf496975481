"""The export for an operator's network file owner, on both databases: recorded in the audit log
by a POST, then downloaded by the GET that row authorises; the operator's open reports and the
team's corrections its file does not carry yet; cells a spreadsheet would run are made text."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.agents import agent_session
from tests.support.databases import BACKENDS
from tests.support.network_team import act, latest_report, member_reports, reports_from_many
from tests.support.pages import csrf, text_of
from webapp.agents.demo import demo_password_hash
from webapp.agents.models import AccessLog, Agent
from webapp.network.models import Location

both = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
N1_FORM = {"telefones": "(21) 2711-0000", "whatsapp": "(21) 99876-5432", "logradouro": "Rua Moreira César",
           "numero": "100", "complemento": "Sala 201", "bairro": "Icaraí", "cep": "24230-052"}


def export(client, operator: str):
    return client.post("/atendimento/rede/exportar", data={"operadora": operator,
                                                           "csrf_token": csrf(client, "/atendimento/rede")})


def rows_of(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def work(team_world):
    """Open reports about LEVE's and São Cristóvão's providers, and a correction of N1's phone."""
    session, p, client = team_world.session, team_world.providers, team_world.client
    member_reports(client, p["N3"], "outro", '=HYPERLINK("https://evil.example","clique")')
    reports_from_many(session, p["S1"], "fechado")  # São Cristóvão and SINTAEMA MASTER, not LEVE
    [fixed] = reports_from_many(session, p["N1"], "telefone-errado")
    n1 = session.scalars(select(Location).where(Location.key == "N1-L1")).one()
    assert act(client, fixed, "corrigir", {**N1_FORM, "local": str(n1.id), "telefones": "(21) 2711-9999"}
               ).status_code == 303
    return team_world


@both
def test_the_export_is_recorded_then_downloaded(work, backend):
    client, session = work.client, work.session
    response = export(client, "leve-saude")
    assert response.status_code == 303
    entry = session.scalars(select(AccessLog).where(AccessLog.action == "rede-exportacao")).one()
    assert response.headers["Location"] == f"/atendimento/rede/exportar.csv?operadora=leve-saude&registro={entry.id}"
    assert entry.detail == "operadora leve-saude: relatos 1, correções 1" and entry.member_id is None

    download = client.get(response.headers["Location"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="rede-relatos-leve-saude-')
    assert download.headers["Cache-Control"] == "private, no-store"
    rows = rows_of(download)
    assert [(r["record"], r["provider_key"]) for r in rows] == [("relato", "N3"), ("correcao", "N1")]
    report, correction = rows
    assert report["reason"] == "outro" and report["location_key"] == "N3-L1"
    assert report["detail"] == "'=HYPERLINK(\"https://evil.example\",\"clique\")"  # text, not a formula
    assert report["products"] == "leve-dental-rj-1-adesao" and report["municipality_ibge"] == "3303302"
    assert (correction["column"], correction["file_value"], correction["corrected_value"]) == (
        "phones", "(21) 2711-0000", "(21) 2711-9999")
    assert correction["address"] == "Rua Moreira César, 100 — Sala 201" and correction["report_id"]
    assert list(rows[0]) == ["record", "id", "created_at", "priority", "provider_key", "provider_name",
                             "location_key", "address", "municipality_ibge", "products", "reason", "detail",
                             "column", "file_value", "corrected_value", "report_id"]


@both
def test_each_operator_gets_its_own_networks(work, backend):
    rows = rows_of(work.client.get(export(work.client, "sao-cristovao-saude").headers["Location"]))
    assert [(r["record"], r["provider_key"], r["products"]) for r in rows] == [
        ("relato", "S1", "sao-cristovao-odontologico")]
    rows = rows_of(work.client.get(export(work.client, "viventeris").headers["Location"]))
    assert rows == []


def test_the_download_needs_its_own_recent_record(app, work, frozen_clock):
    client, session = work.client, work.session
    assert client.get("/atendimento/rede/exportar.csv?operadora=leve-saude").headers["Location"] == (
        "/atendimento/rede#exportar")
    location = export(client, "leve-saude").headers["Location"]
    registro = location.rsplit("=", 1)[1]
    other = client.get(f"/atendimento/rede/exportar.csv?operadora=odontoprev&registro={registro}")
    assert other.status_code == 303  # recorded for another operator
    colleague = Agent(username="equipe-dois", name="Otávio Reis", password_hash=demo_password_hash(),
                      is_network_team=True, active=True, session_version=0)
    session.add(colleague)
    session.flush()
    theirs = app.test_client()
    agent_session(theirs, colleague)
    assert theirs.get(location).status_code == 303  # somebody else's record
    assert client.get(location).status_code == 200
    frozen_clock(work.session.scalars(select(AccessLog.at).where(AccessLog.action == "rede-exportacao")).one()
                 + timedelta(minutes=11))
    work.sign_in_again()
    assert client.get(location).status_code == 303  # too long ago: export again


@pytest.mark.parametrize("operator", ["", "nenhuma", "leve-saude\x00", "x" * 500])
def test_an_unknown_operator_is_a_400_that_asks_for_one(work, operator):
    response = export(work.client, operator)
    assert response.status_code == 400
    assert "Escolha a operadora do arquivo da rede" in response.get_data(as_text=True)
    assert work.session.scalars(select(AccessLog).where(AccessLog.action == "rede-exportacao")).all() == []
    page = work.client.page("/atendimento/rede/exportar.csv?operadora=nenhuma", status=400)
    assert "Escolha a operadora do arquivo da rede" in text_of(page.select_one(".go-error-summary"))


def test_a_settled_report_is_not_exported_but_a_later_report_is(work):
    client, session = work.client, work.session
    rows = rows_of(client.get(export(client, "leve-saude").headers["Location"]))
    assert len(rows) == 2
    n3 = next(r for r in rows if r["provider_key"] == "N3")
    assert act(client, int(n3["id"]), "rejeitar", {"justificativa": "Sem erro."}).status_code == 303
    member_reports(client, work.providers["R1"], "fechado")
    rows = rows_of(client.get(export(client, "leve-saude").headers["Location"]))
    assert [(r["record"], r["provider_key"]) for r in rows] == [("relato", "R1"), ("correcao", "N1")]
    assert latest_report(session).reason == "fechado"
