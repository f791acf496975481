"""Who may open the network team's pages: agents with the ``rede`` permission only, given and taken
by the command line. The routes come from the app's URL map, so a new page is covered the day it
appears."""

import pytest
from sqlalchemy import select

from tests.agents.test_roles import routes
from tests.support.agents import AGENT, SUPERVISOR, TEAM, agent_named, agent_session
from tests.support.members import CASSEMS_HOLDER_CPF, member_by_cpf, member_session
from tests.support.pages import csrf
from tests.support.network_team import member_reports, latest_report
from webapp.agents.models import Agent


def team_pages(app, report_id: int):
    return [(method, path.replace("/relatos/1", f"/relatos/{report_id}"), endpoint)
            for method, path, endpoint in routes(app, lambda e: e.startswith("network_team."))]


@pytest.fixture
def report_id(client, session, small_network, families):
    member_reports(client, small_network["N1"], "telefone-errado")
    return latest_report(session).id


def test_the_team_pages_are_the_expected_ones(app):
    assert {(m, p) for m, p, _ in routes(app, lambda e: e.startswith("network_team."))} == {
        ("GET", "/atendimento/rede"), ("GET", "/atendimento/rede/relatos/1"),
        ("POST", "/atendimento/rede/relatos/1/corrigir"), ("POST", "/atendimento/rede/relatos/1/saiu"),
        ("POST", "/atendimento/rede/relatos/1/verificar"), ("POST", "/atendimento/rede/relatos/1/rejeitar"),
        ("POST", "/atendimento/rede/exportar"), ("GET", "/atendimento/rede/exportar.csv"),
    }


@pytest.mark.parametrize("username", [AGENT, SUPERVISOR])
def test_agents_without_the_permission_get_403_on_every_page(app, client, session, report_id, username):
    agent_session(client, agent_named(session, username))
    token = csrf(client, "/atendimento")
    for method, path, _ in team_pages(app, report_id):
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Só para a equipe de rede" in response.get_data(as_text=True), path
        assert response.headers["Cache-Control"] == "private, no-store"
    page = client.page("/atendimento/rede", status=403)
    assert page.h1.get_text(strip=True) == "Só para a equipe de rede"
    assert "Fila da rede" not in page.select_one(".go-agent-bar").get_text()  # not offered either
    assert latest_report(session).status == "novo"  # nothing was settled


def test_members_get_403_on_every_page(app, client, session, report_id):
    member_session(client, member_by_cpf(session, CASSEMS_HOLDER_CPF))
    token = csrf(client, "/carteirinha")
    for method, path, _ in team_pages(app, report_id):
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Você está conectado como beneficiário" in response.get_data(as_text=True), path


def test_signed_out_goes_to_the_agents_sign_in(app, client, report_id):
    token = csrf(client, "/atendimento/entrar")
    for method, path, _ in team_pages(app, report_id):
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 303, (method, path)
        assert response.headers["Location"].startswith("/atendimento/entrar?next="), path
    assert client.get("/atendimento/rede?motivo=fechado").headers["Location"] == (
        "/atendimento/entrar?next=/atendimento/rede?motivo%3Dfechado")


def test_the_team_sees_the_queue_and_its_link(client, session, report_id):
    agent_session(client, agent_named(session, TEAM))
    page = client.page("/atendimento")
    link = page.select_one(".go-agent-bar a[href='/atendimento/rede']")
    assert link.get_text(strip=True) == "Fila da rede"
    assert "equipe de rede" in page.select_one(".go-agent-bar__who").get_text()
    queue = client.page("/atendimento/rede")
    assert queue.select_one(".go-agent-bar a[href='/atendimento/rede']")["aria-current"] == "page"
    assert client.get(f"/atendimento/rede/relatos/{report_id}").status_code == 200
    assert client.get(f"/atendimento/rede/relatos/{report_id + 1000}").status_code == 404


def test_cli_creates_grants_and_revokes_the_permission(app, runner, session, client, report_id):
    created = runner.invoke(args=["agents", "create", "Paula.Rede", "--name", "Paula Rede", "--rede"],
                            input="uma-senha-longa\numa-senha-longa\n")
    assert created.exit_code == 0, created.output
    assert "Atendente “paula.rede” (Paula Rede, atendimento e equipe de rede) criado." in created.output
    paula = session.scalars(select(Agent).where(Agent.username == "paula.rede")).one()
    assert paula.is_network_team and not paula.is_supervisor

    agent_session(client, agent_named(session, AGENT))
    assert client.get("/atendimento/rede").status_code == 403
    granted = runner.invoke(args=["agents", "grant", AGENT, "rede"])
    assert granted.exit_code == 0, granted.output
    assert "agora tem a permissão rede (equipe de rede); perfil: atendimento e equipe de rede" in granted.output
    assert client.get("/atendimento/rede").status_code == 200  # from the next page, same session
    revoked = runner.invoke(args=["agents", "revoke", AGENT, "rede"])
    assert revoked.exit_code == 0 and "não tem mais a permissão rede" in revoked.output
    assert client.get("/atendimento/rede").status_code == 403

    assert runner.invoke(args=["agents", "grant", "ninguem", "rede"]).exit_code != 0
    unknown = runner.invoke(args=["agents", "grant", AGENT, "tudo"])
    assert unknown.exit_code != 0 and "tudo" in unknown.output


def test_the_demo_has_a_network_team_agent(runner, session):
    result = runner.invoke(args=["agents", "demo"])
    assert result.exit_code == 0 and "3 criados" in result.output
    assert "Relatos de demonstração para a equipe de rede: nenhum ainda (importe a rede" in result.output
    team = agent_named(session, TEAM)
    assert team.is_network_team and not team.is_supervisor
    assert not agent_named(session, AGENT).is_network_team


def test_the_demo_fills_the_queue_once_the_network_is_in(runner, session, client, small_network):
    """``agents demo`` before the network: agents only; after it, reports on real providers."""
    from webapp.network.models import DataReport
    from webapp.network_team.demo import DEMO_REPORTS

    session.execute(DataReport.__table__.delete())
    first = runner.invoke(args=["agents", "demo"])
    assert first.exit_code == 0, first.output
    assert "Relatos de demonstração para a equipe de rede: 7 criados." in first.output
    assert "0 criados." in runner.invoke(args=["agents", "demo"]).output.splitlines()[1]  # idempotent
    agent_session(client, agent_named(session, TEAM))
    page = client.page("/atendimento/rede")
    cases = page.select(".go-team-case")
    assert len(cases) == 4 and len(DEMO_REPORTS) == 7
    assert "Telefone errado (3) · Horário errado" in cases[0].get_text(" ", strip=True)
