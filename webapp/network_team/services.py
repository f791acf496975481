"""The network team's work: the queue of members' data reports, one report beside the provider's
data, the actions that settle a report by changing the network, and the export for the
operator's network file owner.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.

**The queue groups open reports by provider.** One row per dentist or clinic with open reports
(a "case"): the team calls one clinic and settles all it was reported for, and every action —
ending a membership, correcting a location, verifying one — is on one provider's records. A case
ranks by priority (``alta`` first: members' "não aceitou" answers opened it), then by how many
open reports it has ("mais relatados"), then by its newest report; "Mais recentes" ranks by the
newest report after priority. Its link opens the case's lead report: the newest of its highest
priority.

**Settling a report settles its duplicates.** An action closes the report and the provider's
other open reports of the same reason about the same address (the same ``location_id``, or both
without one): the same complaint sent again. Other complaints about the provider stay open.

**One team member wins.** Every action starts with ``UPDATE data_report … WHERE id = ? AND status
= 'novo'``: of two people settling the same report at once, the second finds no row to update
(PostgreSQL re-checks the condition once the first commits; SQLite's write lock serialises them)
and gets :class:`AlreadySettled`, with nothing changed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from ..agents import services as agent_services
from ..agents.models import AccessLog, Agent
from ..core import clock
from ..core.csvsafe import csv_cell
from ..core.formatting import data_hora
from ..core.parsing import is_slug
from ..geo import municipalities
from ..network import trust
from ..network.corrections import CORRECTABLE, correct, open_corrections
from ..network.exits import Exit, end_memberships
from ..network.models import DataReport, Location, LocationCorrection, NetworkMembership, Provider
from ..network.presenters import street_line
from ..network.services import forget_totals
from ..plans.models import Operator, Product

PAGE_SIZE = 30
MAX_PAGE = 1000
ORDERS = {"relevancia": "Prioridade e mais relatados", "recentes": "Mais recentes"}
RESOLUTIONS = {
    "corrigido": "Dados corrigidos",
    "saiu": "Não atende mais o plano: saída registrada",
    "verificado": "Dados verificados",
    "rejeitado": "Relato rejeitado",
}
SOURCES = {"membro": "“Informar erro” de um beneficiário", "confirmacoes": "Respostas “não aceitou meu plano”"}
#: The names the correction form and the pages give the correctable fields.
FIELD_NAMES = {"phones": "Telefones", "whatsapp": "WhatsApp", "street": "Logradouro", "number": "Número",
               "complement": "Complemento", "neighbourhood": "Bairro", "cep": "CEP"}
MAX_NOTE = 500
#: An export's CSV opens for the agent who asked for it (and recorded it) for this long.
EXPORT_MINUTES = 10


class AlreadySettled(Exception):
    """Somebody settled the report first; a pt-BR message that says who, when and how."""


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueFilter:
    product_id: int | None = None
    municipality: int | None = None  # IBGE code
    reason: str | None = None  # a key of REPORT_REASONS

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.product_id, self.municipality, self.reason))


def _about_location(municipality: int):
    """A report is in *municipality* when its address is there, or, naming no address, when one
    of the provider's addresses is."""
    return exists().where(Location.municipality_ibge == municipality, or_(
        and_(DataReport.location_id.is_not(None), Location.id == DataReport.location_id),
        and_(DataReport.location_id.is_(None), Location.provider_id == DataReport.provider_id, Location.active)))


def open_reports_query(filters: QueueFilter):
    stmt = select(DataReport).where(DataReport.status == "novo")
    if filters.reason is not None:
        stmt = stmt.where(DataReport.reason == filters.reason)
    if filters.product_id is not None:
        # A provider in that product's network, today or before: a report may be about one that left.
        stmt = stmt.where(exists().where(NetworkMembership.provider_id == DataReport.provider_id,
                                         NetworkMembership.product_id == filters.product_id))
    if filters.municipality is not None:
        stmt = stmt.where(_about_location(filters.municipality))
    return stmt


