"""Network read services: a provider's page, the "Alterações da rede" list, error reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..core.text import slugify
from ..plans.models import Product
from .models import Location, NetworkChange, NetworkMembership, Provider

CHANGE_WINDOW = timedelta(days=180)


def provider_slug(provider: Provider) -> str:
    return slugify(provider.name)[:80] or "prestador"


def active_membership_filter(today: date):
    return and_(NetworkMembership.since <= today,
                or_(NetworkMembership.until.is_(None), NetworkMembership.until > today))


@dataclass
class ProviderView:
    provider: Provider
    locations: list[Location]
    products: list[tuple[Product, NetworkMembership]]  # networks it is in today
    leaving: list[tuple[Product, NetworkMembership]]  # announced exits (until in the future)


def get_provider(session: Session, provider_id: int, today: date) -> ProviderView | None:
    provider = session.scalars(
        select(Provider).where(Provider.id == provider_id)
        .options(selectinload(Provider.locations), selectinload(Provider.memberships))
    ).one_or_none()
    if provider is None:
        return None
    products = {p.id: p for p in session.scalars(select(Product).order_by(Product.position))}
    active = [m for m in provider.memberships
              if m.since <= today and (m.until is None or m.until > today)]
    active.sort(key=lambda m: products[m.product_id].position)
    return ProviderView(
        provider=provider,
        locations=[loc for loc in provider.locations if loc.active],
        products=[(products[m.product_id], m) for m in active],
        leaving=[(products[m.product_id], m) for m in active if m.until is not None],
    )


@dataclass
class ChangeRow:
    change: NetworkChange
    provider: Provider
    replaced: Provider | None


def network_changes(session: Session, product: Product, today: date,
                    municipality_ibge: int | None = None) -> list[ChangeRow]:
    """Entries, exits and substitutions of the last 180 days and those announced ahead."""
    replaced = aliased(Provider)
    stmt = (
        select(NetworkChange, Provider, replaced)
        .join(Provider, Provider.id == NetworkChange.provider_id)
        .outerjoin(replaced, replaced.id == NetworkChange.replaced_provider_id)
        .where(NetworkChange.product_id == product.id, NetworkChange.effective_date >= today - CHANGE_WINDOW)
        .order_by(NetworkChange.effective_date.desc(), NetworkChange.kind, Provider.name, Provider.id)
    )
    if municipality_ibge is not None:
        stmt = stmt.where(NetworkChange.municipality_ibge == municipality_ibge)
    return [ChangeRow(c, p, r) for c, p, r in session.execute(stmt.limit(500))]
