"""Members (beneficiários): a holder (titular) and their dependants, each covered by one
product, with the identification data Brazilian operators must show on the member card."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..db import Base, UTCDateTime


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)  # None: the holder
    kinship: Mapped[str] = mapped_column(String(30))  # titular, or the dependant's relationship (conjuge, filho...)
    name: Mapped[str] = mapped_column(String(200))
    cpf: Mapped[str | None] = mapped_column(String(11), unique=True)  # optional for young children
    birth_date: Mapped[date] = mapped_column(Date)
    cns: Mapped[str | None] = mapped_column(String(15))  # Cartão Nacional de Saúde
    card_number: Mapped[str] = mapped_column(String(30), unique=True)
    contract_number: Mapped[str] = mapped_column(String(40))
    contracting_date: Mapped[date] = mapped_column(Date)
    inclusion_at: Mapped[datetime] = mapped_column(UTCDateTime())
    exemption: Mapped[str | None] = mapped_column(String(80))  # waiting-period exemption code
    status: Mapped[str] = mapped_column(String(12), default="ativo")  # ativo | suspenso | cancelado
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))  # mobile, for the agents' WhatsApp links
    email: Mapped[str | None] = mapped_column(String(254))  # where a password-reset code is sent
    sex: Mapped[str | None] = mapped_column(String(1))  # F | M, as the operator's file gives it; words only
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped at sign-out: a copy of an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    holder: Mapped[Member | None] = relationship(remote_side=[id], back_populates="dependants")
    dependants: Mapped[list[Member]] = relationship(back_populates="holder", order_by="Member.id")

    @property
    def is_holder(self) -> bool:
        return self.holder_id is None


class MemberDevice(Base):
    """A phone (a browser profile) a member signed in on, holding a secret for the card's offline
    eligibility code. Only a random ``nonce`` is stored: the secret is derived from it with the
    app's ``SECRET_KEY``, so a copy of the database alone cannot make codes. Revoked at sign-out,
    at a password reset, or by the member or an agent from the list of devices."""

    __tablename__ = "member_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)  # who signed in on it
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))  # "Chrome no Android", from the User-Agent; no identifier
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(40))  # membro | atendente:<id> | saida | nova-senha


class PasswordReset(Base):
    """One "Esqueci minha senha" (or an agent's reset link): a code sent to the e-mail on file, or a
    link token sent by WhatsApp, stored only as a hash; single use, short-lived, a few tries."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | whatsapp
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the code or token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