@dataclass
class QueueCounts:
    reports: int
    providers: int
    high: int  # of priority "alta"
    oldest_at: datetime | None


def queue_counts(session: Session, filters: QueueFilter) -> QueueCounts:
    reports = open_reports_query(filters).subquery()
    row = session.execute(select(
        func.count(), func.count(func.distinct(reports.c.provider_id)),
        func.coalesce(func.sum(case((reports.c.priority == "alta", 1), else_=0)), 0),
        func.min(reports.c.created_at))).one()
    return QueueCounts(row[0], row[1], int(row[2]), row[3])


@dataclass
class Case:
    """One provider's open reports, as a row of the queue."""

    provider: Provider
    count: int
    high: bool
    newest_at: datetime
    oldest_at: datetime
    lead: DataReport  # the row's link: the newest report of the highest priority
    reasons: list[tuple[str, int]]  # (reason key, open reports), most first
    place: str | None  # "Niterói/RJ": the lead report's address, else the provider's first


def queue(session: Session, filters: QueueFilter, order: str, page: int) -> tuple[list[Case], int]:
    """A page of cases in *order* (a key of ORDERS), and how many cases there are."""
    reports = open_reports_query(filters).subquery()
    high = func.max(case((reports.c.priority == "alta", 1), else_=0)).label("high")
    count = func.count().label("n")
    newest = func.max(reports.c.id).label("newest")  # ids grow with time: the newest report's id
    grouped = (select(reports.c.provider_id, count, high, newest).group_by(reports.c.provider_id))
    ranking = [high.desc(), count.desc(), newest.desc()] if order == "relevancia" else [high.desc(), newest.desc()]
    total = session.scalar(select(func.count()).select_from(grouped.subquery()))
    rows = session.execute(grouped.order_by(*ranking, reports.c.provider_id)
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    if not rows:
        return [], total
    ids = [r.provider_id for r in rows]
    providers = {p.id: p for p in session.scalars(select(Provider).where(Provider.id.in_(ids)))}
    by_provider: dict[int, list[DataReport]] = {pid: [] for pid in ids}
    for report in session.scalars(open_reports_query(filters).where(DataReport.provider_id.in_(ids))
                                  .order_by(DataReport.id.desc())):
        by_provider[report.provider_id].append(report)
    places = _places(session, ids, [r for reports_ in by_provider.values() for r in reports_[:1]])
    cases = []
    for r in rows:
        open_ = by_provider[r.provider_id]
        lead = max(open_, key=lambda d: (d.priority == "alta", d.id))
        cases.append(Case(
            provider=providers[r.provider_id], count=len(open_), high=lead.priority == "alta",
            newest_at=max(d.created_at for d in open_), oldest_at=min(d.created_at for d in open_), lead=lead,
            reasons=Counter(d.reason for d in open_).most_common(),
            place=places.get(lead.location_id) or places.get(("provider", r.provider_id))))
    return cases, total


def _places(session: Session, provider_ids: list[int], reports: list[DataReport]) -> dict:
    """"Município/UF" of each report's location (by location id) and of each provider's first
    active location (by ``("provider", id)``)."""
    out: dict = {}
    for loc in session.scalars(select(Location).where(Location.provider_id.in_(provider_ids))
                               .order_by(Location.provider_id, Location.active.desc(), Location.key)):
        m = municipalities.get(loc.municipality_ibge)
        label = m.label if m else str(loc.municipality_ibge)
        out[loc.id] = label
        out.setdefault(("provider", loc.provider_id), label)
    return out


def municipality_choices(session: Session) -> list[tuple[int, str, int]]:
    """``(IBGE code, "Município/UF", open reports)`` of the places open reports are about."""
    counts: Counter = Counter()
    for report_id, code in session.execute(
            select(DataReport.id, Location.municipality_ibge).join(Location, or_(
                and_(DataReport.location_id.is_not(None), Location.id == DataReport.location_id),
                and_(DataReport.location_id.is_(None), Location.provider_id == DataReport.provider_id,
                     Location.active)))
            .where(DataReport.status == "novo").distinct()):
        counts[code] += 1
    choices = []
    for code, n in counts.items():
        m = municipalities.get(code)
        choices.append((code, m.label if m else str(code), n))
    return sorted(choices, key=lambda c: c[1])


def days_ago(moment: datetime | None, today: date) -> int | None:
    """Whole days from *moment*'s local date to *today*."""
    return None if moment is None else (today - clock.local(moment).date()).days


# --------------------------------------------------------------------------- one report


@dataclass
class MembershipRow:
    product: Product
    membership: NetworkMembership
    state: str  # "na rede", "saída anunciada", "saiu", "a partir de"

    @property
    def is_open(self) -> bool:
        return self.state in ("na rede", "saída anunciada")


@dataclass
class ReportView:
    report: DataReport
    provider: Provider
    locations: list[Location]  # the reported one first, then active ones, then closed ones
    location: Location | None  # the address the report names
    memberships: list[MembershipRow]
    duplicates: list[DataReport]  # open, same reason and address: settled with this one
    others_open: list[DataReport]  # the provider's other open reports
    earlier: list[DataReport]  # the provider's settled reports, newest first
    corrections: dict[int, list[LocationCorrection]]  # location id → corrections in force
    agents: dict[int, Agent] = field(default_factory=dict)  # who settled or corrected, by id

    @property
    def open(self) -> bool:
        return self.report.status == "novo"

    @property
    def active_locations(self) -> list[Location]:
        return [loc for loc in self.locations if loc.active]

    @property
    def open_memberships(self) -> list[MembershipRow]:
        return [m for m in self.memberships if m.is_open]


def _membership_state(m: NetworkMembership, today: date) -> str:
    if m.since > today:
        return "a partir de"
    if m.until is not None and m.until <= today:
        return "saiu"
    return "saída anunciada" if m.until is not None else "na rede"


def _same_complaint(a: DataReport, b: DataReport) -> bool:
    return a.provider_id == b.provider_id and a.reason == b.reason and a.location_id == b.location_id


def report_view(session: Session, report_id: int, today: date) -> ReportView | None:
    report = session.get(DataReport, report_id)
    if report is None:
        return None
    provider = session.get(Provider, report.provider_id)
    # The address the report names first, then the active ones, then those the operator closed.
    locations = sorted(session.scalars(select(Location).where(Location.provider_id == provider.id)),
                       key=lambda loc: (loc.id != report.location_id, not loc.active, loc.key))
    products = {p.id: p for p in session.scalars(select(Product))}
    memberships = sorted(
        (MembershipRow(products[m.product_id], m, _membership_state(m, today))
         for m in session.scalars(select(NetworkMembership).where(NetworkMembership.provider_id == provider.id))),
        key=lambda row: (not row.is_open, row.product.position, row.membership.since))
    others = list(session.scalars(select(DataReport).where(DataReport.provider_id == provider.id,
                                                           DataReport.id != report.id)
                                  .order_by(DataReport.id.desc())))
    open_others = [d for d in others if d.status == "novo"]
    duplicates = [d for d in open_others if _same_complaint(d, report)] if report.status == "novo" else []
    corrections: dict[int, list[LocationCorrection]] = {}
    for c in open_corrections(session, [loc.id for loc in locations]):
        corrections.setdefault(c.location_id, []).append(c)
    agent_ids = {d.resolved_by for d in [report, *others] if d.resolved_by} | {
        c.agent_id for cs in corrections.values() for c in cs}
    agents = {a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_(agent_ids)))} if agent_ids else {}
    return ReportView(
        report=report, provider=provider, locations=locations,
        location=next((loc for loc in locations if loc.id == report.location_id), None),
        memberships=memberships, duplicates=duplicates,
        others_open=[d for d in open_others if d not in duplicates],
        earlier=[d for d in others if d.status != "novo"], corrections=corrections, agents=agents)


