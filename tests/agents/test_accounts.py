"""Agent accounts: created by the CLI only, signed in with the members' rules (argon2id, lock-out,
CSRF, a session that really ends), a shift-long session, demo agents in demo mode."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.agents import AGENT, SUPERVISOR, agent_named, agent_session, sign_in
from tests.support.pages import check_page, csrf
from webapp.agents import services
from webapp.agents.demo import DEMO_PASSWORD
from webapp.agents.models import Agent
from webapp.core import clock


def test_cli_creates_an_agent_asking_for_the_password_twice(runner, session):
    result = runner.invoke(args=["agents", "create", "Joana.Lima", "--name", "Joana  Lima", "--supervisor"],
                           input="uma-senha-longa\numa-senha-longa\n")
    assert result.exit_code == 0, result.output
    assert "uma-senha-longa" not in result.output  # never echoed
    agent = session.scalars(select(Agent).where(Agent.username == "joana.lima")).one()
    assert agent.name == "Joana Lima" and agent.is_supervisor and agent.active
    assert agent.password_hash.startswith("$argon2id$")
    again = runner.invoke(args=["agents", "create", "joana.lima", "--name", "Outra"],
                          input="uma-senha-longa\numa-senha-longa\n")
    assert again.exit_code != 0 and "Já existe" in again.output


def test_cli_refuses_short_passwords_and_bad_usernames(runner):
    short = runner.invoke(args=["agents", "create", "ana", "--name", "Ana"], input="curta\ncurta\n")
    assert short.exit_code != 0 and "12 caracteres" in short.output
    bad = runner.invoke(args=["agents", "create", "a b", "--name", "Ana"], input="x" * 12 + "\n" + "x" * 12 + "\n")
    assert bad.exit_code != 0 and "usuário inválido" in bad.output


def test_cli_demo_is_idempotent_and_deactivate_ends_sessions(runner, session, client):
    first = runner.invoke(args=["agents", "demo"])
    assert first.exit_code == 0 and "3 criados" in first.output
    assert "0 criados" in runner.invoke(args=["agents", "demo"]).output
    agent = agent_named(session, AGENT)
    agent_session(client, agent)
    assert client.get("/atendimento").status_code == 200
    result = runner.invoke(args=["agents", "deactivate", AGENT])
    assert result.exit_code == 0, result.output
    assert client.get("/atendimento").status_code == 303  # the open session ended
    assert sign_in(client).status_code == 400
    assert runner.invoke(args=["agents", "deactivate", "ninguem"]).exit_code != 0


def test_sign_in_starts_an_agent_session(client, families):
    response = sign_in(client, username=" Atendente ")
    assert response.status_code == 303 and response.headers["Location"] == "/atendimento"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    with client.session_transaction() as sess:
        assert set(sess) >= {"agent"} and "member" not in sess
    page = client.get("/atendimento")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "Carla Nunes" in client.page("/atendimento").select_one(".go-agent-bar").get_text()


def test_sign_in_follows_only_agent_paths(client, families):
    ok = sign_in(client, next_url="/atendimento/auditoria")
    assert ok.headers["Location"] == "/atendimento/auditoria"
    client.post("/atendimento/sair", data={"csrf_token": csrf(client, "/atendimento")})
    for evil in ("https://evil.example/", "//evil.example/atendimento", "/carteirinha"):
        assert sign_in(client, next_url=evil).headers["Location"] == "/atendimento"
        client.post("/atendimento/sair", data={"csrf_token": csrf(client, "/atendimento")})


def test_wrong_password_unknown_user_and_lock_out(client, families):
    wrong = sign_in(client, password="errada")
    assert wrong.status_code == 400 and "não conferem" in wrong.get_data(as_text=True)
    unknown = sign_in(client, username="ninguem", password="errada")
    assert unknown.status_code == 400 and "não conferem" in unknown.get_data(as_text=True)
    for _ in range(9):
        sign_in(client, password="errada")
    locked = sign_in(client)  # the right password, but locked now
    assert locked.status_code == 429 and "bloqueado" in locked.get_data(as_text=True)
    assert locked.headers["Retry-After"] == str(15 * 60)  # the clock stands still in these tests
    assert sign_in(client, username=SUPERVISOR).status_code == 303  # another account is not locked


def sign_in_from(client, address, username=AGENT, password=DEMO_PASSWORD):
    token = csrf(client, "/atendimento/entrar")
    return client.post("/atendimento/entrar", data={"usuario": username, "senha": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_an_unknown_username_is_locked_like_a_known_one(client, families):
    answers = []
    for username in (AGENT, "ninguem"):
        for _ in range(10):
            assert sign_in_from(client, "127.0.0.1", username, "errada").status_code == 400
        locked = sign_in_from(client, "127.0.0.1", username, "errada")
        page = check_page(locked.get_data(as_text=True), locked.headers["Content-Security-Policy"])
        answers.append((locked.status_code, locked.headers["Retry-After"], page.select_one("main").get_text(" ", strip=True)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429 and "bloqueado" in answers[0][2]


def test_one_address_trying_many_usernames_is_stopped(client, families):
    for n in range(30):
        assert sign_in_from(client, "203.0.113.7", f"ninguem{n}", "errada").status_code == 400
    refused = sign_in_from(client, "203.0.113.7")  # the right password, from that address
    assert refused.status_code == 429 and refused.headers["Retry-After"] == str(15 * 60)
    assert sign_in_from(client, "198.51.100.20").status_code == 303  # the agent is not locked


def test_a_burst_of_agent_sign_ins_meets_a_ceiling(app, client, families, frozen_clock):
    app.config["LOCKOUTS"]["agents"]["burst"] = "3 per minute"
    for n in range(3):
        assert sign_in_from(client, f"192.0.2.{n + 1}", f"ninguem{n}", "errada").status_code == 400
    burst = sign_in_from(client, "192.0.2.99")
    assert burst.status_code == 429 and burst.headers["Retry-After"] == "60"
    assert "tentativas de entrada demais" in burst.get_data(as_text=True)
    frozen_clock(clock.now() + timedelta(seconds=61))
    assert sign_in_from(client, "192.0.2.99").status_code == 303


def test_empty_fields_and_csrf(client, families):
    response = client.post("/atendimento/entrar", data={"usuario": "", "senha": "",
                                                        "csrf_token": csrf(client, "/atendimento/entrar")})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Informe o seu usuário" in text and "Informe a sua senha" in text
    assert client.post("/atendimento/entrar", data={"usuario": AGENT, "senha": DEMO_PASSWORD}).status_code == 400
    agent_session(client, agent_named(families, AGENT))
    assert client.post("/atendimento/sair").status_code == 400
    assert client.post("/atendimento", data={"identificador": "1", "motivo": "ligacao"}).status_code == 400


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, families, app):
    sign_in(client)
    cookie = client.get_cookie("guia_sessao").value
    response = client.post("/atendimento/sair", data={"csrf_token": csrf(client, "/atendimento")})
    assert response.status_code == 303 and response.headers["Location"] == "/atendimento/entrar?saiu=1"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Você saiu" in client.page("/atendimento/entrar?saiu=1").get_text()
    other = app.test_client()
    other.set_cookie("guia_sessao", cookie)
    assert other.get("/atendimento").status_code == 303


def test_a_session_lasts_one_shift(client, families, frozen_clock):
    agent = agent_named(families, AGENT)
    agent_session(client, agent)
    assert client.get("/atendimento").status_code == 200
    frozen_clock(clock.now() + timedelta(hours=services.SESSION_HOURS, minutes=1))
    response = client.get("/atendimento")
    assert response.status_code == 303 and response.headers["Location"].startswith("/atendimento/entrar")


def test_signed_in_agent_visiting_sign_in_goes_to_the_look_up(agent_client):
    assert agent_client.get("/atendimento/entrar").headers["Location"] == "/atendimento"


def test_demo_agents_only_in_demo_mode(client, families, app):
    assert "Demonstração" not in client.page("/atendimento/entrar").get_text()
    app.config["DEMO"] = True
    text = client.page("/atendimento/entrar").get_text()
    assert "Demonstração" in text and DEMO_PASSWORD in text and SUPERVISOR in text


@pytest.mark.parametrize("username", ["ab", "-abc", "Abc def", "x" * 41])
def test_usernames_are_checked(session, username):
    with pytest.raises(services.AgentError):
        services.create_agent(session, username, "Nome", "x" * 12)
