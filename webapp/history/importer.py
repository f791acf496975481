"""Import of an operator's usage file and authorization file (layouts in :mod:`.layout`).

The same conventions as the network import: every line is read and validated on its own
(:mod:`webapp.core.imports`) and a bad row is reported with line, column, value and a pt-BR
reason while the good rows go in; problems of the file as a whole (a header that is not UTF-8,
unknown or missing columns, no data rows, no valid row) are fatal and nothing is written.  A
guia is imported whole or not at all, so a line of an authorization file whose guia number
cannot be read (the line cannot be split into cells, or that cell is unreadable) stops that
file.  Writing is an idempotent upsert by the operator's id (event id, guia number) within the
operator of the member: the same file twice changes nothing, and a changed row updates only that
record (``updated_at`` moves only then).  Nothing is deleted.

The caller owns the transaction: commit on success, roll back on any exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session, undefer

from ..core import clock
from ..core.formatting import data as date_text
from ..core.imports.cells import RowCells, code_digits
from ..core.imports.columns import column_length
from ..core.imports.reading import FatalImportError, Reject, Row, shown
from ..core.imports.report import ImportReport
from ..core.text import fold
from ..members.models import Member
from ..plans.models import Procedure, Product
from . import teeth
from .layout import AUTHORIZATION, USAGE
from .models import (
    AUTHORIZATION_STATUSES,
    EVENT_SOURCES,
    EVENT_STATUSES,
    Authorization,
    AuthorizationItem,
    UsageEvent,
)

BATCH = 1000
_VALIDITY = re.compile(r"validade (?:de |por )?(\d{1,3}) dias")
PROTOCOL_LENGTHS = range(10, column_length(Authorization.protocol) + 1)
CARD_LENGTHS = range(1, column_length(Member.card_number) + 1)


@dataclass
class UpsertReport(ImportReport):
    """Lines read, accepted and rejected (:class:`ImportReport`), and the records (events or
    guias) written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


# --------------------------------------------------------------------------- reading


def _date(cells: RowCells, column: str, today: date, required: bool) -> date | None:
    """A date no later than *today*."""
    value = cells.date(column, required=required)
    if value is not None and value > today:
        cells.add(column, "data no futuro")
        return None
    return value


def _code(value: str) -> str:
    """``"Em análise"`` → ``"em-analise"``."""
    return fold(value).replace(" ", "-")


@dataclass(frozen=True)
class _MemberInfo:
    id: int
    operator_id: int
    product_slug: str
    product_name: str
    inclusion: date
    copayment_applies: bool | None
    validity: tuple[int, str | None] | None


def guide_validity(document: dict) -> tuple[int, str | None] | None:
    """(days, clause) when the product's document states how long a guia is valid."""
    for rule in document.get("rules_of_use") or ():
        match = _VALIDITY.search(fold(rule.get("text", "")))
        if match and "guia" in fold(rule.get("text", "")):
            return int(match.group(1)), rule.get("reference")
    return None


class _Context:
    """What validation needs from the database, loaded once per file."""

    def __init__(self, session: Session, rows: list[Row], today: date):
        self.today = today
        cards = {card for row in rows if (card := code_digits(row.cells.get("card_number") or "", CARD_LENGTHS))}
        products = {p.id: p for p in session.scalars(
            select(Product).options(undefer(Product.document)))}
        self.members: dict[str, _MemberInfo] = {}
        card_list = sorted(cards)
        for i in range(0, len(card_list), BATCH):
            chunk = card_list[i:i + BATCH]
            for m in session.execute(select(Member.id, Member.card_number, Member.product_id, Member.inclusion_at)
                                     .where(Member.card_number.in_(chunk))):
                product = products[m.product_id]
                copayment = product.document.get("copayment") or {}
                self.members[m.card_number] = _MemberInfo(
                    id=m.id, operator_id=product.operator_id, product_slug=product.slug, product_name=product.name,
                    inclusion=clock.local(m.inclusion_at).date(),
                    copayment_applies=copayment.get("applies") if copayment else None,
                    validity=guide_validity(product.document),
                )
        self.procedures = {p.id: p for p in session.scalars(select(Procedure))}

    def member(self, cells: RowCells) -> _MemberInfo | None:
        card = cells.digits("card_number", lengths=CARD_LENGTHS, what="o número da carteirinha")
        if not card:
            return None  # reported: an empty required column, or not a card number
        found = self.members.get(card)
        if found is None:
            cells.add("card_number", "beneficiário não encontrado (número da carteirinha)")
        return found

    def procedure(self, cells: RowCells) -> Procedure | None:
        value = cells["procedure"]
        if not value:
            return None
        found = self.procedures.get(value)
        if found is None:
            cells.add("procedure", "procedimento desconhecido no vocabulário")
        return found


