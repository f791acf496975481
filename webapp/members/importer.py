"""Import of an operator's member file (layout in :mod:`.layout`).

The same conventions as the other imports (:mod:`webapp.core.imports`): every line is read and
checked on its own and a bad row is reported with line, column, value and a pt-BR reason while
the good rows go in; problems of the file as a whole (not UTF-8, unknown or missing columns, no
data, no valid row) are fatal and nothing is written.  Writing is an idempotent upsert by card
number (unique across operators: a card of another operator's member rejects its row); the same
file twice changes nothing, and ``updated_at`` moves only for a row that changed.  Holders are
written before their dependants whatever the order of the lines; a dependant names its holder's
card number, and a holder that is neither in the file nor already imported rejects the row.

Product rules come from the catalog: a product whose document admits no dependants refuses them
(``enrolment.dependants``), and a dependant's age past the limit its document states
(``dependants.rules``: ``under_age``, ``student_under_age``), or a kinship the document does not
list, is reported as a warning — the operator's file is the record, the document may allow
exceptions ("salvo se expressamente estabelecido de forma diversa na proposta").

With ``full=True`` the file is the whole member base of the operators it names: members of those
operators missing from it become ``cancelado`` today — only when no line was rejected (a rejected
line may be the very person who would be cancelled), and never more than
:data:`MAX_CANCEL_SHARE` of an operator's current members unless the caller confirms the exact
number (:class:`CancellationsNotConfirmed`).

Imports run one at a time: on SQLite the transaction holds the write lock from the start, on
PostgreSQL an advisory lock, taken before the first read.  The caller owns the transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload, undefer

from ..core import clock
from ..core.documents import cpf_valid
from ..core.formatting import data, percent
from ..core.imports.cells import RowCells, code_digits, parse_phone
from ..core.imports.columns import column_length
from ..core.imports.reading import FatalImportError, Reject
from ..core.imports.report import ImportReport
from ..core.text import fold
from ..db import one_at_a_time
from ..geo import municipalities
from ..plans.models import Product
from ..plans.services import RELATIONSHIP_NAMES, kinship_name
from .layout import MEMBERS
from .models import Member

BATCH = 1000
#: A full file may cancel at most this share of an operator's current members without the caller
#: stating the number: a truncated export must not cancel a member base in one run.
MAX_CANCEL_SHARE = 0.05
#: Under this age a CPF is optional (a child, ECA art. 2º: "até doze anos de idade incompletos").
CPF_REQUIRED_FROM_AGE = 12
CARD_LENGTHS = range(1, column_length(Member.card_number) + 1)
STATUSES = ("ativo", "suspenso", "cancelado")
KINSHIPS = frozenset(RELATIONSHIP_NAMES)
HOLDER = "titular"
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
# The shape of an address: something@domain.tld, no blanks, no second @ (delivery is the mail's business).
_EMAIL = re.compile(r"[^@\s]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")

#: Member columns the file sets; ``holder_id`` is resolved from ``holder_card_number``.
FIELDS = ("product_id", "kinship", "name", "cpf", "birth_date", "sex", "cns", "contract_number", "contracting_date",
          "inclusion_at", "exemption", "status", "cancelled_on", "phone", "email")


class CancellationsNotConfirmed(FatalImportError):
    """A clean full file would cancel more than :data:`MAX_CANCEL_SHARE` of an operator's current
    members, or the confirmed number is not the number the file makes; nothing was written."""

    def __init__(self, total: int, shares: list[tuple[str, int, int]], confirmed: int | None):
        self.total = total
        detail = "; ".join(f"{name}: {n} de {current} ({percent(n / current)})" for name, n, current in shares)
        if confirmed is None:
            message = (f"o arquivo cancelaria {total} beneficiários, mais de {percent(MAX_CANCEL_SHARE)} dos "
                       f"beneficiários de uma operadora ({detail}); confirme o número de cancelamentos")
        else:
            message = (f"o número de cancelamentos confirmado ({confirmed}) não confere: o arquivo cancelaria "
                       f"{total} beneficiários ({detail or 'nenhum'})")
        super().__init__(message)



@dataclass
class MemberReport(ImportReport):
    """Lines read, accepted and rejected, the warnings (:class:`ImportReport`), and what was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    # A full file with a rejected line cancels nobody: how many would have been cancelled.
    full_blocked: bool = False
    cancellations_kept: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.cancelled)


