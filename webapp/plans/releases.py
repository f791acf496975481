"""A family's own waiting periods as a timeline: for each person, every statement of the
document's waiting-period table named, the pending ones by the moment they end, the ended ones
apart.  Plain functions over the schedules of ``schedules.py`` (no Flask, no database).

A statement the document repeats under two headings with the same period (LEVE's table lists
"Pulpotomia" under Urgência and Odontopediatria; "Tratamento de alveolite" under Urgência and,
worded "Tratamento da alveolite", under Cirurgia) is one item here, in its first wording, with
both headings: rows that name the same procedures and end together are the same item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import models
from .schedules import PersonSchedule, family_schedules
from .waiting import Rule


@dataclass(frozen=True)
class ReleaseItem:
    """One waiting-period statement of the document for one person."""

    label: str  # the document's wording
    sections: tuple[str, ...]  # the document's table headings it is listed under, if any
    rule: Rule
    available_at: datetime  # America/Sao_Paulo


@dataclass(frozen=True)
class ReleaseDate:
    """The statements that end at the same moment."""

    available_at: datetime
    items: tuple[ReleaseItem, ...]  # in document order

    @property
    def rules(self) -> tuple[Rule, ...]:
        """One statement per distinct period (e.g. 24 hours and 1 day may end together)."""
        return tuple({(i.rule.hours, i.rule.days): i.rule for i in self.items}.values())


@dataclass
class PersonReleases:
    person: object  # a FamilyMember (name, relationship, inclusion_at, ...)
    schedule: PersonSchedule
    pending: list[ReleaseDate] = field(default_factory=list)  # soonest first
    released: list[ReleaseItem] = field(default_factory=list)  # soonest first, then document order

    @property
    def exemption_note(self) -> str | None:
        return self.schedule.exemption_note

    @property
    def pending_count(self) -> int:
        return sum(len(d.items) for d in self.pending)

    @property
    def last_release(self) -> datetime | None:
        """When the person's last waiting period ends (None: no statement at all)."""
        moments = [d.available_at for d in self.pending] or [i.available_at for i in self.released]
        return max(moments) if moments else None


def merge_repeated(schedule: PersonSchedule) -> list[ReleaseItem]:
    """The person's statements, one item per thing named (the procedures a row names, else its
    wording) and end, in its first wording, with every heading it is under."""
    items: dict[tuple[object, datetime], ReleaseItem] = {}
    for row in schedule.rows:
        key = (row.rule.procedures or row.label, row.available_at)
        known = items.get(key)
        sections = (known.sections if known else ()) + ((row.rule.section,) if row.rule.section else ())
        first = known or row
        items[key] = ReleaseItem(label=first.label, sections=tuple(dict.fromkeys(sections)),
                                 rule=first.rule, available_at=row.available_at)
    return list(items.values())


def person_releases(schedule: PersonSchedule, now: datetime) -> PersonReleases:
    """*schedule* split at *now*: what is still running, by end, and what has ended."""
    items = merge_repeated(schedule)
    # sorted() is stable: items ending together keep the document's order.
    pending = sorted((i for i in items if now < i.available_at), key=lambda i: i.available_at)
    released = sorted((i for i in items if now >= i.available_at), key=lambda i: i.available_at)
    dates: list[ReleaseDate] = []
    for item in pending:
        if dates and dates[-1].available_at == item.available_at:
            dates[-1] = ReleaseDate(available_at=item.available_at, items=dates[-1].items + (item,))
        else:
            dates.append(ReleaseDate(available_at=item.available_at, items=(item,)))
    return PersonReleases(person=schedule.person, schedule=schedule, pending=dates, released=released)


def family_releases(product: models.Product, family, now: datetime) -> list[PersonReleases]:
    """Each person of *family* (the signed-in member first) with their own timeline at *now*."""
    return [person_releases(schedule, now) for schedule in family_schedules(product, family)]
