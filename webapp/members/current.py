"""Who is signed in, for pages that personalise what they show.

``current_member()`` returns ``None`` when nobody is signed in, otherwise a
:class:`SignedInMember` describing the signed-in person and the family members they may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g


@dataclass(frozen=True)
class FamilyMember:
    member_id: int
    name: str
    relationship: str  # "titular" or the dependant's relationship
    inclusion_at: datetime  # aware; America/Sao_Paulo
    exemption: str | None  # code of a waiting-period exemption of the product, if granted
    holder_inclusion_at: datetime  # the holder's, for exemptions that count from it
    sex: str | None = None  # F | M when the operator's file gives it: for words only ("filha")


@dataclass(frozen=True)
class SignedInMember:
    member_id: int
    name: str
    product_slug: str
    family: tuple[FamilyMember, ...]  # the signed-in person first; a dependant sees only themself


def current_member() -> SignedInMember | None:
    return g.get("signed_in_member")
