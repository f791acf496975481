"""The statement (extrato), the tooth chart and the authorizations of a family.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.  Every
query is limited to the members the caller passes in (``members.services.visible_family``):
a holder's family, or a dependant alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..core.csvsafe import csv_cell
from ..core.formatting import data, dinheiro, valor
from ..members.models import Member
from ..network.models import Location, Provider
from ..network.presenters import municipality_label, name_slug
from ..plans.models import Procedure
from ..plans.services import CATEGORY_NAMES
from . import odontogram, teeth
from .models import Authorization, UsageConfirmation, UsageEvent
from .params import StatementParams

EVENT_STATUS_NAMES = {"realizado": "Realizado", "glosado": "Glosado", "negado": "Negado", "reembolsado": "Reembolsado"}
AUTHORIZATION_STATUS_NAMES = {"em-analise": "Em análise", "autorizada": "Autorizada", "negada": "Negada",
                              "executada": "Executada", "expirada": "Expirada"}
SOURCE_NAMES = {"rede": "Rede credenciada", "reembolso": "Reembolso"}
DONE = ("realizado", "glosado", "reembolsado")  # the procedure was done (a glosa is between operator and dentist)


#: Amounts as the pages and the spreadsheet show them (Babel, pt-BR).
money, plain_money = dinheiro, valor


# --------------------------------------------------------------------------- the statement


class _ProviderLink:
    """The slug of the provider's page, for views that carry the provider's name."""

    provider_name: str

    @property
    def provider_slug(self) -> str:
        return name_slug(self.provider_name)


class _ToothText:
    """The tooth and faces of a procedure as the statement writes them (``tooth``, ``faces``)."""

    tooth: int | None
    faces: str | None

    @property
    def tooth_label(self) -> str:
        return teeth.tooth_label(self.tooth) if self.tooth else ""

    @property
    def faces_text(self) -> str:
        return teeth.faces_text(self.faces or "")


@dataclass(frozen=True)
class EventView(_ProviderLink, _ToothText):
    id: int
    performed_on: date
    member_id: int
    member_name: str
    procedure_name: str
    category: str
    operator_code: str | None
    tooth: int | None
    faces: str | None
    provider_name: str
    provider_id: int | None
    authorization_number: str | None
    status: str
    status_reason: str | None
    source: str
    amount_cents: int | None
    copayment_cents: int | None
    reimbursed_cents: int | None
    place: str = ""  # the service location, when the network knows it
    location_key: str | None = None  # as the operator's file names it
    location_id: int | None = None  # the network's location of that key, when it knows it
    answer: str | None = None  # the member's "atendido" / "recusado" (confirmations), once given

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES.get(self.category, self.category)

    @property
    def status_name(self) -> str:
        return EVENT_STATUS_NAMES[self.status]

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES[self.source]


@dataclass
class Totals:
    key: int | str
    label: str
    count: int = 0
    refused: int = 0  # negados and glosados
    covered_cents: int = 0  # value of procedures done through the plan
    copayment_cents: int = 0
    reimbursed_cents: int = 0

    def add(self, event: EventView) -> None:
        self.count += 1
        if event.status in ("negado", "glosado"):
            self.refused += 1
        if event.status == "realizado":
            self.covered_cents += event.amount_cents or 0
        self.copayment_cents += event.copayment_cents or 0
        self.reimbursed_cents += event.reimbursed_cents or 0


@dataclass
class Statement:
    events: list[EventView]
    total: Totals
    by_year: list[Totals]
    by_member: list[Totals]
    years: list[int] = field(default_factory=list)


def _event_query(ids: Sequence[int]):
    return (
        select(UsageEvent, Procedure.name, Procedure.category, Provider.id, Location.street, Location.number,
               Location.municipality_ibge, Location.id, UsageConfirmation.answer)
        .join(Procedure, Procedure.id == UsageEvent.procedure_id)
        .outerjoin(Provider, Provider.key == UsageEvent.provider_key)
        .outerjoin(Location, (Location.provider_id == Provider.id) & (Location.key == UsageEvent.location_key))
        .outerjoin(UsageConfirmation, UsageConfirmation.usage_event_id == UsageEvent.id)
        .where(UsageEvent.member_id.in_(list(ids)))
    )


def _place(street: str | None, number: str | None, municipality: int | None) -> str:
    if not street:
        return ""
    return f"{street}{', ' + number if number else ''} — {municipality_label(municipality)}"


def _view(row, names: dict[int, str]) -> EventView:
    e, procedure_name, category, provider_id, street, number, municipality, location_id, answer = row
    return EventView(
        id=e.id, performed_on=e.performed_on, member_id=e.member_id, member_name=names[e.member_id],
        procedure_name=procedure_name, category=category, operator_code=e.operator_code, tooth=e.tooth,
        faces=e.faces, provider_name=e.provider_name, provider_id=provider_id,
        authorization_number=e.authorization_number, status=e.status, status_reason=e.status_reason,
        source=e.source, amount_cents=e.amount_cents, copayment_cents=e.copayment_cents,
        reimbursed_cents=e.reimbursed_cents, place=_place(street, number, municipality),
        location_key=e.location_key, location_id=location_id, answer=answer,
    )


def events(session: Session, people: Sequence[Member], params: StatementParams) -> list[EventView]:
    """The events of *people* that pass the filters, newest first."""
    names = {p.id: p.name for p in people}
    ids = [params.pessoa] if params.pessoa is not None else list(names)
    ids = [i for i in ids if i in names]  # never anyone outside *people*
    stmt = _event_query(ids)
    if params.ano is not None:
        stmt = stmt.where(UsageEvent.performed_on.between(date(params.ano, 1, 1), date(params.ano, 12, 31)))
    if params.de is not None:
        stmt = stmt.where(UsageEvent.performed_on >= params.de)
    if params.ate is not None:
        stmt = stmt.where(UsageEvent.performed_on <= params.ate)
    if params.categoria is not None:
        stmt = stmt.where(Procedure.category == params.categoria)
    if params.dente is not None:
        stmt = stmt.where(UsageEvent.tooth == params.dente)
    stmt = stmt.order_by(UsageEvent.performed_on.desc(), UsageEvent.id.desc())
    return [_view(row, names) for row in session.execute(stmt)]


def years(session: Session, people: Sequence[Member]) -> list[int]:
    """Years with events for *people*, newest first."""
    first, last = session.execute(
        select(func.min(UsageEvent.performed_on), func.max(UsageEvent.performed_on))
        .where(UsageEvent.member_id.in_([p.id for p in people]))).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def statement(session: Session, people: Sequence[Member], params: StatementParams) -> Statement:
    found = events(session, people, params)
    total = Totals("total", "Total")
    by_year: dict[int, Totals] = {}
    by_member = {p.id: Totals(p.id, p.name) for p in people}
    for event in found:
        total.add(event)
        year = event.performed_on.year
        by_year.setdefault(year, Totals(year, str(year))).add(event)
        by_member[event.member_id].add(event)
    return Statement(
        events=found, total=total, by_year=[by_year[y] for y in sorted(by_year, reverse=True)],
        by_member=[t for t in by_member.values() if t.count], years=years(session, people),
    )


def tooth_marks(session: Session, person: Member) -> dict[int, odontogram.ToothMark]:
    """What was done to each of *person*'s teeth (any date; denied procedures left out)."""
    stmt = (select(UsageEvent.tooth, UsageEvent.faces, UsageEvent.procedure_id, Procedure.category,
                   Procedure.name, UsageEvent.performed_on)
            .join(Procedure, Procedure.id == UsageEvent.procedure_id)
            .where(UsageEvent.member_id == person.id, UsageEvent.tooth.is_not(None),
                   UsageEvent.status.in_(DONE)))
    return odontogram.marks(
        odontogram.ToothEvent(tooth=r.tooth, faces=r.faces or "", procedure_id=r.procedure_id, category=r.category,
                              procedure_name=r.name, performed_on=r.performed_on)
        for r in session.execute(stmt))


