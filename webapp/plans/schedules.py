"""Waiting-period dates for a product and a family: when a procedure is free for each person,
every statement of the document with the moment it ends, and the inclusion date people type.

Plain functions over a SQLAlchemy session (the arithmetic itself is in ``waiting.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from .services import (
    CATEGORY_NAMES,
    exemption_effect,
    exemption_text,
    known_exemption,
    urgency_procedures,
    waiting_rules,
)
from .waiting import Availability, Rule, add_period, availability, inclusion_moment

def procedure_categories(session: Session, product: models.Product, procedure_id: str) -> set[str]:
    """Categories the product lists *procedure_id* under, plus its vocabulary category, plus
    "urgencia" when the product's document names it as urgency care."""
    cats = {pp.category for pp in product.procedures if pp.procedure_id == procedure_id}
    vocab = session.get(models.Procedure, procedure_id)
    if vocab is not None:
        cats.add(vocab.category)
    if procedure_id in urgency_procedures(product):
        cats.add("urgencia")
    return cats


class UnknownProcedure(LookupError):
    pass


def procedure_availability(
    session: Session,
    product: models.Product,
    procedure_id: str,
    inclusion: date | datetime,
    *,
    exemption: str | None = None,
    holder_inclusion: date | datetime | None = None,
) -> Availability:
    """When a member of *product* included at *inclusion* may have *procedure_id* done."""
    if session.get(models.Procedure, procedure_id) is None:
        raise UnknownProcedure(procedure_id)
    return availability(
        waiting_rules(product), procedure_id, procedure_categories(session, product, procedure_id),
        inclusion, exemption=exemption_effect(product, exemption), holder_inclusion=holder_inclusion,
    )


@dataclass(frozen=True)
class PersonAvailability:
    """When a procedure (or a waiting-period statement) is free for one family member."""

    person: object  # anything with name, relationship, inclusion_at, exemption, holder_inclusion_at
    availability: Availability

    def free(self, now: datetime) -> bool | None:
        return self.availability.is_available(now)


def family_availability(
    session: Session, product: models.Product, procedure_id: str, family
) -> list[PersonAvailability]:
    """*procedure_id*'s availability for each person of *family* (signed-in member first)."""
    return [
        PersonAvailability(person=person, availability=procedure_availability(
            session, product, procedure_id, person.inclusion_at,
            exemption=known_exemption(product, person.exemption),
            holder_inclusion=person.holder_inclusion_at,
        ))
        for person in family
    ]


@dataclass(frozen=True)
class ScheduleRow:
    """One waiting-period statement of the document and the moment it ends."""

    label: str  # the document's wording for the procedure or group
    group: str | None  # the document's table heading, or the categories it names; None: all
    rule: Rule
    available_at: datetime  # America/Sao_Paulo

    def free(self, now: datetime) -> bool:
        return now >= self.available_at


def statement_group(rule: Rule, session: Session | None = None) -> str | None:
    """The group a statement belongs to: the document's heading, else the categories it names,
    else (named procedures) their vocabulary category; None when it applies to everything."""
    if rule.section:
        return rule.section
    if rule.categories:
        return ", ".join(CATEGORY_NAMES[c] for c in sorted(rule.categories, key=_category_order))
    if rule.procedures and session is not None:
        cats = {p.category for p in session.scalars(
            select(models.Procedure).where(models.Procedure.id.in_(sorted(rule.procedures))))}
        if cats:
            return ", ".join(CATEGORY_NAMES[c] for c in sorted(cats, key=_category_order))
    return None


def _category_order(category: str) -> int:
    return list(CATEGORY_NAMES).index(category)


def waiting_schedule(
    product: models.Product,
    inclusion: date | datetime,
    *,
    exemption: str | None = None,
    holder_inclusion: date | datetime | None = None,
    session: Session | None = None,
) -> list[ScheduleRow]:
    """Every waiting-period statement of *product* with the moment it ends for a member
    included at *inclusion* (00:00 America/Sao_Paulo for a bare date), in document order.

    *exemption* is the code of an exemption of the product the member holds.
    """
    effect = exemption_effect(product, exemption)
    start = inclusion_moment(inclusion)
    if effect == "count_from_holder":
        if holder_inclusion is None:
            raise ValueError("count_from_holder needs the holder's inclusion")
        start = inclusion_moment(holder_inclusion)
    rows = []
    for rule in waiting_rules(product):
        at = start if effect == "waive_all" else add_period(start, rule)
        rows.append(ScheduleRow(label=rule.label, group=statement_group(rule, session), rule=rule, available_at=at))
    return rows


@dataclass
class ScheduleGroup:
    group: str | None
    rows: list[ScheduleRow]


def group_schedule(rows: list[ScheduleRow]) -> list[ScheduleGroup]:
    """Consecutive rows under the same heading, as the document's tables present them."""
    groups: list[ScheduleGroup] = []
    for row in rows:
        if not groups or groups[-1].group != row.group:
            groups.append(ScheduleGroup(group=row.group, rows=[]))
        groups[-1].rows.append(row)
    return groups


@dataclass
class PersonSchedule:
    person: object
    exemption_text: str | None
    exemption_effect: str | None  # "waive_all" or "count_from_holder"
    rows: list[ScheduleRow]

    @property
    def exemption_note(self) -> str | None:
        if self.exemption_text is None:
            return None
        lead = "Sem carência" if self.exemption_effect == "waive_all" else "Carências contadas da inclusão do titular"
        return f"{lead}: {self.exemption_text}"

    @property
    def groups(self) -> list[ScheduleGroup]:
        return group_schedule(self.rows)


def family_schedules(product: models.Product, family, session: Session | None = None) -> list[PersonSchedule]:
    """Each family member's own waiting-period dates (signed-in member first)."""
    out = []
    for person in family:
        code = known_exemption(product, person.exemption)
        out.append(PersonSchedule(
            person=person, exemption_text=exemption_text(product, code), exemption_effect=exemption_effect(product, code),
            rows=waiting_schedule(product, person.inclusion_at, exemption=code,
                                  holder_inclusion=person.holder_inclusion_at, session=session),
        ))
    return out


MIN_YEAR, MAX_YEAR = 1900, 2100

# ASCII digits only, matched whole: \d would also take '٣' and '３' (and $ a trailing newline).
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_BR_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


class InvalidInclusion(ValueError):
    """An inclusion date that cannot be used; the message is pt-BR, for the member."""


def parse_inclusion(raw: str | None, *, allow_br: bool = True) -> date:
    """An inclusion date from ``AAAA-MM-DD`` (what a date input sends) or, when *allow_br*,
    ``dd/mm/aaaa`` (what people type); :class:`InvalidInclusion` otherwise."""
    value = (raw or "").strip()
    if not value:
        raise InvalidInclusion("Informe a data de inclusão no plano.")
    iso, br = _ISO_DATE.fullmatch(value), _BR_DATE.fullmatch(value) if allow_br else None
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif br:
        day, month, year = (int(g) for g in br.groups())
    else:
        example = "AAAA-MM-DD, por exemplo 2026-01-10" + (" (ou 10/01/2026)" if allow_br else "")
        raise InvalidInclusion(f"Data de inclusão inválida: use o formato {example}.")
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InvalidInclusion(f"A data {day:02d}/{month:02d}/{year} não existe. Confira o dia e o mês.") from None
    if not (MIN_YEAR <= parsed.year <= MAX_YEAR):
        raise InvalidInclusion(f"Use uma data de inclusão entre {MIN_YEAR} e {MAX_YEAR}.")
    return parsed