def next_case(session: Session, after: int) -> DataReport | None:
    """The lead report of the queue's first case (unfiltered) other than provider *after*'s."""
    cases, _ = queue(session, QueueFilter(), "relevancia", 1)
    return next((c.lead for c in cases if c.provider.id != after), None)


# --------------------------------------------------------------------------- actions


def _settle(session: Session, report_id: int, agent: Agent, resolution: str, note: str | None,
            now: datetime) -> DataReport:
    """Close the report, if still open (else AlreadySettled, before anything else is written), and
    its duplicates."""
    status = "rejeitado" if resolution == "rejeitado" else "resolvido"
    values = {"status": status, "resolution": resolution, "resolution_note": note, "resolved_by": agent.id,
              "resolved_at": now, "updated_at": now}
    plain = {"synchronize_session": False}
    won = session.execute(update(DataReport).where(DataReport.id == report_id, DataReport.status == "novo")
                          .values(**values), execution_options=plain).rowcount
    report = session.get(DataReport, report_id)
    if report is None:
        raise LookupError("relato inexistente")
    session.refresh(report)
    if won != 1:
        raise AlreadySettled(settled_message(session, report))
    same_place = (DataReport.location_id.is_(None) if report.location_id is None
                  else DataReport.location_id == report.location_id)
    session.execute(update(DataReport).where(
        DataReport.provider_id == report.provider_id, DataReport.reason == report.reason, same_place,
        DataReport.status == "novo").values(**values), execution_options=plain)
    return report


