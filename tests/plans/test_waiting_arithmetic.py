"""Unit tests of the waiting-period arithmetic (no database)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from webapp.core import clock
from webapp.core.clock import TIMEZONE
from webapp.plans.waiting import (
    Rule,
    add_period,
    applicable_rule,
    availability,
    inclusion_moment,
)


def test_a_date_means_midnight_in_sao_paulo():
    moment = inclusion_moment(date(2026, 1, 10))
    assert moment == datetime(2026, 1, 10, 0, 0, tzinfo=TIMEZONE)
    assert moment.utcoffset() == timedelta(hours=-3)


def test_an_aware_datetime_is_converted_not_relabelled():
    utc_noon = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
    assert inclusion_moment(utc_noon) == datetime(2026, 1, 10, 9, 0, tzinfo=TIMEZONE)


def test_sixty_days_from_10_january_is_11_march():
    rule = Rule(label="Todos", days=60, applies_to_all=True)
    assert add_period(date(2026, 1, 10), rule) == datetime(2026, 3, 11, tzinfo=TIMEZONE)


def test_days_keep_the_time_of_inclusion():
    rule = Rule(label="x", days=90, applies_to_all=True)
    start = datetime(2026, 11, 30, 15, 45, tzinfo=TIMEZONE)
    assert add_period(start, rule) == datetime(2027, 2, 28, 15, 45, tzinfo=TIMEZONE)


def test_hours_are_elapsed_time():
    rule = Rule(label="Urgência", hours=24, categories=frozenset({"urgencia"}))
    start = datetime(2026, 2, 28, 22, 30, tzinfo=TIMEZONE)
    assert add_period(start, rule) == datetime(2026, 3, 1, 22, 30, tzinfo=TIMEZONE)


def test_leap_day_and_year_end():
    rule = Rule(label="x", days=180, applies_to_all=True)
    assert add_period(date(2027, 9, 1), rule) == datetime(2028, 2, 28, tzinfo=TIMEZONE)
    assert add_period(date(2027, 9, 2), rule) == datetime(2028, 2, 29, tzinfo=TIMEZONE)


RULES = [
    Rule(label="Todos os procedimentos", days=60, applies_to_all=True),
    Rule(label="Urgência", hours=24, categories=frozenset({"urgencia"})),
    Rule(label="Prótese", days=90, categories=frozenset({"protese"})),
    Rule(label="Coroa provisória", days=180, procedures=frozenset({"coroa-provisoria"})),
]


@pytest.mark.parametrize(
    ("procedure", "categories", "label"),
    [
        ("coroa-provisoria", {"protese"}, "Coroa provisória"),  # a named procedure beats its category
        ("nucleo", {"protese"}, "Prótese"),  # the category beats "all"
        ("restauracao", {"dentistica"}, "Todos os procedimentos"),
        ("pulpectomia", {"endodontia", "urgencia"}, "Urgência"),
    ],
)
def test_most_specific_statement_applies(procedure, categories, label):
    assert applicable_rule(RULES, procedure, categories).label == label


def test_same_level_conflict_takes_the_shorter_period():
    rules = [Rule(label="A", days=90, categories=frozenset({"x"})), Rule(label="B", hours=24, categories=frozenset({"y"}))]
    assert applicable_rule(rules, "p", {"x", "y"}).label == "B"


def test_silent_document_gives_no_date():
    rules = [Rule(label="Só isto", days=60, procedures=frozenset({"a"}))]
    result = availability(rules, "b", {"dentistica"}, date(2026, 1, 10))
    assert result.rule is None and result.available_at is None and not result.stated
    assert result.is_available(clock.now()) is None


def test_waive_all_exemption_makes_everything_available_at_inclusion():
    result = availability(RULES, "coroa-provisoria", {"protese"}, date(2026, 1, 10), exemption="waive_all")
    assert result.exempt and result.available_at == datetime(2026, 1, 10, tzinfo=TIMEZONE)


def test_count_from_holder_uses_the_holders_inclusion():
    result = availability(
        RULES, "nucleo", {"protese"}, date(2026, 6, 1),
        exemption="count_from_holder", holder_inclusion=date(2026, 1, 1),
    )
    assert result.available_at == datetime(2026, 4, 1, tzinfo=TIMEZONE)


def test_is_available_compares_moments():
    result = availability(RULES, "x", set(), date(2026, 1, 10))
    assert result.is_available(datetime(2026, 3, 10, 23, 59, tzinfo=TIMEZONE)) is False
    assert result.is_available(datetime(2026, 3, 11, 0, 0, tzinfo=TIMEZONE)) is True


def test_rule_needs_exactly_one_unit():
    with pytest.raises(ValueError):
        Rule(label="x", hours=1, days=1)
    with pytest.raises(ValueError):
        Rule(label="x")
