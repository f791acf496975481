""""Seu dentista vai sair da rede": providers a family has history with that leave (or have just
left) the family's plan.

A provider leaves a product's network on ``NetworkMembership.until`` (exclusive: the last day in
the network is the day before), set by the operator's file (``network_until``, or a provider
missing from a ``--full`` file) or by the network team's "não atende mais o plano". A family is
told when its latest membership of the family's product has an end date that is still ahead, or
at most ``after_days`` behind, and someone the signed-in member may see was seen there (a usage
event) or asked for an authorization there in the last 24 months. The notice carries the date,
what the ANS rule on substitutions says, the guias still open there, the substitute the operator
named (a ``substituicao`` in the network's changes, when there is one) and the three nearest
providers of the same specialty in the plan, from the departing address.

Plain functions over a session; nothing here knows about Flask.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..members.models import Member
from ..network.models import Location, NetworkChange, NetworkMembership, Provider
from ..network.presenters import km, name_slug, place_line, street_line
from ..network.search import SearchFilters, search
from ..plans.models import Procedure, Product
from ..plans.services import coverage_area
from .models import Authorization, UsageEvent
from .services import effective_status

HISTORY_MONTHS = 24
OPEN_AUTHORIZATIONS = ("em-analise", "autorizada")
ALTERNATIVES = 3
#: A procedure category → the specialty a replacement should have, to choose among the
#: departing provider's specialties the one the family went there for.
CATEGORY_SPECIALTY = {
    "endodontia": "endodontia", "odontopediatria": "odontopediatria", "periodontia": "periodontia",
    "cirurgia": "cirurgia-e-traumatologia-bucomaxilofacial", "protese": "protese-dentaria",
    "ortodontia": "ortodontia", "dentistica": "dentistica",
}


def months_before(day: date, months: int) -> date:
    """The same day *months* earlier (the month's last day when it has no such day: 31/03 → 28/02)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Alternative:
    provider_id: int
    name: str
    slug: str
    distance: str  # "1,2 km", from the departing address
    street: str
    place: str  # Markup from network.presenters.place_line


@dataclass(frozen=True)
class OpenGuide:
    number: str
    status: str  # em-analise | autorizada


@dataclass(frozen=True)
class Departure:
    provider_id: int
    provider_name: str
    provider_slug: str
    until: date
    left: bool  # the date has come: "deixou", else "deixa"
    specialty: str | None  # the slug the alternatives were searched for
    open_guides: tuple[OpenGuide, ...]
    substitute: tuple[int, str, str] | None  # (id, name, slug) the operator named
    alternatives: tuple[Alternative, ...]


def departures(session: Session, people: Sequence[Member], product: Product, today: date, after_days: int,
               provider_id: int | None = None) -> list[Departure]:
    """The providers *people* have history with that leave *product*'s network (or left it at
    most *after_days* ago), soonest date first; only *provider_id* when given."""
    ids = [p.id for p in people]
    since = months_before(today, HISTORY_MONTHS)
    events = session.execute(
        select(UsageEvent.provider_key, UsageEvent.location_key, UsageEvent.performed_on, Procedure.category)
        .join(Procedure, Procedure.id == UsageEvent.procedure_id)
        .where(UsageEvent.member_id.in_(ids), UsageEvent.provider_key.is_not(None), UsageEvent.performed_on >= since,
               UsageEvent.performed_on <= today)
        .order_by(UsageEvent.performed_on.desc(), UsageEvent.id.desc())).all()
    guides = session.execute(
        select(Authorization.provider_key, Authorization.number, Authorization.status, Authorization.valid_until)
        .where(Authorization.member_id.in_(ids), Authorization.provider_key.is_not(None),
               Authorization.requested_on >= since)
        .order_by(Authorization.requested_on.desc(), Authorization.id.desc())).all()
    keys = {e.provider_key for e in events} | {g.provider_key for g in guides}
    if not keys:
        return []
    stmt = select(Provider).where(Provider.key.in_(keys))
    if provider_id is not None:
        stmt = stmt.where(Provider.id == provider_id)
    providers = {p.id: p for p in session.scalars(stmt)}
    if not providers:
        return []
    latest: dict[int, NetworkMembership] = {}
    for m in session.scalars(select(NetworkMembership).where(NetworkMembership.product_id == product.id,
                                                            NetworkMembership.provider_id.in_(list(providers)))):
        if m.provider_id not in latest or m.since > latest[m.provider_id].since:
            latest[m.provider_id] = m
    out = []
    for pid, membership in latest.items():
        until = membership.until
        if until is None or until < today - timedelta(days=after_days):
            continue
        provider = providers[pid]
        seen = [e for e in events if e.provider_key == provider.key]
        open_guides = tuple(OpenGuide(g.number, status) for g in guides if g.provider_key == provider.key
                            for status in [effective_status(g.status, g.valid_until, today)]
                            if status in OPEN_AUTHORIZATIONS)
        specialty = _specialty(provider, [e.category for e in seen])
        out.append(Departure(
            provider_id=pid, provider_name=provider.name, provider_slug=name_slug(provider.name), until=until,
            left=until <= today, specialty=specialty, open_guides=open_guides,
            substitute=_substitute(session, product.id, pid),
            alternatives=_alternatives(session, product, provider, [e.location_key for e in seen], specialty, today),
        ))
    out.sort(key=lambda d: (d.until, d.provider_name, d.provider_id))
    return out


def _specialty(provider: Provider, categories: list[str]) -> str | None:
    """The departing provider's specialty the family went there for (its most recent procedure's,
    when the provider has it), else general practice when it has it, else its first."""
    offered = list(provider.specialties or [])
    for category in categories:
        wanted = CATEGORY_SPECIALTY.get(category)
        if wanted in offered:
            return wanted
    if "clinico-geral" in offered:
        return "clinico-geral"
    return offered[0] if offered else None


def _substitute(session: Session, product_id: int, provider_id: int) -> tuple[int, str, str] | None:
    row = session.execute(
        select(Provider.id, Provider.name).join(NetworkChange, NetworkChange.provider_id == Provider.id)
        .where(NetworkChange.product_id == product_id, NetworkChange.kind == "substituicao",
               NetworkChange.replaced_provider_id == provider_id)
        .order_by(NetworkChange.effective_date.desc()).limit(1)).first()
    return (row.id, row.name, name_slug(row.name)) if row else None


def _alternatives(session: Session, product: Product, provider: Provider, location_keys: list[str | None],
                  specialty: str | None, today: date) -> tuple[Alternative, ...]:
    """The nearest providers of *specialty* in *product*'s network today, from the address the
    family went to (its latest visit's, else the provider's first), leaving out the departing
    provider and any other whose exit is announced."""
    locations = session.scalars(select(Location).where(Location.provider_id == provider.id)
                                .order_by(Location.active.desc(), Location.key)).all()
    if not locations:
        return ()
    by_key = {loc.key: loc for loc in locations}
    origin = next((by_key[k] for k in location_keys if k in by_key), locations[0])
    filters = SearchFilters(product_id=product.id, area=coverage_area(product), today=today, specialty=specialty)
    # Several results may be one provider's addresses: read a few pages' worth, keep the first of each.
    page = search(session, filters, lat=origin.latitude, lon=origin.longitude, limit=20)
    candidates = [r for r in page.results if r.provider_id != provider.id]
    leaving = set(session.scalars(
        select(NetworkMembership.provider_id).where(
            NetworkMembership.product_id == product.id, NetworkMembership.until.is_not(None),
            NetworkMembership.until > today,
            NetworkMembership.provider_id.in_({r.provider_id for r in candidates}))))
    out: list[Alternative] = []
    for r in candidates:
        if r.provider_id in leaving or any(a.provider_id == r.provider_id for a in out):
            continue
        out.append(Alternative(r.provider_id, r.provider_name, name_slug(r.provider_name), km(r.distance_km),
                               street_line(r), place_line(r)))
        if len(out) == ALTERNATIVES:
            break
    return tuple(out)


def open_guides_leaving(found: Sequence[Departure]) -> dict[str, Departure]:
    """Guia number → the departure of its provider, for the authorizations' pages."""
    return {g.number: d for d in found for g in d.open_guides}