def settled_message(session: Session, report: DataReport) -> str:
    who = session.get(Agent, report.resolved_by) if report.resolved_by else None
    by = f" por {who.name}" if who else ""
    when = f" em {data_hora(report.resolved_at)}" if report.resolved_at else ""
    how = RESOLUTIONS.get(report.resolution or "", "resolvido")
    return (f"Este relato já foi resolvido{by}{when} ({how}). Nada foi alterado agora: confira os dados "
            "da página antes de fazer outra mudança.")


def _audit(session: Session, agent: Agent, action: str, ip: str, now: datetime, detail: str) -> None:
    agent_services.record(session, agent, action, "rede", ip, now, detail=detail)


def _where(report: DataReport, location: Location | None = None) -> str:
    text = f"relato {report.id}; prestador {report.provider_id}"
    return text + (f"; local {location.id}" if location is not None else "")


def _providers_location(session: Session, report_id: int, location_id: int) -> Location:
    location = session.get(Location, location_id)
    report = session.get(DataReport, report_id)
    if location is None or report is None or location.provider_id != report.provider_id:
        raise LookupError("local de outro prestador")
    return location


def changed_fields(location: Location, values: dict) -> list[str]:
    """The fields of *values* (field → value) that differ from *location*'s, in CORRECTABLE order."""
    return [name for name in CORRECTABLE if name in values and getattr(location, name) != values[name]]


def apply_corrections(session: Session, report_id: int, agent: Agent, location_id: int, values: dict,
                      ip: str, now: datetime) -> list[str]:
    """"Corrigir": *values* (field → new value, fields of CORRECTABLE) on the provider's location
    *location_id*, each a correction kept until the operator's file says otherwise; the report is
    settled as ``corrigido`` and the location counts as verified by it. Returns the fields that
    changed."""
    location = _providers_location(session, report_id, location_id)
    changed = changed_fields(location, values)
    note = "Corrigido: " + ", ".join(FIELD_NAMES[name] for name in changed) if changed else None
    report = _settle(session, report_id, agent, "corrigido", note, now)
    for name in changed:
        correct(session, location, name, values[name], agent_id=agent.id, report_id=report.id, now=now)
    trust.mark_verified(location, "relato", now)
    _audit(session, agent, "rede-corrigido", ip, now,
           f"{_where(report, location)}; campos: {', '.join(changed) or 'nenhum'}")
    return changed


