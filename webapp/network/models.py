"""The dentist network: providers, their service locations, which products' networks they
serve and when, and the log of network changes (entries, exits, substitutions).

Leaving a network is an end date, never a delete: ANS requires changes to be announced and
kept visible, and members' history points at providers that may have left.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.clock import utcnow
from ..core.text import fold
from ..db import Base, UTCDateTime


def _search_name(context) -> str:
    """The default of ``Provider.search_name`` on insert: the folded name."""
    return fold(context.get_current_parameters()["name"])


class Provider(Base):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)  # the operator's id
    kind: Mapped[str] = mapped_column(String(10))  # dentista | clinica
    name: Mapped[str] = mapped_column(String(200))
    cro_uf: Mapped[str] = mapped_column(String(2))
    cro_number: Mapped[str] = mapped_column(String(10))
    responsible_dentist: Mapped[str | None] = mapped_column(String(200))
    cnpj: Mapped[str | None] = mapped_column(String(14))
    specialties: Mapped[list] = mapped_column(JSON, default=list)  # slugs, for display
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The name as the name search compares it (``fold(name)``), indexed by trigrams (migration
    #: 0010).  Written with the name: on insert by default, on an object by ``_fold_name``; an
    #: UPDATE statement that sets ``name`` must set it too (the importer does).
    search_name: Mapped[str] = mapped_column(Text, default=_search_name)

    locations: Mapped[list[Location]] = relationship(back_populates="provider", order_by="Location.key")
    memberships: Mapped[list[NetworkMembership]] = relationship(back_populates="provider")

    @validates("name")
    def _fold_name(self, _key: str, value: str) -> str:
        self.search_name = fold(value)
        return value


class ProviderSpecialty(Base):
    __tablename__ = "provider_specialty"
    __table_args__ = (Index("ix_provider_specialty_search", "specialty", "provider_id"),)

    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True)
    specialty: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (
        UniqueConstraint("provider_id", "key"),
        # A provider's locations with what a search by name reads of them, from the index
        # alone (migration 0014).
        Index("ix_location_provider_place", "provider_id", "active", "latitude", "longitude",
              postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    street: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(20))
    complement: Mapped[str | None] = mapped_column(String(120))
    neighbourhood: Mapped[str | None] = mapped_column(String(120))
    cep: Mapped[str | None] = mapped_column(String(8))
    municipality_ibge: Mapped[int] = mapped_column(Integer, index=True)
    uf: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # exact: coordinates from the file or a geocoder; approximate: the municipality seat.
    precision: Mapped[str] = mapped_column(String(12))
    # False when the coordinates fall outside the stated municipality (kept, but flagged).
    coordinates_match: Mapped[bool] = mapped_column(Boolean, default=True)
    phones: Mapped[list] = mapped_column(JSON, default=list)
    whatsapp: Mapped[str | None] = mapped_column(String(20))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    wheelchair_access: Mapped[bool] = mapped_column(Boolean, default=False)
    sees_children: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency_24h: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False once dropped by the operator
    # When someone last confirmed this address serves the plan, and who: the operator's file
    # (``arquivo``), the network team (``equipe``), a resolved report (``relato``) or members who
    # were seen there (``membros``). None: never verified.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_source: Mapped[str | None] = mapped_column(String(12))
    # Whether the location takes new patients (None: not informed) and the day that was said.
    accepts_new_patients: Mapped[bool | None] = mapped_column(Boolean)
    accepts_new_patients_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A copy of the provider's search_name, kept by the database's triggers (migration 0014):
    # the name search reads it from the index of stripes without reading the provider.
    search_name: Mapped[str] = mapped_column(Text, server_default="")

    provider: Mapped[Provider] = relationship(back_populates="locations")


class NetworkMembership(Base):
    """A provider in a product's network from ``since`` until ``until`` (exclusive; open if None)."""

    __tablename__ = "network_membership"
    __table_args__ = (
        UniqueConstraint("provider_id", "product_id", "since"),
        Index("ix_network_membership_product_until", "product_id", "until"),
        Index("ix_network_membership_search", "product_id", "provider_id", "since", "until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="memberships")


class NetworkChange(Base):
    """An entry, exit or substitution in a product's network, for "Alterações da rede"."""

    __tablename__ = "network_change"
    __table_args__ = (
        UniqueConstraint("product_id", "provider_id", "kind", "effective_date"),
        Index("ix_network_change_product_date", "product_id", "effective_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(15))  # entrada | saida | substituicao
    effective_date: Mapped[date] = mapped_column(Date)
    replaced_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    municipality_ibge: Mapped[int] = mapped_column(Integer, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GeocodeCache(Base):
    """Answers of the configured geocoder, so an address is asked for once."""

    __tablename__ = "geocode_cache"

    query: Mapped[str] = mapped_column(String(400), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(Float)  # None: the geocoder found nothing
    longitude: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DataReport(Base):
    """A member's "Informar erro nestes dados" about a provider, for the operator's network team.

    No personal data: the sender is known only by a keyed hash of their address, kept to limit
    how many reports one client can send.
    """

    __tablename__ = "data_report"
    __table_args__ = (Index("ix_data_report_client_created", "client_hash", "created_at"),
                      Index("ix_data_report_status_created", "status", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    # The address the report is about, when the sender chose one of the provider's locations.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    client_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="novo")  # novo | resolvido | rejeitado
    # ``alta`` for a report opened by members' "não aceitou meu plano" answers.
    priority: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")
    source: Mapped[str] = mapped_column(String(12), default="membro", server_default="membro")  # membro | confirmacoes
    # How the network team closed it (corrigido | saiu | verificado | rejeitado), why, who and when.
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LocationCorrection(Base):
    """A network team's correction of one field of a location (a phone, the address...).

    It holds until the operator's file says otherwise: an import that brings the same value it
    brought when the correction was made (``file_value``) keeps the correction; a different value
    supersedes it.  Open corrections are exported for the operator's network file owner.
    """

    __tablename__ = "location_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # a Location attribute: phones, whatsapp, street...
    value: Mapped[object] = mapped_column(JSON)  # the corrected value
    file_value: Mapped[object] = mapped_column(JSON)  # what the operator's file had then
    report_id: Mapped[int | None] = mapped_column(ForeignKey("data_report.id", ondelete="SET NULL"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the file said otherwise
