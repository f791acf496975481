"""Import of an operator's network file (layout in :mod:`webapp.network.layout`).

Two passes.  First every line is read and validated on its own (:mod:`.rows`: a rejected row
is reported with line, column, value and a pt-BR reason; the good rows go on).  Problems with
the file as a whole — a header that is not UTF-8, a missing required column, an unknown column,
no data rows — are fatal and nothing is written.  Then the accepted rows are upserted:
providers by ``provider_key``, locations by ``location_key``, network memberships by product;
nothing is ever deleted.  The same file imported twice changes nothing (``updated_at`` moves
only when a value changes).  A line's verification date and "accepts new patients" only ever
add news (see :func:`_trust_values`): an empty cell, or an older date, keeps what is there.  With ``full=True`` the file is the operator's whole network, so
providers missing from it leave every network they were in (an end date, and an exit in the
change log).

An import never ends what it could not read.  Exits inferred from what a file lacks — a
provider missing from a full file, a product a provider no longer lists, a location no longer
listed — happen only when every line of the file was read cleanly: one rejected row blocks them
all (the report says how many were kept and why), since that row may be the provider, product
or location whose absence would have ended it.  And a clean file that would end more than
:data:`MAX_EXIT_SHARE` of a product's current network is refused, nothing written, unless the
caller confirms the exact number of exits (:class:`ExitsNotConfirmed`).

The caller owns the transaction: commit on success, roll back on any exception.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..core import clock
from ..core.formatting import percent
from ..core.text import fold
from ..core.imports.reading import FatalImportError, Reject
from ..core.imports.report import ImportReport
from ..plans.models import Product
from . import trust
from .corrections import keep_corrections
from .exits import Exit, end_memberships
from .geocoding import Geocoder
from .models import (
    Location,
    NetworkChange,
    NetworkMembership,
    Provider,
    ProviderSpecialty,
)
from .rows import ParsedRow, TrustNews, parse_file

BATCH = 2000
CHANGE_LOG_DAYS = timedelta(days=180)
#: A file may end at most this share of a product's current network without the caller stating
#: the number of exits: a truncated or wrong export must not empty a network in one run.
MAX_EXIT_SHARE = 0.05


class ExitsNotConfirmed(FatalImportError):
    """A clean file would end more of a product's network than :data:`MAX_EXIT_SHARE`, or the
    caller's confirmed number of exits is not the number the file makes; nothing was written."""

    def __init__(self, exits: int, shares: list[tuple[str, int, int]], confirmed: int | None,
                 max_share: float):
        self.exits, self.shares, self.confirmed = exits, shares, confirmed
        detail = "; ".join(f"{name}: {n} de {current} ({percent(n / current)})" for name, n, current in shares)
        if confirmed is None:
            message = (f"o arquivo tiraria {exits} vínculos de prestadores da rede, mais de "
                       f"{percent(max_share)} da rede de um plano ({detail}); confirme o número de saídas")
        else:
            message = (f"o número de saídas confirmado ({confirmed}) não confere: o arquivo tiraria "
                       f"{exits} vínculos de prestadores da rede ({detail or 'nenhum'})")
        super().__init__(message)



@dataclass
class NetworkReport(ImportReport):
    """Lines read, accepted and rejected (:class:`ImportReport`), and what the import wrote."""

    providers_created: int = 0
    providers_updated: int = 0
    providers_unchanged: int = 0
    locations_created: int = 0
    locations_updated: int = 0
    locations_deactivated: int = 0
    # Existing locations whose verification or "accepts new patients" the file made newer.
    locations_verified: int = 0
    locations_accepting_informed: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0
    memberships_ended: int = 0
    changes_recorded: int = 0
    geocoded: int = 0
    approximate: int = 0
    # Exits withheld because some line was rejected: set when the file had exits to make (or
    # was a full file), with how many memberships and locations were kept.
    exits_blocked: bool = False
    memberships_kept: int = 0
    locations_kept: int = 0
    # The network team's corrections: kept (the file still brings the value they replaced) and
    # superseded (the file now says something else).
    corrections_kept: int = 0
    corrections_superseded: int = 0

    @property
    def changed_anything(self) -> bool:
        return any((self.providers_created, self.providers_updated, self.locations_created,
                    self.locations_updated, self.locations_deactivated, self.locations_verified,
                    self.locations_accepting_informed, self.memberships_created,
                    self.memberships_updated, self.memberships_ended, self.changes_recorded,
                    self.corrections_superseded))


