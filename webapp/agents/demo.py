"""Demo agents, created with the demo families (``flask --app webapp agents demo`` or ``setup``
in demo mode); their credentials appear on /atendimento/entrar only in demo mode."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Agent
from ..core.passwords import hasher

DEMO_PASSWORD = "demo-atendimento"
# (username, name, supervisor, network team)
DEMO_AGENTS = [
    ("atendente", "Carla Nunes", False, False),
    ("supervisora", "Rita Moraes", True, False),
    ("equipe-rede", "Sandra Lima", False, True),  # works the queue of data reports (/atendimento/rede)
]


def demo_password_hash() -> str:
    return hasher.hash_once(DEMO_PASSWORD)


def create_demo_agents(session: Session) -> int:
    """The demo agents that do not exist yet (idempotent); returns how many were created."""
    created = 0
    for username, name, supervisor, network_team in DEMO_AGENTS:
        if session.scalars(select(Agent.id).where(Agent.username == username)).first() is not None:
            continue
        session.add(Agent(username=username, name=name, password_hash=demo_password_hash(),
                          is_supervisor=supervisor, is_network_team=network_team, active=True, session_version=0))
        created += 1
    session.flush()
    return created