@dataclass(frozen=True)
class _Product:
    id: int
    slug: str
    name: str
    operator_id: int
    operator_name: str
    admits_dependants: bool
    enrolment_reference: str
    dependants: dict | None  # the document's ``dependants`` section (rules, reference), when it has one
    exemptions: frozenset[str]


@dataclass
class _Row:
    """One valid line, ready to be written once its holder is known."""

    line: int
    card: str
    holder_card: str | None  # None: a holder
    product: _Product
    data: dict
    holder_id: int | None = field(default=None)


def age_on(birth: date, day: date) -> int:
    """Whole years from *birth* to *day* (a 29 February birthday comes on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def email_shape(value: str) -> bool:
    return len(value) <= column_length(Member.email) and bool(_EMAIL.fullmatch(value))


def _code(value: str) -> str:
    """``"Cônjuge"`` → ``"conjuge"``; ``"menor sob guarda"`` → ``"menor-sob-guarda"``."""
    return fold(value).replace(" ", "-")


def _products(session: Session) -> dict[str, _Product]:
    products = {}
    for p in session.scalars(select(Product).options(undefer(Product.document), selectinload(Product.operator),
                                                     selectinload(Product.exemptions))):
        enrolment = p.document["enrolment"]
        products[p.slug] = _Product(
            id=p.id, slug=p.slug, name=p.name, operator_id=p.operator_id, operator_name=p.operator.name,
            admits_dependants=bool(enrolment["dependants"]), enrolment_reference=enrolment["reference"],
            dependants=p.document.get("dependants") or None, exemptions=frozenset(e.code for e in p.exemptions))
    return products


class _Context:
    """What validation needs from the database, loaded once per file."""

    def __init__(self, session: Session, rows, today: date):
        self.today = today
        self.products = _products(session)
        self.by_product_id = {p.id: p for p in self.products.values()}
        self.ddds = frozenset(m.ddd for m in municipalities.all_municipalities())
        cards, cpfs = set(), set()
        for row in rows:
            for column in ("card_number", "holder_card_number"):
                if card := code_digits(row.cells.get(column) or "", CARD_LENGTHS):
                    cards.add(card)
            if cpf := code_digits(row.cells.get("cpf") or "", (11,)):
                cpfs.add(cpf)
        columns = (Member.id, Member.card_number, Member.holder_id, *[getattr(Member, f) for f in FIELDS])
        self.members: dict[str, object] = {}  # card → row
        self.cpf_owner: dict[str, str] = {}  # CPF → card of the member holding it
        for chunk in _chunks(sorted(cards)):
            for m in session.execute(select(*columns).where(Member.card_number.in_(chunk))):
                self.members[m.card_number] = m
        for chunk in _chunks(sorted(cpfs)):
            for cpf, card in session.execute(select(Member.cpf, Member.card_number).where(Member.cpf.in_(chunk))):
                self.cpf_owner[cpf] = card
        # Existing holders that have dependants (a holder the file makes a dependant must have none).
        ids = [m.id for m in self.members.values()]
        self.with_dependants: set[int] = set()
        for chunk in _chunks(ids):
            self.with_dependants.update(session.scalars(
                select(Member.holder_id).where(Member.holder_id.in_(chunk)).distinct()))


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --------------------------------------------------------------------------- one line


def _parse(cells: RowCells, ctx: _Context) -> tuple[_Row | None, list[Reject]]:
    """The row of a line on its own (no other line consulted), and its warnings."""
    cells.required(MEMBERS.required)
    texts = cells.texts(MEMBERS)
    card = cells.digits("card_number", lengths=CARD_LENGTHS, what="o número da carteirinha")
    holder_card = cells.digits("holder_card_number", lengths=CARD_LENGTHS, what="a carteirinha do titular")
    if holder_card is not None and holder_card == card:
        holder_card = None

    kinship = _code(cells["kinship"])
    if cells["kinship"] and kinship not in KINSHIPS:
        cells.add("kinship", "vínculo desconhecido: use titular, conjuge, companheiro, filho, enteado, "
                             "menor-sob-guarda, tutelado, filho-invalido, pai-mae, sogro-sogra, neto, irmao ou avo")
    elif kinship == HOLDER and holder_card is not None:
        cells.add("holder_card_number", "titular não tem carteirinha de titular: deixe vazio")
    elif kinship and kinship != HOLDER and holder_card is None and not cells.has("holder_card_number"):
        cells.add("holder_card_number", "dependente sem a carteirinha do titular")

    birth = cells.date("birth_date", required=False)  # an empty one is reported by required()
    if birth is not None and birth > ctx.today:
        cells.add("birth_date", "data de nascimento no futuro")
        birth = None
    age = age_on(birth, ctx.today) if birth else None

    cpf = cells.digits("cpf", lengths=(11,), what="o CPF")
    if cpf is not None and not cpf_valid(cpf):
        cells.add("cpf", "CPF inválido (dígitos verificadores não conferem)")
    elif cpf is None and not cells["cpf"] and age is not None and age >= CPF_REQUIRED_FROM_AGE:
        cells.add("cpf", f"CPF obrigatório a partir de {CPF_REQUIRED_FROM_AGE} anos ({age} anos)")
    elif cpf is not None and card is not None and ctx.cpf_owner.get(cpf, card) != card:
        cells.add("cpf", "CPF já cadastrado em outro beneficiário")

    sex = {"f": "F", "m": "M", "": None}.get(fold(cells["sex"]), "?")
    if sex == "?":
        cells.add("sex", "use F ou M (ou deixe vazio)")
    cns = cells.digits("cns", lengths=(15,), what="o CNS", punctuation=frozenset(" "))

    product = ctx.products.get(cells["product"]) if cells["product"] else None
    if cells["product"] and product is None:
        cells.add("product", "plano desconhecido no catálogo")

    contracting = cells.date("contracting_date", required=False)
    inclusion = cells.date("inclusion_date", required=False)
    if contracting and inclusion and inclusion < contracting:
        cells.add("inclusion_date", f"inclusão anterior à data de contratação ({data(contracting)})")
    if birth and inclusion and inclusion < birth:
        cells.add("inclusion_date", "inclusão anterior ao nascimento")
    at = time(0, 0)
    if cells["inclusion_time"]:
        match = _TIME.fullmatch(cells["inclusion_time"])
        if match is None:
            cells.add("inclusion_time", "hora inválida: use HH:MM, de 00:00 a 23:59")
        else:
            at = time(int(match.group(1)), int(match.group(2)))

    exemption = cells["exemption"] or None
    if exemption and product and exemption not in product.exemptions:
        known = ", ".join(sorted(product.exemptions)) or "nenhuma"
        cells.add("exemption", f"isenção de carência desconhecida para {product.name} (conhecidas: {known})")

    status = _code(cells["status"]) or "ativo"
    if status not in STATUSES:
        cells.add("status", "use ativo, suspenso ou cancelado")
    cancelled_on = cells.date("cancelled_on", required=status == "cancelado")
    if cancelled_on is not None:
        if status != "cancelado":
            cells.add("cancelled_on", "data de cancelamento só com a situação cancelado")
        elif cancelled_on > ctx.today:
            cells.add("cancelled_on", "data de cancelamento no futuro")
        elif inclusion and cancelled_on < inclusion:
            cells.add("cancelled_on", "cancelamento anterior à inclusão")

    phone = None
    if cells["phone"]:
        phone = parse_phone(cells["phone"], ctx.ddds, mobile_only=True)
        if phone is None:
            cells.add("phone", "celular inválido: use DDD e número, ex.: (21) 99999-8888")
    email = texts["email"]
    if email and not email_shape(email):
        cells.add("email", "e-mail inválido: use nome@dominio.com.br")

    existing = ctx.members.get(card) if card else None
    if existing is not None and product is not None:
        owner = ctx.by_product_id[existing.product_id]
        if owner.operator_id != product.operator_id:
            cells.add("card_number", f"carteirinha já cadastrada em um beneficiário de outra operadora "
                                     f"({owner.operator_name})")
    warnings: list[Reject] = []
    if product is not None and kinship not in ("", HOLDER) and kinship in KINSHIPS:
        if not product.admits_dependants:
            cells.add("kinship", f"{product.name} não admite dependentes ({product.enrolment_reference})")
        elif age is not None:
            warnings.extend(_dependant_warnings(cells, product, kinship, sex if sex != "?" else None, age))

    if cells.rejects:
        return None, []
    assert card and product and birth and contracting and inclusion
    row = _Row(line=cells.line, card=card, holder_card=holder_card, product=product, data={
        "product_id": product.id, "kinship": kinship, "name": texts["name"], "cpf": cpf, "birth_date": birth,
        "sex": sex, "cns": cns, "contract_number": texts["contract_number"], "contracting_date": contracting,
        "inclusion_at": datetime.combine(inclusion, at, tzinfo=clock.TIMEZONE), "exemption": exemption,
        "status": status, "cancelled_on": cancelled_on, "phone": phone, "email": email,
    })
    return row, warnings


def _dependant_warnings(cells: RowCells, product: _Product, kinship: str, sex: str | None,
                        age: int) -> list[Reject]:
    """What the product's document says on this dependant that the file contradicts: an age past
    its limit, or a kinship it does not list. Reported, never applied."""
    section = product.dependants
    if not section or not section.get("rules"):
        return []  # the document does not say who may be a dependant
    reference = f" ({section['reference']})" if section.get("reference") else ""
    rule = next((r for r in section["rules"] if r["relationship"] == kinship), None)
    name = kinship_name(kinship, sex)
    if rule is None:
        return [Reject(cells.line, "kinship", cells["kinship"],
                       f"{product.name} não lista “{name}” entre os dependentes{reference}")]
    limit, student = rule.get("under_age"), rule.get("student_under_age")
    if limit is None or age < limit:
        return []
    if student is not None and age < student:
        reason = (f"{age} anos: {product.name} admite {name} menor de {limit} anos, ou de {student} se "
                  f"universitário{reference}; confira a matrícula")
    else:
        reason = f"{age} anos: {product.name} admite {name} menor de {limit} anos{reference}"
    return [Reject(cells.line, "birth_date", cells["birth_date"], reason)]


# --------------------------------------------------------------------------- the file


def import_members(session: Session, path: Path, *, full: bool = False, today: date | None = None,
                   confirm_cancellations: int | None = None,
                   progress: Callable[[Iterable], Iterable] = lambda rows: rows) -> MemberReport:
    """Import the member file at *path*; see the module docstring. *confirm_cancellations* is the
    number of members the caller expects a full file to cancel."""
    one_at_a_time(session, "member-import")  # before the first read
    today = today or clock.today()
    report = MemberReport()
    file = MEMBERS.read(path)
    report.rejects.extend(file.unreadable)
    ctx = _Context(session, file.rows, today)
    rows: dict[str, _Row] = {}
    rejected_cards: dict[str, int] = {}  # card → line of a rejected row with that card
    cpf_line: dict[str, int] = {}
    operators_named: set[int] = set()
    for row in progress(file.rows):
        cells = RowCells(row)
        parsed, warnings = (None, []) if cells.rejects else _parse(cells, ctx)
        if (product := ctx.products.get(cells["product"])) is not None:
            operators_named.add(product.operator_id)
        if parsed is None:
            report.rejects.extend(cells.rejects)
            if card := code_digits(cells["card_number"], CARD_LENGTHS):
                rejected_cards.setdefault(card, row.line)
            continue
        if parsed.card in rows:
            report.rejects.append(Reject(row.line, "card_number", cells["card_number"],
                                         f"carteirinha repetida (já na linha {rows[parsed.card].line})"))
            continue
        cpf = parsed.data["cpf"]
        if cpf is not None and cpf in cpf_line:
            report.rejects.append(Reject(row.line, "cpf", cells["cpf"], f"CPF repetido (já na linha {cpf_line[cpf]})"))
            continue
        if cpf is not None:
            cpf_line[cpf] = row.line
        rows[parsed.card] = parsed
        report.warnings.extend(warnings)

    _link_holders(rows, rejected_cards, ctx, report)
    report.warnings.sort(key=lambda r: r.line)
    report.close_reading(file, len(rows))

    cancellations = _cancellations(session, rows, operators_named, ctx, report, confirm_cancellations) if full else []
    _write(session, rows, ctx, report)
    now = clock.utcnow()
    for chunk in _chunks(cancellations):
        session.execute(update(Member), [{"id": member_id, "status": "cancelado", "cancelled_on": today,
                                          "updated_at": now} for member_id in chunk])
    report.cancelled = len(cancellations)
    session.flush()
    return report


def _link_holders(rows: dict[str, _Row], rejected_cards: dict[str, int], ctx: _Context, report: MemberReport) -> None:
    """Each dependant's holder, in the file or already imported, in the same product; a
    dependant without one is rejected."""
    for card, row in list(rows.items()):
        old = ctx.members.get(card)
        if row.holder_card is None:
            continue
        if old is not None and old.holder_id is None and old.id in ctx.with_dependants:
            _reject(rows, report, row, "kinship", row.data["kinship"],
                    "este beneficiário é titular de outros: passe os dependentes para outro titular antes")
            continue
        in_file = rows.get(row.holder_card)
        in_db = ctx.members.get(row.holder_card)
        if in_file is not None:
            if in_file.holder_card is not None:
                _reject(rows, report, row, "holder_card_number", row.holder_card,
                        f"a carteirinha informada é de um dependente (linha {in_file.line}), não de um titular")
                continue
            holder_product, holder_status = in_file.product, in_file.data["status"]
        elif in_db is not None:
            if in_db.holder_id is not None:
                _reject(rows, report, row, "holder_card_number", row.holder_card,
                        "a carteirinha informada é de um dependente, não de um titular")
                continue
            holder_product, holder_status = ctx.by_product_id[in_db.product_id], in_db.status
            row.holder_id = in_db.id
        else:
            line = rejected_cards.get(row.holder_card)
            reason = (f"titular rejeitado na linha {line}" if line else
                      "titular não encontrado: nem neste arquivo nem já importado")
            _reject(rows, report, row, "holder_card_number", row.holder_card, reason)
            continue
        if holder_product.id != row.product.id:
            _reject(rows, report, row, "product", row.product.slug,
                    f"o dependente fica no plano do titular ({holder_product.slug})")
            continue
        if holder_status == "cancelado" and row.data["status"] != "cancelado":
            report.warnings.append(Reject(row.line, "status", row.data["status"],
                                          "titular cancelado e dependente não cancelado"))


def _reject(rows: dict[str, _Row], report: MemberReport, row: _Row, column: str, value: str, reason: str) -> None:
    del rows[row.card]
    report.rejects.append(Reject(row.line, column, value, reason))
    report.warnings[:] = [w for w in report.warnings if w.line != row.line]


def _cancellations(session: Session, rows: dict[str, _Row], operators: set[int], ctx: _Context,
                   report: MemberReport, confirmed: int | None) -> list[int]:
    """Ids of the members of *operators* a full file leaves out (not cancelled yet); refused past
    the share unless confirmed, and none at all when a line was rejected."""
    product_ids = [p.id for p in ctx.products.values() if p.operator_id in operators]
    current = session.execute(select(Member.id, Member.card_number, Member.product_id)
                              .where(Member.product_id.in_(product_ids), Member.status != "cancelado")).all()
    missing = [m for m in current if m.card_number not in rows]
    if report.rejects:
        report.full_blocked, report.cancellations_kept = True, len(missing)
        return []
    by_operator: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for m in current:
        by_operator[ctx.by_product_id[m.product_id].operator_id][1] += 1
    for m in missing:
        by_operator[ctx.by_product_id[m.product_id].operator_id][0] += 1
    names = {p.operator_id: p.operator_name for p in ctx.products.values()}
    shares = sorted((names[op], n, total) for op, (n, total) in by_operator.items() if n)
    if confirmed is not None:
        if confirmed != len(missing):
            raise CancellationsNotConfirmed(len(missing), shares, confirmed)
    elif any(n > MAX_CANCEL_SHARE * total for _name, n, total in shares):
        raise CancellationsNotConfirmed(len(missing), [s for s in shares if s[1] > MAX_CANCEL_SHARE * s[2]], None)
    return [m.id for m in missing]


def _write(session: Session, rows: dict[str, _Row], ctx: _Context, report: MemberReport) -> None:
    """Holders first (their ids are the dependants' ``holder_id``), then dependants."""
    now = clock.utcnow()
    ids = {card: m.id for card, m in ctx.members.items()}
    holders = [r for r in rows.values() if r.holder_card is None]
    dependants = [r for r in rows.values() if r.holder_card is not None]
    for group in (holders, dependants):
        new, changed = [], []
        for row in group:
            holder_id = None if row.holder_card is None else ids[row.holder_card]
            values = {**row.data, "holder_id": holder_id}
            old = ctx.members.get(row.card)
            if old is None:
                new.append({"card_number": row.card, **values, "updated_at": now})
            elif old.holder_id != holder_id or any(getattr(old, f) != values[f] for f in FIELDS):
                changed.append({"id": old.id, **values, "updated_at": now})
            else:
                report.unchanged += 1
        for chunk in _chunks(new):
            result = session.execute(insert(Member).returning(Member.id, Member.card_number,
                                                              sort_by_parameter_order=True), chunk)
            ids.update({card: member_id for member_id, card in result})
        for chunk in _chunks(changed):
            session.execute(update(Member), chunk)
        report.created += len(new)
        report.updated += len(changed)
