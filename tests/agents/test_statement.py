"""The member's extrato and authorizations for an agent: opened by an audited POST, read-only."""

import pytest

from tests.support.agents import AGENT, SUPERVISOR, agent_named, agent_session, log_rows, look_up, lookup_id
from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF, member_by_cpf
from tests.support.pages import csrf
from webapp.history.demo import create_demo_history


@pytest.fixture
def usage(families):
    create_demo_history(families, TODAY)
    families.flush()
    return families


def open_statement(client, entry_id):
    token = csrf(client, f"/atendimento/consultas/{entry_id}")
    return client.post(f"/atendimento/consultas/{entry_id}/extrato", data={"csrf_token": token})


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_opening_the_statement_is_audited_then_shown_read_only(agent_client, usage):
    spouse = member_by_cpf(usage, CASSEMS_SPOUSE_CPF)
    entry_id = lookup_id(look_up(agent_client, spouse.card_number, reason="ouvidoria", protocol="OUV-9"))
    url = f"/atendimento/consultas/{entry_id}/extrato"
    # Not opened yet: the GET sends the agent to the audited button.
    before = agent_client.get(url)
    assert before.status_code == 303 and before.headers["Location"] == f"/atendimento/consultas/{entry_id}#extrato"
    assert len(log_rows(usage)) == 1

    response = open_statement(agent_client, entry_id)
    assert response.status_code == 303 and response.headers["Location"] == url
    lookup_row, opened = log_rows(usage)
    assert (opened.action, opened.member_id, opened.lookup_id, opened.reason, opened.protocol) == (
        "extrato", spouse.id, entry_id, "ouvidoria", "OUV-9")

    page = agent_client.page(url)
    assert page.h1.get_text(strip=True).startswith("Extrato — Paulo Rocha")
    people = {tr.select("td")[1].get_text(strip=True) for tr in page.select(".go-agent-event")}
    assert people and people <= {"Mariana Alves Rocha", "Paulo Rocha", "Lívia Alves Rocha"}
    assert page.select(".go-agent-authorization")
    assert {f["action"] for f in page.select("main form")} == {"/atendimento/sair"}  # nothing to edit here
    assert agent_client.get(url).headers["Cache-Control"] == "private, no-store"
    assert len(log_rows(usage)) == 2  # reading wrote nothing


def test_the_statement_belongs_to_the_look_up(client, usage):
    agent_session(client, agent_named(usage, AGENT))
    entry_id = lookup_id(look_up(client, CASSEMS_HOLDER_CPF))
    open_statement(client, entry_id)
    agent_session(client, agent_named(usage, SUPERVISOR))
    assert client.get(f"/atendimento/consultas/{entry_id}/extrato").status_code == 404
    token = csrf(client, "/atendimento")
    assert client.post(f"/atendimento/consultas/{entry_id}/extrato", data={"csrf_token": token}).status_code == 404
    assert [r.action for r in log_rows(usage)] == ["consulta", "extrato"]


def test_audit_page_shows_the_opening(supervisor_client, usage):
    entry_id = lookup_id(look_up(supervisor_client, CASSEMS_HOLDER_CPF))
    open_statement(supervisor_client, entry_id)
    page = supervisor_client.page("/atendimento/auditoria")
    assert "Extrato de utilização e autorizações" in page.select(".go-agent-audit__row")[0].get_text()