def _tooth_and_faces(cells: RowCells, procedure: Procedure | None) -> tuple[int | None, str]:
    text = cells["tooth"]
    tooth = None
    if text:
        tooth = teeth.parse_tooth(text)
        if tooth is None:
            cells.add("tooth", "dente inválido: use a notação FDI de dois dígitos (11 a 48 permanentes, "
                               "51 a 85 decíduos)")
            return None, ""
    faces = ""
    face_text = cells["faces"]
    if face_text and tooth is not None:
        try:
            faces = teeth.parse_faces(face_text, tooth)
        except teeth.FaceError as exc:
            cells.add("faces", str(exc))
            return tooth, ""
    elif face_text:
        faces = face_text  # reported below: faces without a tooth
    if procedure is not None:
        rule = teeth.tooth_rule(procedure.id, procedure.name)
        for column, reason in rule.check(tooth, faces):
            cells.add(column, reason)
    return tooth, faces


# --------------------------------------------------------------------------- usage


EVENT_FIELDS = ("member_id", "performed_on", "procedure_id", "operator_code", "tooth", "faces", "provider_key",
                "provider_name", "location_key", "authorization_number", "status", "status_reason", "source",
                "amount_cents", "copayment_cents", "reimbursed_cents")


def _parse_event(cells: RowCells, ctx: _Context) -> tuple[tuple[int, str] | None, dict | None]:
    cells.required(USAGE.required)
    texts = cells.texts(USAGE)
    member = ctx.member(cells)
    performed_on = _date(cells, "performed_on", ctx.today, required=True)
    if member and performed_on and performed_on < member.inclusion:
        cells.add("performed_on", f"data anterior à inclusão do beneficiário no plano "
                                  f"({date_text(member.inclusion)})")
    procedure = ctx.procedure(cells)
    tooth, faces = _tooth_and_faces(cells, procedure)

    status = _code(cells["status"])
    if status and status not in EVENT_STATUSES:
        cells.add("status", "use realizado, glosado, negado ou reembolsado")
    reason = texts["status_reason"]
    if status in ("glosado", "negado") and not reason and not cells.has("status_reason"):
        cells.add("status_reason", f"informe o motivo ({status})")
    source = _code(cells["source"]) or "rede"
    if source not in EVENT_SOURCES:
        cells.add("source", "use rede ou reembolso")
    amount = cells.money("amount")
    copayment = cells.money("copayment")
    reimbursed = cells.money("reimbursed")
    if status == "reembolsado":
        if source != "reembolso":
            cells.add("source", "evento reembolsado deve ter origem reembolso")
        if reimbursed is None and not cells.has("reimbursed"):
            cells.add("reimbursed", "informe o valor reembolsado")
    elif reimbursed is not None:
        cells.add("reimbursed", "valor reembolsado só com a situação reembolsado")
    for column, value in (("copayment", copayment), ("reimbursed", reimbursed)):
        if value is not None and amount is not None and value > amount:
            cells.add(column, "maior que o valor do procedimento")
    if copayment and member and member.copayment_applies is False:
        cells.add("copayment", f"o plano {member.product_name} não tem coparticipação, segundo o seu documento")

    if cells.rejects:
        return None, None
    event_key = texts.pop("event_id")
    assert member and procedure and performed_on and event_key
    data = {
        "member_id": member.id, "performed_on": performed_on, "procedure_id": procedure.id, "tooth": tooth,
        "faces": faces or None, "status": status, "source": source,
        "amount_cents": amount, "copayment_cents": copayment, "reimbursed_cents": reimbursed, **texts,
    }
    return (member.operator_id, event_key), data