CSV_HEADER = ("Data", "Beneficiário", "Procedimento", "Código da operadora", "Categoria", "Dente", "Faces",
              "Prestador", "Guia", "Situação", "Motivo", "Origem", "Valor (R$)", "Coparticipação (R$)",
              "Reembolsado (R$)")


def statement_csv(found: Sequence[EventView]) -> str:
    """The events as a spreadsheet file for pt-BR spreadsheets: ``;`` between cells, decimal comma,
    dd/mm/aaaa dates, a UTF-8 byte-order mark so accents open right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in found:
        writer.writerow([csv_cell(cell) for cell in (
            data(e.performed_on), e.member_name, e.procedure_name, e.operator_code or "",
            e.category_name, e.tooth_label, e.faces_text, e.provider_name, e.authorization_number or "",
            e.status_name, e.status_reason or "", e.source_name, plain_money(e.amount_cents),
            plain_money(e.copayment_cents), plain_money(e.reimbursed_cents),
        )])
    return "\ufeff" + out.getvalue()


# --------------------------------------------------------------------------- authorizations


@dataclass(frozen=True)
class ItemView(_ToothText):
    procedure_name: str
    operator_code: str | None
    tooth: int | None
    faces: str | None


@dataclass(frozen=True)
class AuthorizationView(_ProviderLink):
    id: int
    number: str
    protocol: str
    member_id: int
    member_name: str
    provider_name: str
    provider_id: int | None
    requested_on: date
    decided_on: date | None
    stored_status: str
    status: str  # the status today: an authorized guia past its validity is expired
    valid_until: date | None
    validity_reference: str | None
    days_left: int | None
    denial_reason: str | None
    denial_clause: str | None
    items: tuple[ItemView, ...]

    @property
    def status_name(self) -> str:
        return AUTHORIZATION_STATUS_NAMES[self.status]

    @property
    def countdown(self) -> str:
        """``vence em 12 dias`` / ``vence amanhã`` / ``vence hoje`` / ``venceu em 01/03/2026``."""
        if self.valid_until is None or self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"venceu em {data(self.valid_until)}"
        if self.days_left == 0:
            return "vence hoje"
        if self.days_left == 1:
            return "vence amanhã"
        return f"vence em {self.days_left} dias"


def effective_status(stored: str, valid_until: date | None, today: date) -> str:
    if stored == "autorizada" and valid_until is not None and today > valid_until:
        return "expirada"
    return stored


def authorizations(session: Session, people: Sequence[Member], today: date,
                   person: int | None = None) -> list[AuthorizationView]:
    """The authorizations of *people* (or of one of them), newest request first."""
    names = {p.id: p.name for p in people}
    ids = [person] if person is not None and person in names else list(names)
    stmt = (select(Authorization, Provider.id)
            .outerjoin(Provider, Provider.key == Authorization.provider_key)
            .where(Authorization.member_id.in_(ids))
            .options(selectinload(Authorization.items))
            .order_by(Authorization.requested_on.desc(), Authorization.id.desc()))
    rows = session.execute(stmt).all()
    procedure_ids = {item.procedure_id for a, _ in rows for item in a.items}
    procedure_names = {}
    if procedure_ids:
        procedure_names = {pid: name for pid, name in session.execute(
            select(Procedure.id, Procedure.name).where(Procedure.id.in_(procedure_ids)))}
    out = []
    for a, provider_id in rows:
        status = effective_status(a.status, a.valid_until, today)
        showing_validity = status in ("autorizada", "expirada") and a.valid_until is not None
        out.append(AuthorizationView(
            id=a.id, number=a.number, protocol=a.protocol, member_id=a.member_id, member_name=names[a.member_id],
            provider_name=a.provider_name, provider_id=provider_id, requested_on=a.requested_on,
            decided_on=a.decided_on, stored_status=a.status, status=status, valid_until=a.valid_until,
            validity_reference=a.validity_reference,
            days_left=(a.valid_until - today).days if showing_validity else None,
            denial_reason=a.denial_reason, denial_clause=a.denial_clause,
            items=tuple(ItemView(procedure_names.get(i.procedure_id, i.procedure_id), i.operator_code, i.tooth,
                                 i.faces) for i in a.items),
        ))
    return out

