"""The one way tests set the time: ``frozen_clock(moment)``.

time-machine moves the whole process's clock (``datetime.now``, ``date.today``, ``time.time``),
so the app's ``webapp.core.clock`` needs no patching and no test depends on the day it runs.
``GUIA_TEST_CLOCK=2031-06-01`` (or any ISO date/moment) runs the whole suite years away from
today, with the clock ticking from there, to prove it.

``TODAY`` is the day the shared fixtures make their data on and stop the clock at.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time

import pytest
import time_machine

from webapp.core.clock import TIMEZONE

FAR_CLOCK_VARIABLE = "GUIA_TEST_CLOCK"
TODAY = date(2026, 11, 24)


def as_moment(value: date | datetime) -> datetime:
    """A date means noon of that day in São Paulo (no zone change can move it to another day)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TIMEZONE)
    return datetime.combine(value, time(12), tzinfo=TIMEZONE)


@pytest.fixture
def frozen_clock(time_machine):
    """``frozen_clock(moment)`` stops the clock at *moment* (a date: noon in São Paulo) and returns
    it as an aware datetime; call again to move it.  The clock is back to normal after the test."""

    def freeze(moment: date | datetime) -> datetime:
        moment = as_moment(moment)
        time_machine.move_to(moment, tick=False)
        return moment

    return freeze


@pytest.fixture(scope="session", autouse=True)
def far_clock():
    """With ``GUIA_TEST_CLOCK`` set, the whole run starts at that moment (ticking)."""
    value = os.environ.get(FAR_CLOCK_VARIABLE)
    if not value:
        yield None
        return
    moment = as_moment(datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))
    with time_machine.travel(moment, tick=True):
        yield moment