def import_usage(session: Session, path: Path, *, today: date | None = None,
                 progress=lambda rows: rows) -> UpsertReport:
    """Import a usage file; see the module docstring."""
    today = today or clock.today()
    report = UpsertReport()
    file = USAGE.read(path)
    report.rejects.extend(file.unreadable)  # one event a line: the other lines stand on their own
    ctx = _Context(session, file.rows, today)
    parsed: dict[tuple[int, str], dict] = {}
    first_line: dict[tuple[int, str], int] = {}
    for row in progress(file.rows):
        cells = RowCells(row)
        key, data = (None, None) if cells.rejects else _parse_event(cells, ctx)
        if key is None:
            report.rejects.extend(cells.rejects)
            continue
        if key in parsed:
            report.rejects.append(Reject(row.line, "event_id", key[1],
                                         f"evento repetido (já na linha {first_line[key]})"))
            continue
        parsed[key], first_line[key] = data, row.line
    report.close_reading(file, len(parsed))

    existing = _existing(session, UsageEvent, UsageEvent.event_key, list(parsed), EVENT_FIELDS)
    now = clock.utcnow()
    new_rows, changed = [], []
    for (operator_id, key), data in parsed.items():
        old = existing.get((operator_id, key))
        if old is None:
            new_rows.append({"operator_id": operator_id, "event_key": key, **data, "updated_at": now})
        elif any(getattr(old, f) != data[f] for f in EVENT_FIELDS):
            changed.append({"id": old.id, **data, "updated_at": now})
        else:
            report.unchanged += 1
    for chunk in _chunks(new_rows):
        session.execute(insert(UsageEvent), chunk)
    for chunk in _chunks(changed):
        session.execute(update(UsageEvent), chunk)
    report.created, report.updated = len(new_rows), len(changed)
    session.flush()
    return report


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _existing(session: Session, model, key_column, keys: list[tuple[int, str]], fields: tuple[str, ...]) -> dict:
    found = {}
    for chunk in _chunks(sorted(keys)):
        stmt = (select(model.id, model.operator_id, key_column, *[getattr(model, f) for f in fields])
                .where(tuple_(model.operator_id, key_column).in_(chunk)))
        for row in session.execute(stmt):
            found[(row.operator_id, getattr(row, key_column.key))] = row
    return found


# --------------------------------------------------------------------------- authorizations


HEADER_FIELDS = ("protocol", "member_id", "provider_key", "provider_name", "requested_on", "decided_on", "status",
                 "valid_until", "validity_reference", "denial_reason", "denial_clause")


@dataclass
class _Guide:
    line: int
    header: dict
    items: list[dict]
    lines: list[int]


def _parse_authorization(cells: RowCells, ctx: _Context) -> tuple[tuple[int, str] | None, dict | None,
                                                                   dict | None]:
    cells.required(AUTHORIZATION.required)
    texts = cells.texts(AUTHORIZATION)
    protocol = cells.digits("protocol", lengths=PROTOCOL_LENGTHS, what="o protocolo", punctuation=frozenset())
    member = ctx.member(cells)
    requested = _date(cells, "requested_on", ctx.today, required=True)
    if member and requested and requested < member.inclusion:
        cells.add("requested_on", f"data anterior à inclusão do beneficiário no plano "
                                  f"({date_text(member.inclusion)})")
    status = _code(cells["status"])
    if status and status not in AUTHORIZATION_STATUSES:
        cells.add("status", "use em-analise, autorizada, negada, executada ou expirada")
    decided = _date(cells, "decided_on", ctx.today, required=status not in ("", "em-analise"))
    if decided and requested and decided < requested:
        cells.add("decided_on", "a decisão não pode ser anterior ao pedido")
    valid_until = cells.date("valid_until", required=False)
    validity_reference = None
    if valid_until is not None:
        if decided and valid_until < decided:
            cells.add("valid_until", "a validade termina antes da decisão")
    elif (not cells.has("valid_until") and member and decided and member.validity
          and status in ("autorizada", "executada", "expirada")):
        days, validity_reference = member.validity
        valid_until = decided + timedelta(days=days)
    denial_reason, denial_clause = texts["denial_reason"], texts["denial_clause"]
    if status == "negada":
        if not denial_reason and not cells.has("denial_reason"):
            cells.add("denial_reason", "guia negada: informe o motivo")
        if not denial_clause and not cells.has("denial_clause"):
            cells.add("denial_clause", "guia negada: informe a cláusula do contrato citada")
    elif denial_reason or denial_clause:
        cells.add("denial_reason" if denial_reason else "denial_clause", "motivo e cláusula só com a situação negada")
    procedure = ctx.procedure(cells)
    tooth, faces = _tooth_and_faces(cells, procedure)
    if cells.rejects:
        return None, None, None
    number = texts["authorization_number"]
    assert member and number and procedure and protocol
    header = {
        "protocol": protocol, "member_id": member.id, "provider_key": texts["provider_key"],
        "provider_name": texts["provider_name"], "requested_on": requested, "decided_on": decided, "status": status,
        "valid_until": valid_until, "validity_reference": validity_reference, "denial_reason": denial_reason,
        "denial_clause": denial_clause,
    }
    item = {"procedure_id": procedure.id, "operator_code": texts["operator_code"], "tooth": tooth,
            "faces": faces or None}
    return (member.operator_id, number), header, item


def _item_tuple(item) -> tuple:
    return (item["procedure_id"], item["operator_code"], item["tooth"], item["faces"])


