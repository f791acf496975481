"""Fixtures for the usage history: the demo families (made on ``TODAY``, the clock left running)
and their demo history; helpers are in tests/support/history.py and tests/support/members.py."""

from __future__ import annotations

import pytest

from tests.support.clock import TODAY
from tests.support.members import demo_families
from webapp.history.demo import create_demo_history


@pytest.fixture
def history_today(frozen_clock):
    frozen_clock(TODAY)
    return TODAY


@pytest.fixture
def families(session):
    return demo_families(session, TODAY)


@pytest.fixture
def history(families, history_today):
    """The demo families with their demo history, imported through the importer."""
    create_demo_history(families, TODAY)
    families.flush()
    return families
