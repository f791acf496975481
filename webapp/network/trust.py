"""How much a location's listing can be trusted: when it was last verified, and by whom.

One place sets ``Location.verified_at``: the operator's file (``arquivo``), the network team's
"verificado" action (``equipe``), a report the team resolved (``relato``) and members who said
they were seen there under the plan (``membros``) all come through ``mark_verified``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..core.clock import utcnow
from .models import Location

VERIFIED_SOURCES = ("arquivo", "equipe", "relato", "membros")
#: Default of ``NETWORK_VERIFIED_MAX_AGE_DAYS``: older (or no) verification marks a location.
DEFAULT_MAX_AGE_DAYS = 180


def mark_verified(location: Location, source: str, at: datetime | None = None) -> None:
    """Record that ``location`` was verified by ``source`` at ``at`` (now by default).

    An older date never replaces a newer one: a file dated last month does not undo what the
    team checked this morning.
    """
    if source not in VERIFIED_SOURCES:
        raise ValueError(f"unknown verification source: {source!r}")
    at = at or utcnow()
    if location.verified_at is None or at >= location.verified_at:
        location.verified_at = at
        location.verified_source = source


def is_stale(verified_at: datetime | None, now: datetime, max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> bool:
    """Whether a location verified at ``verified_at`` (None: never) counts as unverified."""
    return verified_at is None or now - verified_at > timedelta(days=max_age_days)
