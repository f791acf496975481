"""Agents in tests: the demo agents beside the demo families, the two ways in (through
``/atendimento/entrar``, or straight into the session cookie, without the slow hash), look-ups
and the audit log.

Fixtures: ``families`` (the demo families and agents, made on ``TODAY`` with the clock stopped
there; tests/members and tests/history make their families their own way), ``agent_client``,
``supervisor_client`` and ``team_client`` (a client with that agent's session; the last one is
the demo's network team).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.clock import TODAY
from tests.support.members import demo_families
from tests.support.pages import csrf
from webapp.agents.demo import DEMO_PASSWORD, create_demo_agents
from webapp.agents.models import AccessLog, Agent
from webapp.core import clock

AGENT, SUPERVISOR, TEAM = "atendente", "supervisora", "equipe-rede"


def demo_world_on_today(session, frozen_clock):
    """The demo families and agents, made on ``TODAY`` with the clock stopped there."""
    frozen_clock(TODAY)
    demo_families(session, TODAY)
    create_demo_agents(session)
    session.flush()
    return session


@pytest.fixture
def families(session, frozen_clock):
    """The demo families and agents, on the day they were made (the clock stays there)."""
    return demo_world_on_today(session, frozen_clock)


@pytest.fixture
def agent_client(client, families):
    agent_session(client, agent_named(families, AGENT))
    return client


@pytest.fixture
def supervisor_client(client, families):
    agent_session(client, agent_named(families, SUPERVISOR))
    return client


@pytest.fixture
def team_client(client, families):
    agent_session(client, agent_named(families, TEAM))
    return client


def agent_named(session: Session, username: str) -> Agent:
    return session.scalars(select(Agent).where(Agent.username == username)).one()


def log_rows(session: Session) -> list[AccessLog]:
    session.expire_all()
    return list(session.scalars(select(AccessLog).order_by(AccessLog.id)))


def sign_in(client: FlaskClient, username: str = AGENT, password: str = DEMO_PASSWORD, next_url: str | None = None):
    """Sign in through ``/atendimento/entrar`` (the form's CSRF token and all); the response."""
    token = csrf(client, "/atendimento/entrar")
    url = "/atendimento/entrar" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"usuario": username, "senha": password, "csrf_token": token})


def agent_session(client: FlaskClient, agent: Agent, signed_in_at: float | None = None) -> None:
    """Put an agent session in the client's cookie (what a sign-in does), without the slow hash.
    *agent* is an Agent, or anything with its ``id`` and ``session_version``."""
    with client.session_transaction() as sess:
        sess.clear()
        sess["agent"] = {"id": agent.id, "v": agent.session_version,
                         "t": int(signed_in_at if signed_in_at is not None else clock.now().timestamp())}


def look_up(client: FlaskClient, identifier: str, reason: str = "ligacao", protocol: str = ""):
    token = csrf(client, "/atendimento")
    return client.post("/atendimento", data={"identificador": identifier, "motivo": reason, "protocolo": protocol,
                                             "csrf_token": token})


def lookup_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rsplit("/", 1)[1])
