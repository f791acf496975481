"""Usage events (the statement) and authorizations (guias), as the operator's files send them.

Rows are written only by the importer (``flask --app webapp history import …``); the pages read
them.  The operator's ids are the upsert keys, scoped by operator.  Providers are kept as the
operator names them (key and name): a statement must still show a provider that has left the
network, or a dentist outside it (reimbursement); the page links to the provider's page when
the network has that key.  Money is kept in centavos (integers), exact on every database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..db import Base, UTCDateTime

EVENT_STATUSES = ("realizado", "glosado", "negado", "reembolsado")
EVENT_SOURCES = ("rede", "reembolso")
AUTHORIZATION_STATUSES = ("em-analise", "autorizada", "negada", "executada", "expirada")


class UsageEvent(Base):
    """One procedure in a member's statement."""

    __tablename__ = "usage_event"
    __table_args__ = (
        UniqueConstraint("operator_id", "event_key"),
        Index("ix_usage_event_member_date", "member_id", "performed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    event_key: Mapped[str] = mapped_column(String(60))  # the operator's event id
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    performed_on: Mapped[date] = mapped_column(Date)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedure.id"), index=True)
    operator_code: Mapped[str | None] = mapped_column(String(20))  # the operator's own code (TUSS…)
    tooth: Mapped[int | None] = mapped_column(SmallInteger)  # FDI, 11–48 and 51–85
    faces: Mapped[str | None] = mapped_column(String(5))  # letters M, O/I, D, V/B, L/P
    provider_key: Mapped[str | None] = mapped_column(String(60), index=True)
    provider_name: Mapped[str] = mapped_column(String(200))
    location_key: Mapped[str | None] = mapped_column(String(80))
    authorization_number: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))  # EVENT_STATUSES
    status_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(12))  # EVENT_SOURCES
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    copayment_cents: Mapped[int | None] = mapped_column(Integer)
    reimbursed_cents: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Authorization(Base):
    """A request for prior authorization (guia) and the operator's answer."""

    __tablename__ = "usage_authorization"
    __table_args__ = (
        UniqueConstraint("operator_id", "number"),
        Index("ix_usage_authorization_member_requested", "member_id", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    number: Mapped[str] = mapped_column(String(30))  # the guia number
    protocol: Mapped[str] = mapped_column(String(30))  # protocol of the request (RN 395/2016)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    provider_key: Mapped[str | None] = mapped_column(String(60))
    provider_name: Mapped[str] = mapped_column(String(200))
    requested_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # AUTHORIZATION_STATUSES, as the operator sent it
    valid_until: Mapped[date | None] = mapped_column(Date)  # last day the guia may be used
    validity_reference: Mapped[str | None] = mapped_column(String(120))  # the clause that sets it
    denial_reason: Mapped[str | None] = mapped_column(Text)
    denial_clause: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[AuthorizationItem]] = relationship(
        cascade="all, delete-orphan", order_by="AuthorizationItem.position")


class AuthorizationItem(Base):
    """One procedure of an authorization."""

    __tablename__ = "usage_authorization_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("usage_authorization.id", ondelete="CASCADE"),
                                                  index=True)
    position: Mapped[int] = mapped_column(Integer)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedure.id"))
    operator_code: Mapped[str | None] = mapped_column(String(20))
    tooth: Mapped[int | None] = mapped_column(SmallInteger)
    faces: Mapped[str | None] = mapped_column(String(5))


class UsageConfirmation(Base):
    """A member's one-tap answer about a usage event at a network provider: ``atendido`` ("Fui
    atendido pelo plano") or ``recusado`` ("Não aceitou meu plano"). Once per event."""

    __tablename__ = "usage_confirmation"
    __table_args__ = (Index("ix_usage_confirmation_location_answer", "location_id", "answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    usage_event_id: Mapped[int] = mapped_column(ForeignKey("usage_event.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)  # who answered
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id", ondelete="SET NULL"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(String(12))  # atendido | recusado
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
