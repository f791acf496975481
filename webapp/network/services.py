"""Network read services: a provider's page, the "Alterações da rede" list, error reports."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from time import monotonic

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..core import clock
from ..core.metrics import SEARCH_SECONDS
from ..db import one_at_a_time
from ..geo import locate
from ..geo.distance import distances_km
from ..geo.coverage import CoverageArea
from ..plans.models import Product
from ..plans.services import coverage_area
from .models import DataReport, Location, NetworkChange, NetworkMembership, Provider
from .presenters import (
    MapLinks,
    ResultView,
    TrustView,
    km,
    name_slug,
    present,
    trust_view,
    whatsapp_text,
    whatsapp_url,
)
from .search import count_matches, search
from .trust import DEFAULT_MAX_AGE_DAYS, is_stale

CHANGE_WINDOW = timedelta(days=180)


def provider_slug(provider: Provider) -> str:
    return name_slug(provider.name)


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


@dataclass(frozen=True)
class Origin:
    """Where a search started: the seat of its municipality, or its point."""

    lat: float
    lon: float
    name: str  # "o centro de Niterói/RJ": what the map's diamond marks
    away_from: str  # "do centro de Niterói/RJ": after a distance

    @classmethod
    def of(cls, params) -> Origin | None:
        if params.municipio is not None:
            m = params.municipio
            return cls(m.lat, m.lon, f"o centro de {m.label}", f"do centro de {m.label}")
        if params.lat is not None and params.lon is not None:
            if locate.municipality_at(params.lat, params.lon).municipality is None:
                return None  # outside Brazil: the search itself refuses it
            return cls(params.lat, params.lon, "o local da busca", "do local da busca")
        return None


def verified_since(max_age_days: int, now: datetime | None = None) -> datetime:
    """The moment before which a verification is stale (``trust.is_stale``'s rule): what a
    search's ``SearchFilters.verified_since`` is, so its marks and its order agree."""
    return (now or clock.utcnow()) - timedelta(days=max_age_days)


def location_trust(location: Location, max_age_days: int, now: datetime | None = None) -> TrustView:
    """A location's verification and "accepts new patients", as its page and the API say them."""
    stale = is_stale(location.verified_at, now or clock.utcnow(), max_age_days)
    return trust_view(location.verified_at, stale, location.accepts_new_patients, location.accepts_new_patients_on,
                      max_age_days)


def open_reports_by_reason(session: Session, provider_id: int) -> dict[str, int]:
    """How many open ("novo") error reports a provider has, per reason (every reason, 0 when
    none): what the public may know of them -- nothing of who sent them."""
    counts = dict(session.execute(
        select(DataReport.reason, func.count()).where(DataReport.provider_id == provider_id,
                                                      DataReport.status == "novo")
        .group_by(DataReport.reason)).all())
    return {reason: int(counts.get(reason, 0)) for reason in REPORT_REASONS}


@dataclass(frozen=True)
class LocationView:
    location: Location
    distance: str | None  # "3,2 km", from the search's origin
    directions_url: str
    osm_url: str
    whatsapp_url: str | None
    trust: TrustView


def locations_view(view: ProviderView, links: MapLinks, whatsapp_message: str,
                   origin: Origin | None = None, max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> list[LocationView]:
    """A provider's locations for its page: with a search's origin, nearest first (the same
    geodesic distance as the search's, then the location id), each with its distance."""
    locations = view.locations
    far: list[float | None] = [None] * len(locations)
    if origin is not None and locations:
        far = [float(d) for d in distances_km(origin.lat, origin.lon, np.array([loc.latitude for loc in locations]),
                                              np.array([loc.longitude for loc in locations]))]
        order = sorted(range(len(locations)), key=lambda i: (far[i], locations[i].id))
        locations, far = [locations[i] for i in order], [far[i] for i in order]
    now = clock.utcnow()
    return [LocationView(loc, km(d) if d is not None else None, links.directions(loc), links.osm(loc),
                         whatsapp_url(loc.whatsapp, whatsapp_message), location_trust(loc, max_age_days, now))
            for loc, d in zip(locations, far)]


def plan_to_ask_about(view: ProviderView, searched: Product | None) -> str | None:
    """The plan a WhatsApp message asks about: the search's, else the provider's only one."""
    if searched is not None:
        return searched.name
    return view.products[0][0].name if len(view.products) == 1 else None


@dataclass(frozen=True)
class ProviderPlaces:
    origin: Origin | None  # where the search the page was opened from started
    locations: list[LocationView]


def provider_places(view: ProviderView, searched, products: dict[str, Product], links: MapLinks,
                    max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> ProviderPlaces:
    """A provider's locations as its page shows them, in the search *searched* (the parameters of
    the page's URL, :mod:`webapp.network.params`). A search that is not valid or not complete is
    ignored: the page is the provider's all the same."""
    origin = Origin.of(searched) if searched.ready else None
    product = products[searched.plano] if origin is not None else None
    message = whatsapp_text(plan_to_ask_about(view, product))
    return ProviderPlaces(origin, locations_view(view, links, message, origin, max_age_days))


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


# --------------------------------------------------------------------------- the search page

PAGE_SIZE = 20
#: A search's total is counted up to this ("mais de 1.000" beyond): its cost is then bounded by
#: it, not by the size of the network.
TOTAL_LIMIT = 1000
_TOTALS: dict = {}
TOTAL_TTL_SECONDS = 600


def total(session: Session, filters) -> tuple[int, bool]:
    """``(n, exact)``: how many locations match ``filters`` (a SearchFilters), counted up to
    TOTAL_LIMIT -- ``(TOTAL_LIMIT, False)`` means more than that.  It changes only when a
    network file is imported, so each worker keeps it for TOTAL_TTL_SECONDS (the filters hold
    the day)."""
    now = monotonic()
    hit = _TOTALS.get(filters)
    if hit and now - hit[0] < TOTAL_TTL_SECONDS:
        return hit[1]
    n = count_matches(session, filters, at_most=TOTAL_LIMIT)
    answer = (min(n, TOTAL_LIMIT), n <= TOTAL_LIMIT)
    if len(_TOTALS) > 2048:
        _TOTALS.clear()
    _TOTALS[filters] = (now, answer)
    return answer


def forget_totals() -> None:
    """Count again from now on in this worker: the network changed outside an import (the
    network team ended a membership). Other workers keep theirs up to TOTAL_TTL_SECONDS; the
    results themselves are never kept."""
    _TOTALS.clear()


@dataclass
class SearchOutcome:
    product: Product
    origin_lat: float
    origin_lon: float
    origin_municipality: object | None  # webapp.geo Municipality; None outside Brazil
    from_point: bool
    in_area: bool
    results: list
    has_more: bool
    first_index: int  # 1-based position of the first result shown
    local_missing: bool  # nothing for this search in the origin municipality itself
    max_age_days: int = DEFAULT_MAX_AGE_DAYS  # a verification older than this is stale

    @property
    def outside_brazil(self) -> bool:
        return self.origin_municipality is None

    def views(self, links: MapLinks) -> list[ResultView]:
        """The display strings of the results; WhatsApp links ask about this search's plan."""
        message = whatsapp_text(self.product.name)
        return [present(r, links, message, self.max_age_days) for r in self.results]


@SEARCH_SECONDS.time()
def find(session: Session, product: Product, params, today: date, *, only_page: bool = False,
         max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> SearchOutcome:
    """Run a search for validated *params* (see :mod:`webapp.network.params`).

    A full page shows pages 1..N so that reloading a pushed URL shows the same list; an htmx
    "Carregar mais" (``only_page``) gets just page N.  Locations not verified in the last
    *max_age_days* days (or never) are marked, and ranked after the verified ones at the same
    shown distance.
    """
    if params.municipio is not None:
        municipality = params.municipio
        lat, lon, from_point = municipality.lat, municipality.lon, False
    else:
        lat, lon, from_point = params.lat, params.lon, True
        municipality = locate.municipality_at(lat, lon).municipality
    area = coverage_area(product)
    if municipality is None:
        return SearchOutcome(product, lat, lon, None, from_point, False, [], False, 1, True, max_age_days)
    in_area = area.contains_municipality(municipality.ibge_code)
    offset = (params.pagina - 1) * PAGE_SIZE if only_page else 0
    limit = PAGE_SIZE if only_page else PAGE_SIZE * params.pagina
    filters = params.filters(product.id, area, today, verified_since(max_age_days))
    page = search(session, filters, lat=lat, lon=lon, limit=limit, offset=offset)
    local_missing = False
    if in_area and not only_page and not any(r.municipality_ibge == municipality.ibge_code for r in page.results):
        # The nearest results are elsewhere; ask once whether the municipality has any at all.
        here = replace(filters, area=CoverageArea.of_municipalities({municipality.ibge_code}))
        local = search(session, here, lat=lat, lon=lon, limit=1)
        local_missing = not local.results
    return SearchOutcome(product, lat, lon, municipality, from_point, in_area, page.results,
                         page.has_more, offset + 1, local_missing, max_age_days)


# --------------------------------------------------------------------------- error reports

REPORT_REASONS = {
    "nao-atende-plano": "Não atende mais o plano",
    "telefone-errado": "Telefone errado",
    "endereco-errado": "Endereço errado",
    "horario-errado": "Horário errado",
    "especialidade-errada": "Especialidade errada",
    "fechado": "O consultório fechou",
    "outro": "Outro problema",
}
REPORTS_PER_HOUR = 5
MAX_DETAIL = 500


class TooManyReports(Exception):
    pass


def client_hash(secret: str, remote_addr: str | None) -> str:
    return hmac.new(secret.encode(), (remote_addr or "").encode(), hashlib.sha256).hexdigest()


def record_report(session: Session, provider_id: int, reason: str, detail: str | None,
                  client: str, now, location_id: int | None = None) -> None:
    one_at_a_time(session, "data_report", client)  # the count below decides the insert
    recent = session.scalar(
        select(func.count()).select_from(DataReport)
        .where(DataReport.client_hash == client, DataReport.created_at >= now - timedelta(hours=1))
    )
    if recent >= REPORTS_PER_HOUR:
        raise TooManyReports
    session.add(DataReport(provider_id=provider_id, location_id=location_id, reason=reason, detail=detail,
                           client_hash=client, created_at=now, updated_at=now))
