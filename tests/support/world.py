"""A small whole world for the input tests: the Niterói network, the demo families with their
history, the demo agents, an open look-up, a short link and a member's data report — everything a
route's path may name — and the ways in (anonymous, member, agent, supervisor, network team).
Frozen on the day it was made.

Fixtures: ``world`` and ``world_with_history``; ``enter_as(client, world, role)`` signs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pytest
from sqlalchemy import select

from tests.support.agents import AGENT, SUPERVISOR, TEAM, agent_named, agent_session
from tests.support.clock import TODAY
from tests.support.members import CASSEMS_HOLDER_CPF, demo_families, member_by_cpf, member_session
from webapp.agents import services as agent_services
from webapp.agents.demo import create_demo_agents
from webapp.core import clock
from webapp.history.demo import create_demo_history
from webapp.network.models import DataReport, Provider
from webapp.network.services import provider_slug, record_report


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
    team_id: int
    report_id: int


class Account(NamedTuple):
    """What a session cookie names of a member or an agent."""

    id: int
    session_version: int


@pytest.fixture
def world(session, small_network) -> World:
    demo_families(session, TODAY)
    create_demo_agents(session)
    holder = member_by_cpf(session, CASSEMS_HOLDER_CPF)
    agent, supervisor = agent_named(session, AGENT), agent_named(session, SUPERVISOR)
    lookup = agent_services.record(session, agent, "consulta", "ligacao", "127.0.0.1", clock.utcnow(), member=holder)
    link = agent_services.create_short_link(session, agent, "busca", "/rede?plano=cassems-odonto", "Dentistas", 30,
                                            clock.utcnow())
    agent_services.record(session, agent, "link", "ligacao", "127.0.0.1", clock.utcnow(), member=holder,
                          lookup=lookup, short_link=link)
    provider = session.get(Provider, small_network["N1"])
    record_report(session, provider.id, "telefone-errado", "O número mudou", "membro-do-mundo", clock.utcnow())
    session.flush()
    report_id = session.scalars(select(DataReport.id).where(DataReport.provider_id == provider.id)).one()
    return World(provider_id=provider.id, provider_slug=provider_slug(provider), holder_id=holder.id,
                 holder_card=holder.card_number, holder_birth=holder.birth_date.isoformat(),
                 holder_version=holder.session_version, agent_id=agent.id, supervisor_id=supervisor.id,
                 lookup_id=lookup.id, link_code=link.code, team_id=agent_named(session, TEAM).id,
                 report_id=report_id)


@pytest.fixture
def world_with_history(world, session) -> World:
    """The world, and the demo families' statements and authorizations (imported)."""
    create_demo_history(session, TODAY)
    session.flush()
    return world


def enter_as(client, world: World, role: str) -> None:
    """Put *role*'s session in the client's cookie (what a sign-in does, without the slow hash)."""
    if role == "member":
        member_session(client, Account(world.holder_id, world.holder_version))
    elif role in ("agent", "supervisor", "team"):
        agent_id = {"agent": world.agent_id, "supervisor": world.supervisor_id, "team": world.team_id}[role]
        agent_session(client, Account(agent_id, 0))  # as demo agents start
    else:
        with client.session_transaction() as sess:
            sess.clear()
