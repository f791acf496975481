"""The network team in tests: members' reports sent through "Informar erro", more of them at once
through the same service (one address may send only a few an hour), and the team's actions
posted from the report page as a browser would.

Fixture: ``team_world`` (the small network, the demo families and agents, a client signed in as
the demo's network team).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.agents import TEAM, agent_named, agent_session
from tests.support.pages import csrf
from webapp.core import clock
from webapp.network.models import DataReport
from webapp.network.services import record_report


@dataclass
class TeamWorld:
    client: object
    session: Session
    providers: dict  # key → id, the small network's

    def sign_in_again(self) -> None:
        """A new shift (an agent's session lasts 12 hours): after moving the clock by days."""
        agent_session(self.client, agent_named(self.session, TEAM))


@pytest.fixture
def team_world(client, session, small_network, families) -> TeamWorld:
    agent_session(client, agent_named(session, TEAM))
    return TeamWorld(client, session, small_network)


def member_reports(client, provider_id: int, reason: str, detail: str = "", location: int | None = None):
    """A member's "Informar erro" on the provider's page (the form's CSRF token and all)."""
    page = client.get(f"/rede/dentista/{provider_id}").headers["Location"]
    data = {"motivo": reason, "detalhe": detail, "csrf_token": csrf(client, page)}
    if location is not None:
        data["local"] = str(location)
    response = client.post(f"/rede/dentista/{provider_id}/erro", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


def reports_from_many(session: Session, provider_id: int, reason: str, count: int = 1, *,
                      location: int | None = None, priority: str = "normal", sender: str = "membro") -> list[int]:
    """*count* reports from as many senders, through the service "Informar erro" uses; their ids."""
    ids = []
    for n in range(count):
        record_report(session, provider_id, reason, None, f"{sender}-{provider_id}-{reason}-{n}", clock.utcnow(),
                      location_id=location)
        session.flush()
        report = session.scalars(select(DataReport).order_by(DataReport.id.desc())).first()
        if priority != "normal":
            report.priority = priority
            session.flush()
        ids.append(report.id)
    return ids


def latest_report(session: Session) -> DataReport:
    session.expire_all()
    return session.scalars(select(DataReport).order_by(DataReport.id.desc())).first()


def act(client, report_id: int, action: str, data: dict | None = None):
    """Post one of the report page's actions (``corrigir``, ``saiu``, ``verificar``, ``rejeitar``)."""
    token = csrf(client, f"/atendimento/rede/relatos/{report_id}")
    return client.post(f"/atendimento/rede/relatos/{report_id}/{action}", data={**(data or {}), "csrf_token": token})