def import_authorizations(session: Session, path: Path, *, today: date | None = None,
                          progress=lambda rows: rows) -> UpsertReport:
    """Import an authorization file (one row per procedure of a guia); see the module docstring."""
    today = today or clock.today()
    report = UpsertReport()
    file = AUTHORIZATION.read(path)
    # A guia goes in whole, and a line that could not be split into cells, or whose guia number
    # cannot be read, may be a procedure of any guia: none can be trusted whole.
    unknown_guia = file.unreadable + [problem for row in file.rows for problem in row.problems
                                      if problem.column == "authorization_number"]
    if unknown_guia:
        first = min(unknown_guia, key=lambda r: r.line)
        raise FatalImportError(
            f"linha {first.line}: {first.reason}; sem ler o número da guia dessa linha não dá para saber "
            f"se as outras guias estão completas (uma guia entra inteira ou não entra)"
            + (f"; {len(unknown_guia)} linhas assim" if len(unknown_guia) > 1 else ""))
    ctx = _Context(session, file.rows, today)
    guides: dict[tuple[int, str], _Guide] = {}
    failed: dict[tuple[int, str], int] = {}  # guias with a rejected row → that row's line
    failed_numbers: dict[str, int] = {}  # by number alone, for rows whose member is unknown
    for row in progress(file.rows):
        line, raw, cells = row.line, row.cells, RowCells(row)
        key, header, item = (None, None, None) if cells.rejects else _parse_authorization(cells, ctx)
        if key is None:
            report.rejects.extend(cells.rejects)
            failed_numbers.setdefault(cells["authorization_number"], line)
            continue
        guide = guides.get(key)
        if guide is None:
            guides[key] = _Guide(line=line, header=header, items=[item], lines=[line])
            continue
        if guide.header != header:
            columns = sorted(k for k in header if header[k] != guide.header[k] and k != "validity_reference")
            column = {"member_id": "card_number"}.get(columns[0], columns[0]) if columns else "authorization_number"
            report.rejects.append(Reject(line, column, shown(raw.get(column) or ""),
                                         f"dados da guia divergem da linha {guide.line}"))
            failed.setdefault(key, line)
            continue
        if any(_item_tuple(i) == _item_tuple(item) for i in guide.items):
            report.rejects.append(Reject(line, "procedure", item["procedure_id"],
                                         f"procedimento repetido na guia (já na linha {guide.lines[0]})"))
            failed.setdefault(key, line)
            continue
        guide.items.append(item)
        guide.lines.append(line)
    # A guia is imported whole or not at all.
    for key in list(guides):
        bad_line = failed.get(key) or failed_numbers.get(key[1])
        if bad_line is not None:
            guide = guides.pop(key)
            for line in guide.lines:
                report.rejects.append(Reject(line, "authorization_number", key[1],
                                             f"guia não importada: a linha {bad_line} tem erro"))
    report.close_reading(file, sum(len(g.items) for g in guides.values()))

    existing = _existing(session, Authorization, Authorization.number, list(guides), HEADER_FIELDS)
    items_of: dict[int, list[tuple]] = {}
    ids = [row.id for row in existing.values()]
    for chunk in _chunks(ids):
        for item in session.scalars(select(AuthorizationItem).where(AuthorizationItem.authorization_id.in_(chunk))
                                    .order_by(AuthorizationItem.authorization_id, AuthorizationItem.position)):
            items_of.setdefault(item.authorization_id, []).append(
                (item.procedure_id, item.operator_code, item.tooth, item.faces))
    now = clock.utcnow()
    for (operator_id, number), guide in guides.items():
        old = existing.get((operator_id, number))
        wanted_items = [_item_tuple(i) for i in guide.items]
        if old is None:
            auth_id = session.execute(
                insert(Authorization).values(operator_id=operator_id, number=number, **guide.header, updated_at=now)
                .returning(Authorization.id)).scalar_one()
            _write_items(session, auth_id, guide.items)
            report.created += 1
            continue
        header_changed = any(getattr(old, f) != guide.header[f] for f in HEADER_FIELDS)
        items_changed = items_of.get(old.id, []) != wanted_items
        if not (header_changed or items_changed):
            report.unchanged += 1
            continue
        session.execute(update(Authorization), [{"id": old.id, **guide.header, "updated_at": now}])
        if items_changed:
            session.execute(delete(AuthorizationItem).where(AuthorizationItem.authorization_id == old.id))
            _write_items(session, old.id, guide.items)
        report.updated += 1
    session.flush()
    return report


def _write_items(session: Session, authorization_id: int, items: list[dict]) -> None:
    session.execute(insert(AuthorizationItem), [
        {"authorization_id": authorization_id, "position": i, **item} for i, item in enumerate(items)])