PROVIDER_FIELDS = ("kind", "name", "cro_uf", "cro_number", "responsible_dentist", "cnpj", "specialties")
LOCATION_FIELDS = ("street", "number", "complement", "neighbourhood", "cep", "municipality_ibge", "uf",
                   "latitude", "longitude", "precision", "coordinates_match", "phones", "whatsapp",
                   "opening_hours", "wheelchair_access", "sees_children", "urgency_24h", "active")
#: Written apart from LOCATION_FIELDS: they have dates of their own, so they do not move
#: ``updated_at``, and a file only ever brings them news (an empty cell keeps them).
TRUST_FIELDS = ("verified_at", "verified_source", "accepts_new_patients", "accepts_new_patients_on")


@dataclass
class _Verification:
    """A location's verification as ``trust.mark_verified`` reads and writes it, without loading
    the location itself (the import writes in bulk)."""

    verified_at: datetime | None
    verified_source: str | None


def _trust_values(old, news: TrustNews) -> dict:
    """A location's TRUST_FIELDS after a line's *news*; *old*: its current row (None: new).

    Newer news wins: a verification through ``trust.mark_verified`` (an older date never
    replaces a newer one, whoever gave it), "accepts new patients" when informed on the day of
    what is held or later.  The same answer without a date of its own (so dated the import's
    day) is nothing new: the day it was first informed stays.
    """
    held = _Verification(old.verified_at, old.verified_source) if old is not None else _Verification(None, None)
    if news.verified_at is not None:
        trust.mark_verified(held, "arquivo", news.verified_at)  # type: ignore[arg-type]
    accepts = old.accepts_new_patients if old is not None else None
    accepts_on = old.accepts_new_patients_on if old is not None else None
    if news.accepts is not None and (news.accepts_on_stated or news.accepts != accepts):
        if accepts_on is None or news.accepts_on >= accepts_on:
            accepts, accepts_on = news.accepts, news.accepts_on
    return {"verified_at": held.verified_at, "verified_source": held.verified_source,
            "accepts_new_patients": accepts, "accepts_new_patients_on": accepts_on}


def _spatial_key(location: dict) -> tuple:
    return (location["municipality_ibge"], round(location["latitude"], 2), round(location["longitude"], 2))


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _check_exits(exits: list[Exit], open_counts: dict[int, int], names: dict[int, str],
                 confirmed: int | None, max_share: float) -> None:
    """Refuse (:class:`ExitsNotConfirmed`) exits past *max_share* of a product's open memberships
    that the caller did not confirm, and any confirmation that is not the real number."""
    leaving: dict[int, int] = defaultdict(int)
    for exit_ in exits:
        leaving[exit_.product_id] += 1
    shares = sorted(((names[pid], n, open_counts[pid]) for pid, n in leaving.items()), key=lambda s: s[0])
    if confirmed is not None:
        if confirmed != len(exits):
            raise ExitsNotConfirmed(len(exits), shares, confirmed, max_share)
        return
    over = [s for s in shares if s[1] > max_share * s[2]]
    if over:
        raise ExitsNotConfirmed(len(exits), over, None, max_share)


