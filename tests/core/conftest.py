"""A small whole world for the input tests: the Niterói network, the demo families with their
history, two agents, an open look-up and a short link — everything a route's path may name — and
the three ways in (anonymous, member, agent).  Frozen on the day it was made."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.support.network_fixtures import TODAY
from webapp.agents import services as agent_services
from webapp.agents.demo import create_demo_agents
from webapp.agents.models import Agent
from webapp.core import clock
from webapp.history.demo import create_demo_history
from webapp.members.demo import create_demo_families, make_cpf
from webapp.members.models import Member
from webapp.network.models import Provider
from webapp.network.services import provider_slug

CASSEMS_HOLDER_CPF = make_cpf(11)


@dataclass(frozen=True)
class World:
    provider_id: int
    provider_slug: str
    holder_id: int
    holder_card: str
    holder_birth: str
    holder_version: int
    agent_id: int
    supervisor_id: int
    lookup_id: int
    link_code: str


@pytest.fixture
def world(session, small_network) -> World:
    create_demo_families(session, TODAY)
    create_demo_agents(session)
    session.flush()
    holder = session.scalars(select(Member).where(Member.cpf == CASSEMS_HOLDER_CPF)).one()
    agent = session.scalars(select(Agent).where(Agent.username == "atendente")).one()
    supervisor = session.scalars(select(Agent).where(Agent.username == "supervisora")).one()
    lookup = agent_services.record(session, agent, "consulta", "ligacao", "127.0.0.1", clock.utcnow(), member=holder)
    link = agent_services.create_short_link(session, agent, "busca", "/rede?plano=cassems-odonto", "Dentistas", 30,
                                            clock.utcnow())
    agent_services.record(session, agent, "link", "ligacao", "127.0.0.1", clock.utcnow(), member=holder,
                          lookup=lookup, short_link=link)
    provider = session.get(Provider, small_network["N1"])
    session.flush()
    return World(provider_id=provider.id, provider_slug=provider_slug(provider), holder_id=holder.id,
                 holder_card=holder.card_number, holder_birth=holder.birth_date.isoformat(),
                 holder_version=holder.session_version, agent_id=agent.id, supervisor_id=supervisor.id,
                 lookup_id=lookup.id, link_code=link.code)


@pytest.fixture
def world_with_history(world, session) -> World:
    """The world, and the demo families' statements and authorizations (imported)."""
    create_demo_history(session, TODAY)
    session.flush()
    return world


def enter_as(client, world: World, role: str) -> None:
    """Put *role*'s session in the client's cookie (what a sign-in does, without the slow hash)."""
    with client.session_transaction() as sess:
        sess.clear()
        if role == "member":
            sess["member"] = {"id": world.holder_id, "v": world.holder_version}
        elif role in ("agent", "supervisor"):
            agent_id = world.agent_id if role == "agent" else world.supervisor_id
            sess["agent"] = {"id": agent_id, "v": 0, "t": int(clock.now().timestamp())}  # as demo agents start
