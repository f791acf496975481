"""The audit log: supervisors filter it by agent, member and date and export CSV; it only grows."""

import csv
import io
from urllib.parse import parse_qs, urlparse
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.agents import AGENT, SUPERVISOR, agent_named, agent_session, log_rows, look_up, lookup_id
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF, LEVE_HOLDER_CPF, member_by_cpf
from webapp.agents import audit_log, services
from webapp.agents.models import AppendOnlyError
from webapp.core import clock
from webapp.core.csvsafe import csv_cell


@pytest.fixture
def history(session, families):
    """Three look-ups on three days (America/Sao_Paulo), by two agents, of two members."""
    agent, supervisor = agent_named(session, AGENT), agent_named(session, SUPERVISOR)
    cassems, leve = member_by_cpf(session, CASSEMS_HOLDER_CPF), member_by_cpf(session, LEVE_HOLDER_CPF)
    rows = [
        services.record(session, agent, "consulta", "ligacao", "10.0.0.1",
                        datetime(2026, 11, 20, 2, 30, tzinfo=UTC), member=cassems),  # 19/11 23:30 local
        services.record(session, agent, "consulta", "whatsapp", "10.0.0.2",
                        datetime(2026, 11, 21, 15, 0, tzinfo=UTC), member=leve, protocol="=1+1"),
        services.record(session, supervisor, "consulta", "ouvidoria", "10.0.0.3",
                        datetime(2026, 11, 22, 15, 0, tzinfo=UTC), member=cassems),
    ]
    session.flush()
    return {"agent": agent, "supervisor": supervisor, "cassems": cassems, "leve": leve, "rows": rows}


def audit_names(page):
    return [(tr.select("td")[1].get_text(" ", strip=True).split(" (")[0],
             tr.select("td")[2].get_text(" ", strip=True).split(" — ")[0].split(" ")[0])
            for tr in page.select(".go-agent-audit__row")]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_supervisor_filters_by_agent_member_and_date(client, history):
    agent_session(client, history["supervisor"])
    page = client.page("/atendimento/auditoria")
    assert audit_names(page) == [("Rita Moraes", "Mariana"), ("Carla Nunes", "Luiz"), ("Carla Nunes", "Mariana")]
    by_agent = client.page(f"/atendimento/auditoria?agente={history['agent'].id}")
    assert audit_names(by_agent) == [("Carla Nunes", "Luiz"), ("Carla Nunes", "Mariana")]
    by_member = client.page(f"/atendimento/auditoria?beneficiario={history['cassems'].id}")
    assert audit_names(by_member) == [("Rita Moraes", "Mariana"), ("Carla Nunes", "Mariana")]
    assert by_member.select_one("#carteirinha")["value"] == history["cassems"].card_number
    # Dates are local (America/Sao_Paulo): 02:30 UTC on the 20th is the evening of the 19th.
    assert audit_names(client.page("/atendimento/auditoria?de=2026-11-19&ate=2026-11-19")) == [
        ("Carla Nunes", "Mariana")]
    assert audit_names(client.page("/atendimento/auditoria?de=2026-11-20&ate=2026-11-21")) == [
        ("Carla Nunes", "Luiz")]
    combined = client.page(f"/atendimento/auditoria?agente={history['agent'].id}&beneficiario="
                           f"{history['cassems'].id}&de=2026-11-01")
    assert audit_names(combined) == [("Carla Nunes", "Mariana")]
    row = page.select(".go-agent-audit__row")[1].get_text(" ")
    for needle in ("Conversa pelo WhatsApp", "=1+1", "10.0.0.2", "Consulta: carteirinha"):
        assert needle in row


def test_the_card_number_filter_is_posted_and_never_put_in_a_url(client, history):
    """A card number is personal data: typed into the form, it travels in the body, and the
    filtered page's URL names the member by internal id (access logs keep URLs)."""
    agent_session(client, history["supervisor"])
    form = client.page("/atendimento/auditoria")
    assert form.select_one("form.go-agent-filters")["method"] == "post"
    token = form.select_one("form.go-agent-filters input[name=csrf_token]")["value"]
    card = history["cassems"].card_number
    response = client.post("/atendimento/auditoria", data={
        "csrf_token": token, "agente": str(history["agent"].id), "carteirinha": f" {card[:4]}.{card[4:]} ",
        "de": "2026-11-01", "ate": ""})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert card not in location
    assert parse_qs(urlparse(location).query) == {
        "agente": [str(history["agent"].id)], "beneficiario": [str(history["cassems"].id)], "de": ["2026-11-01"]}
    assert audit_names(client.page(location)) == [("Carla Nunes", "Mariana")]
    unknown = client.post("/atendimento/auditoria", data={"csrf_token": token, "carteirinha": "123"})
    assert unknown.status_code == 400 and "Nenhum beneficiário com esse número" in unknown.get_data(as_text=True)
    assert client.post("/atendimento/auditoria", data={"carteirinha": card}).status_code == 400  # no CSRF token
    everyone = client.post("/atendimento/auditoria", data={"csrf_token": token, "carteirinha": ""})
    assert everyone.status_code == 303 and everyone.headers["Location"] == "/atendimento/auditoria"


