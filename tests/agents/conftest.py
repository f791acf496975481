"""Agents' fixtures: the demo families, two agents (one a supervisor), signed-in clients."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from webapp.agents.demo import DEMO_PASSWORD, create_demo_agents
from webapp.agents.models import AccessLog, Agent
from webapp.core import clock
from webapp.members.demo import create_demo_families, make_cpf
from webapp.members.models import Member

TODAY = date(2026, 11, 24)
LEVE_HOLDER_CPF = make_cpf(61)  # the LEVE family: holder phone "(21) 96888-1206"
CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF = make_cpf(11), make_cpf(12)
AGENT, SUPERVISOR = "atendente", "supervisora"


@pytest.fixture
def families(session, frozen_clock):
    """The demo families and agents, on the day they were made (the clock stays there)."""
    frozen_clock(TODAY)
    create_demo_families(session, TODAY)
    create_demo_agents(session)
    session.flush()
    return session


def member_by_cpf(session, cpf) -> Member:
    return session.scalars(select(Member).where(Member.cpf == cpf)).one()


def agent_named(session, username) -> Agent:
    return session.scalars(select(Agent).where(Agent.username == username)).one()


def log_rows(session) -> list[AccessLog]:
    session.expire_all()
    return list(session.scalars(select(AccessLog).order_by(AccessLog.id)))


def csrf(client, url) -> str:
    return client.page(url).select_one("input[name=csrf_token]")["value"]


def sign_in(client, username=AGENT, password=DEMO_PASSWORD, next_url=None):
    token = csrf(client, "/atendimento/entrar")
    url = "/atendimento/entrar" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"usuario": username, "senha": password, "csrf_token": token})


def agent_session(client, agent: Agent, signed_in_at: float | None = None) -> None:
    """Put an agent session in the client's cookie (what a sign-in does), without the slow hash."""
    with client.session_transaction() as sess:
        sess.clear()
        sess["agent"] = {"id": agent.id, "v": agent.session_version,
                         "t": int(signed_in_at if signed_in_at is not None else clock.now().timestamp())}


def member_session(client, member: Member) -> None:
    with client.session_transaction() as sess:
        sess.clear()
        sess["member"] = {"id": member.id, "v": member.session_version}


def look_up(client, identifier, reason="ligacao", protocol=""):
    token = csrf(client, "/atendimento")
    return client.post("/atendimento", data={"identificador": identifier, "motivo": reason, "protocolo": protocol,
                                             "csrf_token": token})


def lookup_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def agent_client(client, families):
    agent_session(client, agent_named(families, AGENT))
    return client


@pytest.fixture
def supervisor_client(client, families):
    agent_session(client, agent_named(families, SUPERVISOR))
    return client
