"""Helpers to build the signed-in member the plan pages read (``current_member()``)."""

from __future__ import annotations

from datetime import datetime

from webapp.core.clock import TIMEZONE
from webapp.members.current import FamilyMember, SignedInMember

NOW = datetime(2026, 2, 15, 9, 30, tzinfo=TIMEZONE)  # the plan pages' clock in these tests


def family_member(member_id, name, relationship, inclusion, exemption=None, holder_inclusion=None) -> FamilyMember:
    return FamilyMember(member_id=member_id, name=name, relationship=relationship, inclusion_at=inclusion,
                        exemption=exemption, holder_inclusion_at=holder_inclusion or inclusion)


def member_of(slug: str, *family: FamilyMember) -> SignedInMember:
    """The first of *family* is the signed-in person."""
    return SignedInMember(member_id=family[0].member_id, name=family[0].name, product_slug=slug, family=family)
