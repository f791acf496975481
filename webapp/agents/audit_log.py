"""The supervisors' view of the audit log: filters, pages of rows, the names they mention, and the
CSV export.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request. Rows are
appended by ``services.record``; nothing here writes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.clock import TIMEZONE
from ..core.csvsafe import csv_cell
from ..core.documents import digits
from ..members.models import Member
from .models import AccessLog, Agent
from .services import ACTIONS, REASONS

PAGE_SIZE = 50
MAX_PAGE = 10_000
CSV_HEADER = ["quando", "atendente", "nome_do_atendente", "beneficiario", "carteirinha", "motivo", "protocolo",
              "o_que_foi_aberto", "detalhe", "ip", "consulta"]


@dataclass
class AuditFilter:
    agent_id: int | None = None
    member_id: int | None = None
    since: date | None = None  # local dates (America/Sao_Paulo), inclusive
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TIMEZONE)


def audit_query(filters: AuditFilter):
    stmt = select(AccessLog)
    if filters.agent_id is not None:
        stmt = stmt.where(AccessLog.agent_id == filters.agent_id)
    if filters.member_id is not None:
        stmt = stmt.where(AccessLog.member_id == filters.member_id)
    if filters.since is not None:
        stmt = stmt.where(AccessLog.at >= _local_midnight(filters.since))
    if filters.until is not None:
        stmt = stmt.where(AccessLog.at < _local_midnight(filters.until + timedelta(days=1)))
    return stmt


def audit_count(session: Session, filters: AuditFilter) -> int:
    return session.scalar(select(func.count()).select_from(audit_query(filters).subquery()))


def audit_rows(session: Session, filters: AuditFilter, limit: int | None = None, offset: int = 0) -> list[AccessLog]:
    stmt = audit_query(filters).order_by(AccessLog.at.desc(), AccessLog.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def names_for(session: Session, rows: list[AccessLog]) -> tuple[dict[int, Agent], dict[int, Member]]:
    agent_ids = {r.agent_id for r in rows}
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    agents = {a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_(agent_ids)))} if agent_ids else {}
    members = ({m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids)))}
               if member_ids else {})
    return agents, members


def list_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.username)))


def member_by_id(session: Session, member_id: int) -> Member | None:
    return session.get(Member, member_id)


def member_by_card(session: Session, card_number: str) -> Member | None:
    key = digits(card_number or "")
    if not key:
        return None
    return session.scalars(select(Member).where(Member.card_number == key)).one_or_none()


def audit_csv(session: Session, filters: AuditFilter) -> str:
    """Every row the filters select, newest first, as a CSV file with a UTF-8 byte-order mark
    (so spreadsheet programs read the accents right)."""
    rows = audit_rows(session, filters)
    agents, members = names_for(session, rows)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        agent, person = agents[r.agent_id], members.get(r.member_id)
        writer.writerow([csv_cell(v) for v in (
            clock.local(r.at).isoformat(timespec="seconds"), agent.username, agent.name,
            person.name if person else "", person.card_number if person else "", REASONS[r.reason],
            r.protocol, ACTIONS[r.action], r.detail, r.ip, r.lookup_id or r.id)])
    return out.getvalue()
