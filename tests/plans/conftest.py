"""Fixtures for the plans: a copy of the catalog files to edit, and for the plan pages a fixed
clock and a simulated signed-in member.

Sign-in itself belongs to the members package; the plan pages only read ``current_member()``,
so tests put a :class:`SignedInMember` on ``flask.g`` from a ``before_request`` hook.
"""

from __future__ import annotations

import shutil

import pytest
from flask import g

from tests.support.plans import NOW
from webapp.members.current import SignedInMember
from webapp.plans.catalog import CATALOG_DIR


@pytest.fixture
def catalog_copy(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    return target


@pytest.fixture
def clock(frozen_clock):
    """The plan pages' "now" is 15/02/2026 09:30 in São Paulo."""
    return frozen_clock(NOW)


@pytest.fixture
def sign_in(app):
    """``sign_in(member)`` makes every later request of the test see *member* as signed in."""
    state: dict[str, SignedInMember | None] = {"member": None}

    @app.before_request
    def _simulated_sign_in() -> None:
        if state["member"] is not None:
            g.signed_in_member = state["member"]

    def _sign_in(member: SignedInMember) -> SignedInMember:
        state["member"] = member
        return member

    return _sign_in