def test_member_link_keeps_the_other_filters(client, history):
    agent_session(client, history["supervisor"])
    page = client.page(f"/atendimento/auditoria?agente={history['agent'].id}")
    href = page.select_one(".go-agent-audit__row td:nth-of-type(3) a")["href"]
    assert f"agente={history['agent'].id}" in href and f"beneficiario={history['leve'].id}" in href
    assert history["leve"].card_number not in href
    assert page.select_one("a[href^='/atendimento/auditoria.csv']")["href"] == (
        f"/atendimento/auditoria.csv?agente={history['agent'].id}")


@pytest.mark.parametrize("query, field", [
    ("agente=abc", "agente"), ("beneficiario=999999", "carteirinha"), ("de=31/12/2026", "de"),
    ("de=2026-11-22&ate=2026-11-01", "ate"), ("pagina=0", "pagina"),
])
def test_bad_filters_are_a_400(client, history, query, field):
    agent_session(client, history["supervisor"])
    page = client.page(f"/atendimento/auditoria?{query}", status=400)
    assert page.select_one(".go-error-summary") is not None and page.select(".go-agent-audit__row") == []
    assert client.get(f"/atendimento/auditoria.csv?{query}").status_code == 400


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_csv_export_holds_the_filtered_rows(client, history):
    agent_session(client, history["supervisor"])
    response = client.get(f"/atendimento/auditoria.csv?agente={history['agent'].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="auditoria-atendimento-')
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["beneficiario"] for r in rows] == ["Luiz Henrique Barbosa", "Mariana Alves Rocha"]
    assert rows[0]["quando"] == "2026-11-21T12:00:00-03:00"
    assert rows[0]["protocolo"] == "'=1+1"  # never a formula in a spreadsheet
    assert rows[1]["atendente"] == AGENT and rows[1]["ip"] == "10.0.0.1" and rows[1]["motivo"] == "Ligação do beneficiário"
    everything = client.get("/atendimento/auditoria.csv")
    assert len(list(csv.DictReader(io.StringIO(everything.get_data(as_text=True).lstrip("\ufeff"))))) == 3


def test_audit_pages_are_paginated(client, history, session):
    for i in range(60):
        services.record(session, history["agent"], "nao-encontrado", "ligacao", "10.0.0.9",
                        datetime(2026, 11, 23, 12, tzinfo=UTC) + timedelta(seconds=i))
    session.flush()
    agent_session(client, history["supervisor"])
    first = client.page("/atendimento/auditoria")
    assert len(first.select(".go-agent-audit__row")) == 50 and "página 1 de 2" in first.get_text()
    second = client.page("/atendimento/auditoria?pagina=2")
    assert len(second.select(".go-agent-audit__row")) == 13
    assert second.select_one("a[href='/atendimento/auditoria?pagina=1']") is not None


def test_only_supervisors_read_the_log(client, history):
    agent_session(client, history["agent"])
    for url in ("/atendimento/auditoria", "/atendimento/auditoria.csv"):
        response = client.get(url)
        assert response.status_code == 403 and "supervisão" in response.get_data(as_text=True)
    assert client.page("/atendimento").select("a[href='/atendimento/auditoria']") == []
    agent_session(client, history["supervisor"])
    assert client.page("/atendimento").select("a[href='/atendimento/auditoria']") != []


def test_look_up_through_the_app_shows_in_the_log(client, families):
    agent_session(client, agent_named(families, AGENT))
    lookup_id(look_up(client, LEVE_HOLDER_CPF, reason="email"))
    agent_session(client, agent_named(families, SUPERVISOR))
    page = client.page("/atendimento/auditoria")
    assert audit_names(page) == [("Carla Nunes", "Luiz")]
    assert "E-mail do beneficiário" in page.get_text() and "127.0.0.1" in page.get_text()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_log_is_append_only(session, history):
    row = history["rows"][0]
    # The app cannot change or remove a row through the ORM...
    nested = session.begin_nested()
    row.reason = "ouvidoria"
    with pytest.raises(AppendOnlyError):
        session.flush()
    nested.rollback()
    nested = session.begin_nested()
    session.delete(row)
    with pytest.raises(AppendOnlyError):
        session.flush()
    nested.rollback()
    # ... and the database refuses it too, whatever the client.
    for statement in ("UPDATE agent_access_log SET reason = 'ouvidoria'", "DELETE FROM agent_access_log"):
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        nested.rollback()
    session.expire_all()
    assert [r.reason for r in log_rows(session)] == ["ligacao", "whatsapp", "ouvidoria"]
    # New rows are welcome.
    services.record(session, history["agent"], "consulta", "retorno", "10.0.0.4", clock.utcnow(),
                    member=history["leve"])
    assert len(log_rows(session)) == 4


def test_csv_cells_never_start_a_formula():
    assert [csv_cell(v) for v in ("=SUM(A1)", "+1", "-1", "@x", "ok", None, 7)] == [
        "'=SUM(A1)", "'+1", "'-1", "'@x", "ok", "", "7"]


def test_audit_filter_dates_are_local():
    f = audit_log.AuditFilter(since=date(2026, 11, 19), until=date(2026, 11, 19))
    sql = str(audit_log.audit_query(f))
    assert "agent_access_log.at >=" in sql and "agent_access_log.at <" in sql
