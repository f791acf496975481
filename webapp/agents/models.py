"""Support agents (atendentes), the audit log of what they open, and the short links they send.

The audit log is append-only for the app: no code path updates or deletes a row, the ORM
refuses to flush a change to one (``guard_append_only``), and the migration adds database
triggers that reject ``UPDATE`` and ``DELETE`` on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, event, false
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.clock import utcnow
from ..db import Base, UTCDateTime


class Agent(Base):
    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)  # lower case; the sign-in name
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)  # may read the audit log
    # The network team (permission ``rede``): works the queue of data reports under /atendimento/rede.
    is_network_team: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at sign-out and deactivation: a copy of an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ShortLink(Base):
    """``/s/<code>`` → a public URL. Holds no personal data: which member a link was made for is
    recorded only in the audit log."""

    __tablename__ = "short_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # busca | dentista | plano | posso-fazer
    target: Mapped[str] = mapped_column(String(1000))  # a path of this site, with query and fragment
    title: Mapped[str] = mapped_column(String(300))  # what it opens, in words (public text)
    created_by: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    visits: Mapped[int] = mapped_column(Integer, default=0)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccessLog(Base):
    """One row per thing an agent opened (or looked for): who, which member, why, what, when, from where."""

    __tablename__ = "agent_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)  # None: nobody found
    reason: Mapped[str] = mapped_column(String(20))  # a key of services.REASONS
    protocol: Mapped[str | None] = mapped_column(String(30))  # the call's protocol number, when given
    action: Mapped[str] = mapped_column(String(20))  # a key of services.ACTIONS
    detail: Mapped[str | None] = mapped_column(String(300))
    ip: Mapped[str] = mapped_column(String(45))
    # The look-up ("consulta") an opening belongs to; None for the look-up itself.
    lookup_id: Mapped[int | None] = mapped_column(ForeignKey("agent_access_log.id"), index=True)
    short_link_id: Mapped[int | None] = mapped_column(ForeignKey("short_link.id"))


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def guard_append_only(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AccessLog) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("o registro de acessos só aceita novas linhas")