def leave_product(session: Session, report_id: int, agent: Agent, product_id: int, ip: str, now: datetime,
                  today: date) -> Product:
    """"Não atende mais o plano": the provider's open membership of *product_id* ends today —
    the importer's exit: out of that product's results at once, a "saída" in "Alterações da
    rede" —; the report is settled as ``saiu``."""
    product = session.get(Product, product_id)
    if product is None:
        raise LookupError("plano inexistente")
    report = _settle(session, report_id, agent, "saiu", f"Saiu da rede do {product.name}", now)
    membership = session.scalars(select(NetworkMembership).where(
        NetworkMembership.provider_id == report.provider_id, NetworkMembership.product_id == product_id,
        NetworkMembership.since <= today,
        or_(NetworkMembership.until.is_(None), NetworkMembership.until > today))).first()
    if membership is None:
        raise LookupError("o prestador não está na rede desse plano")
    end_memberships(session, [Exit(membership.id, product_id, report.provider_id,
                                   _exit_municipality(session, report), membership.until)], today, now)
    _audit(session, agent, "rede-saida", ip, now, f"{_where(report)}; plano {product.slug}")
    forget_totals()
    return product


def _exit_municipality(session: Session, report: DataReport) -> int:
    """Where "Alterações da rede" lists the exit: the report's address, else the provider's first
    active one (as the importer lists a provider by its file's first location)."""
    if report.location_id is not None:
        location = session.get(Location, report.location_id)
        if location is not None:
            return location.municipality_ibge
    return session.scalars(select(Location.municipality_ibge).where(Location.provider_id == report.provider_id)
                           .order_by(Location.active.desc(), Location.key)).first() or 0


def verify(session: Session, report_id: int, agent: Agent, location_id: int, ip: str, now: datetime) -> Location:
    """"Verificado": the team confirmed the location's data as listed; the report is settled."""
    location = _providers_location(session, report_id, location_id)
    report = _settle(session, report_id, agent, "verificado", None, now)
    trust.mark_verified(location, "equipe", now)
    _audit(session, agent, "rede-verificado", ip, now, _where(report, location))
    return location


def reject(session: Session, report_id: int, agent: Agent, note: str, ip: str, now: datetime) -> None:
    """"Rejeitar": the report was wrong; *note* says why (kept on the report)."""
    report = _settle(session, report_id, agent, "rejeitado", note, now)
    _audit(session, agent, "rede-rejeitado", ip, now, _where(report))


# --------------------------------------------------------------------------- the export

EXPORT_HEADER = ["record", "id", "created_at", "priority", "provider_key", "provider_name", "location_key",
                 "address", "municipality_ibge", "products", "reason", "detail", "column", "file_value",
                 "corrected_value", "report_id"]


def list_operators(session: Session) -> list[Operator]:
    return list(session.scalars(select(Operator).order_by(Operator.name)))


def operator_by_slug(session: Session, slug: str) -> Operator | None:
    # Only a slug's shape is looked up: a NUL, which PostgreSQL refuses in text, never reaches it.
    if not is_slug(slug):
        return None
    return session.scalars(select(Operator).where(Operator.slug == slug)).one_or_none()


@dataclass
class Export:
    operator: Operator
    reports: list[DataReport]
    corrections: list[LocationCorrection]

    @property
    def summary(self) -> str:
        return f"operadora {self.operator.slug}: relatos {len(self.reports)}, correções {len(self.corrections)}"


