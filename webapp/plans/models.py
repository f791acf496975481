"""Plan catalog tables: operators, products, the shared procedure vocabulary and each
product's coverage, waiting periods, exemptions and exclusions.

Rows are written only by the catalog loader (``flask --app webapp catalog load``) from the
YAML files; the app reads them.  Long narrative sections (urgency, reimbursement, FAQ...) are
kept as the validated JSON of the product, since they are displayed, never queried.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..db import Base, UTCDateTime


class Operator(Base):
    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(300))
    ans_number: Mapped[str | None] = mapped_column(String(20))
    cnpj: Mapped[str | None] = mapped_column(String(20))
    contacts: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    products: Mapped[list[Product]] = relationship(back_populates="operator", order_by="Product.id")


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    ans_registration: Mapped[str | None] = mapped_column(String(30))
    contract_type: Mapped[str | None] = mapped_column(String(30))
    contract_type_text: Mapped[str] = mapped_column(Text)
    segmentation: Mapped[str] = mapped_column(String(80))
    coverage_kind: Mapped[str] = mapped_column(String(20))  # national | states | municipalities
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The validated catalog entry, for display; deferred because it is large (tens of KB) and
    # most pages only need the product's name.
    document: Mapped[dict] = mapped_column(JSON, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    operator: Mapped[Operator] = relationship(back_populates="products")
    states: Mapped[list[ProductState]] = relationship(cascade="all, delete-orphan", order_by="ProductState.uf")
    municipalities: Mapped[list[ProductMunicipality]] = relationship(
        cascade="all, delete-orphan", order_by="ProductMunicipality.position"
    )
    procedures: Mapped[list[ProductProcedure]] = relationship(
        cascade="all, delete-orphan", order_by="ProductProcedure.position"
    )
    waiting_periods: Mapped[list[WaitingPeriod]] = relationship(
        cascade="all, delete-orphan", order_by="WaitingPeriod.position"
    )
    exemptions: Mapped[list[WaitingExemption]] = relationship(
        cascade="all, delete-orphan", order_by="WaitingExemption.position"
    )
    exclusions: Mapped[list[Exclusion]] = relationship(
        cascade="all, delete-orphan", order_by="Exclusion.position"
    )


class ProductState(Base):
    """A state inside a product's coverage area (kind ``states``)."""

    __tablename__ = "product_state"

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), primary_key=True)
    uf: Mapped[str] = mapped_column(String(2), primary_key=True)


class ProductMunicipality(Base):
    """A municipality inside a product's coverage area (kind ``municipalities``)."""

    __tablename__ = "product_municipality"

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), primary_key=True)
    ibge_code: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Procedure(Base):
    """One entry of the shared procedure vocabulary."""

    __tablename__ = "procedure"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(30), index=True)
    specialty: Mapped[str] = mapped_column(String(80))
    urgency: Mapped[bool] = mapped_column(Boolean, default=False)
    in_rol: Mapped[bool] = mapped_column(Boolean, default=False)
    terms: Mapped[list] = mapped_column(JSON, default=list)


class LayTerm(Base):
    """A word members type ("canal", "implante") and what it points at."""

    __tablename__ = "lay_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(120))
    normalized: Mapped[str] = mapped_column(String(120), unique=True)
    procedures: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    topics: Mapped[list] = mapped_column(JSON, default=list)


class ProductProcedure(Base):
    """A covered procedure as one product's document words it."""

    __tablename__ = "product_procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedure.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    heading: Mapped[str] = mapped_column(String(200))  # the document's group heading
    wording: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    procedure: Mapped[Procedure] = relationship()


class WaitingPeriod(Base):
    """One waiting-period statement of a product, exactly as its document makes it."""

    __tablename__ = "waiting_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(120))
    hours: Mapped[int | None] = mapped_column(Integer)
    days: Mapped[int | None] = mapped_column(Integer)
    applies_to_all: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    procedures: Mapped[list] = mapped_column(JSON, default=list)


class WaitingExemption(Base):
    __tablename__ = "waiting_exemption"
    __table_args__ = (UniqueConstraint("product_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))
    effect: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)


class Exclusion(Base):
    __tablename__ = "exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    topics: Mapped[list] = mapped_column(JSON, default=list)
