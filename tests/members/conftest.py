"""Members' fixture: the demo families, made today with the clock left running (whatever day
that is: the waiting periods the tests read are relative to inclusion, 45 days ago...)."""

from __future__ import annotations

import pytest

from tests.support.members import demo_families
from webapp.core import clock


@pytest.fixture
def families(session):
    return demo_families(session, clock.today())