def import_network(
    session: Session,
    path: Path,
    *,
    full: bool = False,
    today: date | None = None,
    geocoder: Geocoder | None = None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    confirm_exits: int | None = None,
    max_exit_share: float = MAX_EXIT_SHARE,
) -> NetworkReport:
    """Import the file at *path*; see the module docstring.  *confirm_exits* is the number of
    memberships the caller expects the file to end (checked only when the file is clean)."""
    today = today or clock.today()
    report = NetworkReport()
    catalog = session.execute(select(Product.slug, Product.id, Product.name)).all()
    products = {slug: pid for slug, pid, _name in catalog}
    accepted = parse_file(path, products, geocoder, report, today, progress)
    rows, report.geocoded, report.approximate = accepted.rows, accepted.geocoded, accepted.approximate
    now = clock.utcnow()

    by_provider: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        by_provider[row.provider["key"]].append(row)
    # New rows are written in spatial order (municipality, then a 0.01-degree grid), so that the
    # providers, locations and memberships of a neighbourhood share database pages: a search
    # reads its candidates from a few pages, not one page each (measured ~2x faster at 400k).
    by_provider = dict(sorted(by_provider.items(), key=lambda item: _spatial_key(item[1][0].location)))

    # ---- what is there now
    existing = {r.key: r for r in session.execute(
        select(Provider.id, Provider.key, *[getattr(Provider, f) for f in PROVIDER_FIELDS]))}
    existing_locations = {
        (r.provider_id, r.key): r
        for r in session.execute(select(Location.id, Location.provider_id, Location.key,
                                        *[getattr(Location, f) for f in LOCATION_FIELDS + TRUST_FIELDS]))
    }
    # provider id → product id → that provider's memberships of that product
    memberships: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for m in session.execute(select(NetworkMembership.id, NetworkMembership.provider_id,
                                    NetworkMembership.product_id, NetworkMembership.since,
                                    NetworkMembership.until)):
        memberships[m.provider_id][m.product_id].append(m)

    def open_membership(rows_):
        return next((m for m in rows_ if m.until is None or m.until > today), None)

    # ---- exits the file implies, decided before anything is written
    exits: list[Exit] = []
    closures: list[int] = []
    in_file_existing = {existing[key].id: key for key in by_provider if key in existing}
    for pid, key in in_file_existing.items():
        row = by_provider[key][0]
        listed = {products[s] for s in row.products}
        # Products the provider no longer lists: it leaves those networks today.
        for product_id, current in memberships.get(pid, {}).items():
            still_open = open_membership(current) if product_id not in listed else None
            if still_open is not None:
                exits.append(Exit(still_open.id, product_id, pid, row.location["municipality_ibge"], still_open.until))
    file_location_keys = {(pid, row.location["key"]) for pid, key in in_file_existing.items()
                          for row in by_provider[key]}
    for loc_key, old in existing_locations.items():
        # A location the operator dropped for a provider still in the file is closed, not deleted.
        if loc_key[0] in in_file_existing and loc_key not in file_location_keys and old.active:
            closures.append(old.id)
    if full:
        municipality_of: dict[int, int] = {}
        for (pid, _key), old in sorted(existing_locations.items()):
            municipality_of.setdefault(pid, old.municipality_ibge)
        for pid, by_product in memberships.items():
            if pid in in_file_existing:
                continue
            for product_id, current in by_product.items():
                still_open = open_membership(current)
                if still_open is not None:
                    exits.append(Exit(still_open.id, product_id, pid, municipality_of.get(pid, 0), still_open.until))
    if report.rejects:
        # A rejected line may be the very provider, product or location whose absence these
        # exits were read from: keep them all, and say so.
        if exits or closures or full:
            report.exits_blocked = True
            report.memberships_kept, report.locations_kept = len(exits), len(closures)
        exits, closures = [], []
    else:
        open_counts: dict[int, int] = defaultdict(int)
        for by_product in memberships.values():
            for product_id, current in by_product.items():
                if open_membership(current) is not None:
                    open_counts[product_id] += 1
        _check_exits(exits, open_counts, {pid: name for _slug, pid, name in catalog}, confirm_exits, max_exit_share)

    # ---- providers
    new_providers, changed_providers = [], []
    for key, group in by_provider.items():
        data = group[0].provider
        old = existing.get(key)
        if old is None:
            new_providers.append({**data, "search_name": fold(data["name"]), "updated_at": now})
        elif any(getattr(old, f) != data[f] for f in PROVIDER_FIELDS):
            # search_name goes with the name (the name search's trigram index follows it).
            changed_providers.append({"id": old.id, **{f: data[f] for f in PROVIDER_FIELDS},
                                      "search_name": fold(data["name"]), "updated_at": now})
        else:
            report.providers_unchanged += 1
    provider_ids = {key: row.id for key, row in existing.items()}
    for chunk in _chunks(new_providers):
        result = session.execute(insert(Provider).returning(Provider.id, Provider.key, sort_by_parameter_order=True), chunk)
        provider_ids.update({key: pid for pid, key in result})
    for chunk in _chunks(changed_providers):
        session.execute(update(Provider), chunk)
    report.providers_created, report.providers_updated = len(new_providers), len(changed_providers)

    # ---- specialties (replaced for new and changed providers)
    touched = {provider_ids[p["key"]] for p in new_providers} | {p["id"] for p in changed_providers}
    if touched:
        for chunk in _chunks(sorted(touched)):
            session.execute(delete(ProviderSpecialty).where(ProviderSpecialty.provider_id.in_(chunk)))
        specialty_rows = [
            {"provider_id": provider_ids[key], "specialty": s}
            for key, group in by_provider.items() if provider_ids[key] in touched
            for s in group[0].specialties
        ]
        for chunk in _chunks(specialty_rows):
            session.execute(insert(ProviderSpecialty), chunk)

    # ---- locations
    # The network team's corrections hold while the file still brings what it had when they were
    # made; a location's row then carries the corrected value, so nothing changes.
    in_file = {existing_locations[pid, row.location["key"]].id: row.location
               for key, group in by_provider.items() for row in group
               if ((pid := provider_ids[key]), row.location["key"]) in existing_locations}
    report.corrections_kept, report.corrections_superseded = keep_corrections(session, in_file, now)
    new_locations, changed_locations = [], []
    for key, group in by_provider.items():
        pid = provider_ids[key]
        for row in group:
            old = existing_locations.get((pid, row.location["key"]))
            trusted = _trust_values(old, row.trust)
            if old is None:
                # search_name: the provider's, as the database's trigger would copy it (this
                # way the trigger finds it equal and writes the row once).
                new_locations.append({"provider_id": pid, **row.location, **trusted, "updated_at": now,
                                      "search_name": fold(group[0].provider["name"])})
                continue
            change = {}
            if any(getattr(old, f) != row.location[f] for f in LOCATION_FIELDS):
                change = {f: row.location[f] for f in LOCATION_FIELDS} | {"updated_at": now}
                report.locations_updated += 1
            if trusted["verified_at"] != old.verified_at:
                report.locations_verified += 1
            if (trusted["accepts_new_patients"], trusted["accepts_new_patients_on"]) != (
                    old.accepts_new_patients, old.accepts_new_patients_on):
                report.locations_accepting_informed += 1
            if any(getattr(old, f) != trusted[f] for f in TRUST_FIELDS):
                change |= trusted
            if change:
                changed_locations.append({"id": old.id, **change})
    changed_locations += [{"id": location_id, "active": False, "updated_at": now} for location_id in closures]
    report.locations_deactivated = len(closures)
    for chunk in _chunks(new_locations):
        session.execute(insert(Location), chunk)
    for chunk in _chunks(changed_locations):
        session.execute(update(Location), chunk)
    report.locations_created = len(new_locations)

    # ---- memberships and the change log
    known_changes = {tuple(r) for r in session.execute(select(NetworkChange.product_id, NetworkChange.provider_id,
                                               NetworkChange.kind, NetworkChange.effective_date))}
    first_municipality = {key: group[0].location["municipality_ibge"] for key, group in by_provider.items()}
    new_members, changed_members, new_changes = [], [], []

    def record(product_id: int, provider_id: int, kind: str, when: date, municipality: int,
               replaced: int | None = None) -> None:
        signature = (product_id, provider_id, kind, when)
        if signature in known_changes:
            return
        known_changes.add(signature)
        new_changes.append({"product_id": product_id, "provider_id": provider_id, "kind": kind,
                            "effective_date": when, "replaced_provider_id": replaced,
                            "municipality_ibge": municipality, "recorded_at": now, "updated_at": now})

    for key, group in by_provider.items():
        row, pid = group[0], provider_ids[key]
        replaced = provider_ids.get(row.replaces) if row.replaces else None
        if row.replaces and replaced is None:
            report.warnings.append(Reject(row.line, "replaces_provider_key", row.replaces,
                                          "prestador substituído não encontrado; substituição não registrada"))
        for slug in row.products:
            product_id = products[slug]
            current = memberships[pid][product_id] if pid in memberships else []
            same = next((m for m in current if m.since == row.since), None)
            if same is None:
                still_open = open_membership(current)
                if still_open is not None:
                    # The operator corrected the entry date of a current membership.
                    changed_members.append({"id": still_open.id, "since": row.since, "until": row.until,
                                            "updated_at": now})
                else:
                    new_members.append({"provider_id": pid, "product_id": product_id, "since": row.since,
                                        "until": row.until, "updated_at": now})
                    # The change log is what members must be told about ("Alterações da rede",
                    # kept 180 days); an entry older than that is history, already in `since`.
                    if row.since >= today - CHANGE_LOG_DAYS:
                        record(product_id, pid, "entrada", row.since, first_municipality[key])
            elif same.until != row.until:
                changed_members.append({"id": same.id, "until": row.until, "updated_at": now})
            if row.until is not None:
                record(product_id, pid, "saida", row.until, first_municipality[key])
            if replaced is not None:
                record(product_id, pid, "substituicao", row.since, first_municipality[key], replaced)
    report.memberships_updated = len(changed_members)

    for chunk in _chunks(new_members):
        session.execute(insert(NetworkMembership), chunk)
    for chunk in _chunks(changed_members):
        session.execute(update(NetworkMembership), chunk)
    for chunk in _chunks(new_changes):
        session.execute(insert(NetworkChange), chunk)
    report.memberships_created = len(new_members)
    report.memberships_ended = len(exits)
    report.changes_recorded = len(new_changes) + end_memberships(session, exits, today, now, known_changes)
    session.flush()
    return report
