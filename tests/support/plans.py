"""The plans in tests: the signed-in member the plan pages read (``current_member()``), the
waiting-period tables' inclusion day, and edits to a copy of the catalog files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from webapp.core.clock import TIMEZONE
from webapp.members.current import FamilyMember, SignedInMember

NOW = datetime(2026, 2, 15, 9, 30, tzinfo=TIMEZONE)  # the plan pages' clock in these tests
INCLUSION = date(2026, 1, 10)  # 00:00 America/Sao_Paulo: the waiting-period tables' inclusion day


def expected_moment(period: str) -> datetime:
    """When a period such as ``180d`` or ``24h``, counted from INCLUSION, ends."""
    start = datetime.combine(INCLUSION, datetime.min.time(), tzinfo=TIMEZONE)
    amount, unit = int(period[:-1]), period[-1]
    return start + (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))


def family_member(member_id, name, relationship, inclusion, exemption=None, holder_inclusion=None) -> FamilyMember:
    return FamilyMember(member_id=member_id, name=name, relationship=relationship, inclusion_at=inclusion,
                        exemption=exemption, holder_inclusion_at=holder_inclusion or inclusion)


def member_of(slug: str, *family: FamilyMember) -> SignedInMember:
    """The first of *family* is the signed-in person."""
    return SignedInMember(member_id=family[0].member_id, name=family[0].name, product_slug=slug, family=family)


def edit_yaml(path: Path, change) -> None:
    """Apply *change* (a function that edits the data in place) to the YAML file *path*."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