def export_rows(session: Session, operator: Operator) -> Export:
    """The open reports about providers in the operator's networks (today or before), and the
    corrections of their locations the operator's file does not carry yet."""
    product_ids = [p.id for p in operator.products]
    in_network = exists().where(NetworkMembership.provider_id == DataReport.provider_id,
                                NetworkMembership.product_id.in_(product_ids))
    reports = list(session.scalars(select(DataReport).where(DataReport.status == "novo", in_network)
                                   .order_by(DataReport.id)))
    corrections = list(session.scalars(
        select(LocationCorrection).join(Location, Location.id == LocationCorrection.location_id)
        .where(LocationCorrection.superseded_at.is_(None), exists().where(
            NetworkMembership.provider_id == Location.provider_id, NetworkMembership.product_id.in_(product_ids)))
        .order_by(LocationCorrection.id)))
    return Export(operator, reports, corrections)


def record_export(session: Session, agent: Agent, export: Export, ip: str, now: datetime) -> AccessLog:
    return agent_services.record(session, agent, "rede-exportacao", "rede", ip, now, detail=export.summary)


def export_allowed(session: Session, agent: Agent, entry_id: int | None, operator: Operator, now: datetime) -> bool:
    """Whether *entry_id* is this agent's recorded export of *operator*, made in the last EXPORT_MINUTES."""
    entry = session.get(AccessLog, entry_id) if entry_id is not None else None
    return (entry is not None and entry.agent_id == agent.id and entry.action == "rede-exportacao"
            and (entry.detail or "").startswith(f"operadora {operator.slug}:")
            and now - entry.at <= timedelta(minutes=EXPORT_MINUTES))


def _cell_value(value) -> str:
    """A location's value as the network file writes it (lists separated by ``|``)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def export_csv(session: Session, export: Export) -> str:
    """The export as a CSV file (UTF-8 with a byte-order mark, so spreadsheets read the accents;
    English column names with pt-BR values, as the operator's own files)."""
    product_ids = {p.id: p.slug for p in export.operator.products}
    provider_ids = {r.provider_id for r in export.reports}
    locations = {loc.id: loc for loc in session.scalars(select(Location).where(or_(
        Location.provider_id.in_(provider_ids),
        Location.id.in_({c.location_id for c in export.corrections}))))}
    provider_ids |= {locations[c.location_id].provider_id for c in export.corrections}
    providers = {p.id: p for p in session.scalars(select(Provider).where(Provider.id.in_(provider_ids)))}
    products: dict[int, list[str]] = {}
    for m in session.scalars(select(NetworkMembership).where(NetworkMembership.provider_id.in_(provider_ids),
                                                             NetworkMembership.product_id.in_(product_ids))
                             .order_by(NetworkMembership.product_id)):
        slugs = products.setdefault(m.provider_id, [])
        if product_ids[m.product_id] not in slugs:
            slugs.append(product_ids[m.product_id])

    def where(location: Location | None) -> list:
        if location is None:
            return ["", "", ""]
        return [location.key, street_line(location), location.municipality_ibge]

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    only_location: dict[int, Location | None] = {}  # provider → its one active location, if just one
    for loc in locations.values():
        if loc.active:
            only_location[loc.provider_id] = None if loc.provider_id in only_location else loc
    for r in export.reports:
        p = providers[r.provider_id]
        # A report names no address when the provider has only one: that one.
        location = locations.get(r.location_id) if r.location_id else only_location.get(p.id)
        writer.writerow([csv_cell(v) for v in (
            "relato", r.id, clock.local(r.created_at).isoformat(timespec="seconds"), r.priority, p.key, p.name,
            *where(location), "|".join(products.get(p.id, [])), r.reason, r.detail, "", "", "", "")])
    for c in export.corrections:
        loc = locations[c.location_id]
        p = providers[loc.provider_id]
        writer.writerow([csv_cell(v) for v in (
            "correcao", c.id, clock.local(c.created_at).isoformat(timespec="seconds"), "", p.key, p.name,
            *where(loc), "|".join(products.get(p.id, [])), "", "", c.field, _cell_value(c.file_value),
            _cell_value(c.value), c.report_id)])
    return out.getvalue()
