"""Import of an operator's usage file and authorization file (layouts in :mod:`.layout`).

The same conventions as the network import: every row is validated on its own and a bad row is
reported with line, column, value and a pt-BR reason while the good rows go in; problems of the
file as a whole (not UTF-8, unknown or missing columns, no data rows, no valid row) are fatal
and nothing is written.  Writing is an idempotent upsert by the operator's id (event id, guia
number) within the operator of the member: the same file twice changes nothing, and a changed
row updates only that record (``updated_at`` moves only then).  Nothing is deleted.

The caller owns the transaction: commit on success, roll back on any exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session, undefer

from ..core import clock
from ..core.documents import digits
from ..core.text import fold
from ..members.models import Member
from ..network.importer import FatalImportError, Reject, read_rows, write_rejects
from ..plans.models import Procedure, Product
from . import teeth
from .layout import (
    AUTHORIZATION_NAMES,
    AUTHORIZATION_REQUIRED,
    USAGE_NAMES,
    USAGE_REQUIRED,
)
from .models import (
    AUTHORIZATION_STATUSES,
    EVENT_SOURCES,
    EVENT_STATUSES,
    Authorization,
    AuthorizationItem,
    UsageEvent,
)

__all__ = ["FatalImportError", "ImportReport", "Reject", "import_authorizations", "import_usage", "write_rejects"]

BATCH = 1000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")
_VALIDITY = re.compile(r"validade (?:de |por )?(\d{1,3}) dias")
MAX_CENTS = 10_000_000_00


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejects})

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


# --------------------------------------------------------------------------- reading


class _RowErrors:
    def __init__(self, line: int, raw: dict):
        self.line, self.raw, self.items = line, raw, []

    def add(self, column: str, reason: str) -> None:
        self.items.append(Reject(self.line, column, (self.raw.get(column) or "")[:200], reason))

    def has(self, column: str) -> bool:
        return any(item.column == column for item in self.items)


def _clean(raw: dict, column: str) -> str:
    return " ".join((raw.get(column) or "").split())


def _date(raw: dict, column: str, errors: _RowErrors, today: date, required: bool) -> date | None:
    value = _clean(raw, column)
    if not value:
        if required:
            errors.add(column, "data obrigatória (AAAA-MM-DD)")
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        errors.add(column, "data inválida; use AAAA-MM-DD")
        return None
    if parsed > today:
        errors.add(column, "data no futuro")
        return None
    return parsed


def parse_money(value: str) -> int | None:
    """Centavos of ``"1234,5"`` / ``"1234.50"``; None when it is not an amount."""
    value = value.strip()
    if not _MONEY.match(value):
        return None
    try:
        cents = int((Decimal(value.replace(",", ".")) * 100).to_integral_value())
    except InvalidOperation:  # pragma: no cover - the pattern already rules it out
        return None
    return cents if cents <= MAX_CENTS else None


def _money(raw: dict, column: str, errors: _RowErrors) -> int | None:
    value = _clean(raw, column)
    if not value:
        return None
    cents = parse_money(value)
    if cents is None:
        errors.add(column, "valor inválido: use reais com ponto ou vírgula, ex.: 150,00")
    return cents


def _length(raw: dict, column: str, errors: _RowErrors, limit: int) -> str | None:
    value = _clean(raw, column)
    if len(value) > limit:
        errors.add(column, f"texto longo demais (máximo {limit} caracteres)")
    return value or None


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

    def __init__(self, session: Session, rows: list[tuple[int, dict]], today: date):
        self.today = today
        cards = {digits(raw.get("card_number") or "") for _, raw in rows} - {""}
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

    def member(self, raw: dict, errors: _RowErrors) -> _MemberInfo | None:
        card = digits(_clean(raw, "card_number"))
        if not card:
            return None  # already reported as a required column
        found = self.members.get(card)
        if found is None:
            errors.add("card_number", "beneficiário não encontrado (número da carteirinha)")
        return found

    def procedure(self, raw: dict, errors: _RowErrors) -> Procedure | None:
        value = _clean(raw, "procedure")
        if not value:
            return None
        found = self.procedures.get(value)
        if found is None:
            errors.add("procedure", "procedimento desconhecido no vocabulário")
        return found


def _tooth_and_faces(raw: dict, procedure: Procedure | None, errors: _RowErrors) -> tuple[int | None, str]:
    text = _clean(raw, "tooth")
    tooth = None
    if text:
        tooth = teeth.parse_tooth(text)
        if tooth is None:
            errors.add("tooth", "dente inválido: use a notação FDI de dois dígitos (11 a 48 permanentes, "
                                "51 a 85 decíduos)")
            return None, ""
    faces = ""
    face_text = _clean(raw, "faces")
    if face_text and tooth is not None:
        try:
            faces = teeth.parse_faces(face_text, tooth)
        except teeth.FaceError as exc:
            errors.add("faces", str(exc))
            return tooth, ""
    elif face_text:
        faces = face_text  # reported below: faces without a tooth
    if procedure is not None:
        rule = teeth.tooth_rule(procedure.id, procedure.name)
        for column, reason in rule.check(tooth, faces):
            errors.add(column, reason)
    return tooth, faces


def _required(raw: dict, required: frozenset[str], errors: _RowErrors) -> None:
    for column in sorted(required):
        if not _clean(raw, column):
            errors.add(column, "campo obrigatório vazio")


# --------------------------------------------------------------------------- usage


EVENT_FIELDS = ("member_id", "performed_on", "procedure_id", "operator_code", "tooth", "faces", "provider_key",
                "provider_name", "location_key", "authorization_number", "status", "status_reason", "source",
                "amount_cents", "copayment_cents", "reimbursed_cents")


def _parse_event(line: int, raw: dict, ctx: _Context) -> tuple[tuple[int, str] | None, dict | None, list[Reject]]:
    errors = _RowErrors(line, raw)
    _required(raw, USAGE_REQUIRED, errors)
    event_key = _length(raw, "event_id", errors, 60)
    member = ctx.member(raw, errors)
    performed_on = _date(raw, "performed_on", errors, ctx.today, required=True)
    if member and performed_on and performed_on < member.inclusion:
        errors.add("performed_on", f"data anterior à inclusão do beneficiário no plano "
                                   f"({member.inclusion.strftime('%d/%m/%Y')})")
    procedure = ctx.procedure(raw, errors)
    tooth, faces = _tooth_and_faces(raw, procedure, errors)

    status = _code(_clean(raw, "status"))
    if status and status not in EVENT_STATUSES:
        errors.add("status", "use realizado, glosado, negado ou reembolsado")
    reason = _length(raw, "status_reason", errors, 2000)
    if status in ("glosado", "negado") and not reason:
        errors.add("status_reason", f"informe o motivo ({status})")
    source = _code(_clean(raw, "source")) or "rede"
    if source not in EVENT_SOURCES:
        errors.add("source", "use rede ou reembolso")
    amount = _money(raw, "amount", errors)
    copayment = _money(raw, "copayment", errors)
    reimbursed = _money(raw, "reimbursed", errors)
    if status == "reembolsado":
        if source != "reembolso":
            errors.add("source", "evento reembolsado deve ter origem reembolso")
        if reimbursed is None and not errors.has("reimbursed"):
            errors.add("reimbursed", "informe o valor reembolsado")
    elif reimbursed is not None:
        errors.add("reimbursed", "valor reembolsado só com a situação reembolsado")
    for column, value in (("copayment", copayment), ("reimbursed", reimbursed)):
        if value is not None and amount is not None and value > amount:
            errors.add(column, "maior que o valor do procedimento")
    if copayment and member and member.copayment_applies is False:
        errors.add("copayment", f"o plano {member.product_name} não tem coparticipação, segundo o seu documento")

    values = {
        "operator_code": _length(raw, "operator_code", errors, 20),
        "provider_key": _length(raw, "provider_key", errors, 60),
        "provider_name": _length(raw, "provider_name", errors, 200),
        "location_key": _length(raw, "location_key", errors, 80),
        "authorization_number": _length(raw, "authorization_number", errors, 30),
    }
    if errors.items:
        return None, None, errors.items
    assert member and procedure and performed_on and event_key
    data = {
        "member_id": member.id, "performed_on": performed_on, "procedure_id": procedure.id, "tooth": tooth,
        "faces": faces or None, "status": status, "status_reason": reason, "source": source,
        "amount_cents": amount, "copayment_cents": copayment, "reimbursed_cents": reimbursed, **values,
    }
    return (member.operator_id, event_key), data, []


def import_usage(session: Session, path: Path, *, today: date | None = None,
                 progress=lambda rows: rows) -> ImportReport:
    """Import a usage file; see the module docstring."""
    today = today or clock.today()
    report = ImportReport()
    rows = read_rows(path, USAGE_NAMES, USAGE_REQUIRED)
    report.rows = len(rows)
    ctx = _Context(session, rows, today)
    parsed: dict[tuple[int, str], dict] = {}
    first_line: dict[tuple[int, str], int] = {}
    for line, raw in progress(rows):
        if raw.pop("__extra__", None):
            report.rejects.append(Reject(line, "", "", "a linha tem mais colunas que o cabeçalho"))
            continue
        key, data, rejects = _parse_event(line, raw, ctx)
        if key is None:
            report.rejects.extend(rejects)
            continue
        if key in parsed:
            report.rejects.append(Reject(line, "event_id", key[1], f"evento repetido (já na linha {first_line[key]})"))
            continue
        parsed[key], first_line[key] = data, line
    report.accepted = len(parsed)
    if not parsed:
        raise FatalImportError("nenhuma linha válida: nada foi importado")

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


def _parse_authorization(line: int, raw: dict, ctx: _Context) -> tuple[tuple[int, str] | None, dict | None,
                                                                        dict | None, list[Reject]]:
    errors = _RowErrors(line, raw)
    _required(raw, AUTHORIZATION_REQUIRED, errors)
    number = _length(raw, "authorization_number", errors, 30)
    protocol = _clean(raw, "protocol")
    if protocol and not (protocol.isdigit() and 10 <= len(protocol) <= 30):
        errors.add("protocol", "protocolo deve ter de 10 a 30 dígitos")
    member = ctx.member(raw, errors)
    requested = _date(raw, "requested_on", errors, ctx.today, required=True)
    if member and requested and requested < member.inclusion:
        errors.add("requested_on", f"data anterior à inclusão do beneficiário no plano "
                                   f"({member.inclusion.strftime('%d/%m/%Y')})")
    status = _code(_clean(raw, "status"))
    if status and status not in AUTHORIZATION_STATUSES:
        errors.add("status", "use em-analise, autorizada, negada, executada ou expirada")
    decided = _date(raw, "decided_on", errors, ctx.today, required=status not in ("", "em-analise"))
    if decided and requested and decided < requested:
        errors.add("decided_on", "a decisão não pode ser anterior ao pedido")
    valid_text = _clean(raw, "valid_until")
    valid_until, validity_reference = None, None
    if valid_text:
        try:
            if not _DATE.match(valid_text):
                raise ValueError
            valid_until = date.fromisoformat(valid_text)
        except ValueError:
            errors.add("valid_until", "data inválida; use AAAA-MM-DD")
        else:
            if decided and valid_until < decided:
                errors.add("valid_until", "a validade termina antes da decisão")
    elif member and decided and member.validity and status in ("autorizada", "executada", "expirada"):
        days, validity_reference = member.validity
        valid_until = decided + timedelta(days=days)
    denial_reason = _length(raw, "denial_reason", errors, 2000)
    denial_clause = _length(raw, "denial_clause", errors, 120)
    if status == "negada":
        if not denial_reason:
            errors.add("denial_reason", "guia negada: informe o motivo")
        if not denial_clause:
            errors.add("denial_clause", "guia negada: informe a cláusula do contrato citada")
    elif denial_reason or denial_clause:
        errors.add("denial_reason" if denial_reason else "denial_clause", "motivo e cláusula só com a situação negada")
    procedure = ctx.procedure(raw, errors)
    tooth, faces = _tooth_and_faces(raw, procedure, errors)
    provider_key = _length(raw, "provider_key", errors, 60)
    provider_name = _length(raw, "provider_name", errors, 200)
    operator_code = _length(raw, "operator_code", errors, 20)
    if errors.items:
        return None, None, None, errors.items
    assert member and number and procedure
    header = {
        "protocol": protocol, "member_id": member.id, "provider_key": provider_key, "provider_name": provider_name,
        "requested_on": requested, "decided_on": decided, "status": status, "valid_until": valid_until,
        "validity_reference": validity_reference, "denial_reason": denial_reason, "denial_clause": denial_clause,
    }
    item = {"procedure_id": procedure.id, "operator_code": operator_code, "tooth": tooth, "faces": faces or None}
    return (member.operator_id, number), header, item, []


def _item_tuple(item) -> tuple:
    return (item["procedure_id"], item["operator_code"], item["tooth"], item["faces"])


def import_authorizations(session: Session, path: Path, *, today: date | None = None,
                          progress=lambda rows: rows) -> ImportReport:
    """Import an authorization file (one row per procedure of a guia); see the module docstring."""
    today = today or clock.today()
    report = ImportReport()
    rows = read_rows(path, AUTHORIZATION_NAMES, AUTHORIZATION_REQUIRED)
    report.rows = len(rows)
    ctx = _Context(session, rows, today)
    guides: dict[tuple[int, str], _Guide] = {}
    failed: dict[tuple[int, str], int] = {}  # guias with a rejected row → that row's line
    failed_numbers: dict[str, int] = {}  # by number alone, for rows whose member is unknown
    for line, raw in progress(rows):
        number = _clean(raw, "authorization_number")
        if raw.pop("__extra__", None):
            report.rejects.append(Reject(line, "", "", "a linha tem mais colunas que o cabeçalho"))
            failed_numbers.setdefault(number, line)
            continue
        key, header, item, rejects = _parse_authorization(line, raw, ctx)
        if key is None:
            report.rejects.extend(rejects)
            failed_numbers.setdefault(number, line)
            continue
        guide = guides.get(key)
        if guide is None:
            guides[key] = _Guide(line=line, header=header, items=[item], lines=[line])
            continue
        if guide.header != header:
            columns = sorted(k for k in header if header[k] != guide.header[k] and k != "validity_reference")
            column = {"member_id": "card_number"}.get(columns[0], columns[0]) if columns else "authorization_number"
            report.rejects.append(Reject(line, column, (raw.get(column) or "")[:200],
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
    report.accepted = sum(len(g.items) for g in guides.values())
    if not guides:
        raise FatalImportError("nenhuma linha válida: nada foi importado")

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

