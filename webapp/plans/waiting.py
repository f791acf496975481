"""Waiting-period (carência) arithmetic — plain functions, no database, no Flask.

A period runs from the member's inclusion moment: N hours later (elapsed time) or N days
later (same wall-clock time N calendar days on, in America/Sao_Paulo).  When only a date is
known the moment is 00:00 of that date in America/Sao_Paulo, so "included 10/01/2026 with 60
days" is available from 11/03/2026 00:00: the inclusion day is day 1 and day 60 is 10/03 (the
README's decision "Counting waiting periods" weighs Código Civil art. 132 against this).

Which statement applies to a procedure: one that names the procedure; otherwise one that names
a category the product lists it under (or its vocabulary category); otherwise a statement for
"all procedures"; otherwise the document does not say, and we say so instead of guessing.  When
two statements at the same level match (a procedure the document lists under two headings), the
shorter period is taken: contracts are read in the member's favour (CDC art. 47), and in the
documents encoded so far such duplicates agree anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..core.clock import TIMEZONE


@dataclass(frozen=True)
class Rule:
    label: str
    hours: int | None = None
    days: int | None = None
    applies_to_all: bool = False
    categories: frozenset[str] = frozenset()
    procedures: frozenset[str] = frozenset()
    section: str | None = None

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.days is None):
            raise ValueError("a rule has exactly one of hours or days")

    @property
    def duration(self) -> timedelta:
        """For ordering only (days compared as 24 h)."""
        return timedelta(hours=self.hours) if self.hours is not None else timedelta(days=self.days)

    @property
    def is_zero(self) -> bool:
        return (self.hours or self.days or 0) == 0


@dataclass(frozen=True)
class Availability:
    rule: Rule | None  # None: the document states no period for this procedure
    available_at: datetime | None  # in America/Sao_Paulo; None when not stated
    exempt: bool = False

    @property
    def stated(self) -> bool:
        return self.rule is not None or self.exempt

    def is_available(self, now: datetime) -> bool | None:
        if self.available_at is None:
            return None
        return now >= self.available_at


def inclusion_moment(value: date | datetime) -> datetime:
    """The moment a period starts, aware, in America/Sao_Paulo."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=TIMEZONE)
        return value.astimezone(TIMEZONE)
    return datetime(value.year, value.month, value.day, tzinfo=TIMEZONE)


def add_period(start: datetime, rule: Rule) -> datetime:
    start = inclusion_moment(start)
    if rule.hours is not None:
        # Elapsed hours: do the arithmetic in UTC so a clock change cannot shift it.
        return (start.astimezone(UTC) + timedelta(hours=rule.hours)).astimezone(TIMEZONE)
    # Calendar days: wall-clock arithmetic in local time.
    naive = start.replace(tzinfo=None) + timedelta(days=rule.days)
    return naive.replace(tzinfo=TIMEZONE)


def applicable_rule(rules: Iterable[Rule], procedure_id: str, categories: Iterable[str]) -> Rule | None:
    rules = list(rules)
    cats = frozenset(categories)
    for level in (
        [r for r in rules if procedure_id in r.procedures],
        [r for r in rules if r.categories & cats],
        [r for r in rules if r.applies_to_all],
    ):
        if level:
            return min(level, key=lambda r: r.duration)
    return None


def availability(
    rules: Iterable[Rule],
    procedure_id: str,
    categories: Iterable[str],
    inclusion: date | datetime,
    *,
    exemption: str | None = None,
    holder_inclusion: date | datetime | None = None,
) -> Availability:
    """When *procedure_id* becomes available to a member included at *inclusion*.

    *exemption* is the effect of an exemption the member holds: ``"waive_all"`` (no waiting
    period) or ``"count_from_holder"`` (periods run from *holder_inclusion*).
    """
    start = inclusion_moment(inclusion)
    if exemption == "waive_all":
        return Availability(rule=None, available_at=start, exempt=True)
    if exemption == "count_from_holder":
        if holder_inclusion is None:
            raise ValueError("count_from_holder needs the holder's inclusion")
        start = inclusion_moment(holder_inclusion)
    elif exemption is not None:
        raise ValueError(f"unknown exemption effect: {exemption}")
    rule = applicable_rule(rules, procedure_id, categories)
    if rule is None:
        return Availability(rule=None, available_at=None)
    return Availability(rule=rule, available_at=add_period(start, rule))


def describe_period(rule: Rule) -> str:
    """pt-BR wording: "24 horas", "60 dias", "sem carência"."""
    if rule.is_zero:
        return "sem carência"
    if rule.hours is not None:
        return f"{rule.hours} hora" + ("s" if rule.hours != 1 else "")
    return f"{rule.days} dia" + ("s" if rule.days != 1 else "")
