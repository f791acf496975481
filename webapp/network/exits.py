"""Leaving a product's network: an end date on the membership and an exit ("saida") in the change
log, never a delete (ANS: exits are announced and stay visible, and members' history points at
providers that left).

The importer ends the memberships a file implies should end (a provider missing from a full
file, a product no longer listed); the network team ends one when a provider no longer takes a
plan. Both come through :func:`end_memberships`, so an exit looks the same in search results and
in "Alterações da rede" whoever made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .models import NetworkChange, NetworkMembership

BATCH = 2000


@dataclass(frozen=True)
class Exit:
    """An open membership to end today. ``announced``: the end date it had, when one was announced
    for later (its "saída" in the change log moves to today)."""

    membership_id: int
    product_id: int
    provider_id: int
    municipality: int  # where "Alterações da rede" lists the exit
    announced: date | None = None


def end_memberships(session: Session, exits: list[Exit], today: date, now: datetime,
                    recorded: set[tuple] | None = None) -> int:
    """End each membership of *exits* on *today* (it leaves search results at once: a membership
    counts while ``until`` is after the day searched) and log a "saida" effective *today*.

    *recorded* holds the change log's ``(product_id, provider_id, kind, effective_date)``
    signatures already written or about to be (the importer's); None reads them from the
    database. Returns how many change-log rows were written.
    """
    if not exits:
        return 0
    if recorded is None:
        recorded = {tuple(r) for r in session.execute(
            select(NetworkChange.product_id, NetworkChange.provider_id, NetworkChange.kind,
                   NetworkChange.effective_date)
            .where(NetworkChange.provider_id.in_({e.provider_id for e in exits}), NetworkChange.kind == "saida"))}
    changes, moved = [], 0
    for exit_ in exits:
        signature = (exit_.product_id, exit_.provider_id, "saida", today)
        if signature in recorded:
            continue
        recorded.add(signature)
        if exit_.announced is not None and exit_.announced > today and (
                (exit_.product_id, exit_.provider_id, "saida", exit_.announced) in recorded):
            # The exit announced for later happens today instead: one exit, on its real date.
            session.execute(update(NetworkChange).where(
                NetworkChange.product_id == exit_.product_id, NetworkChange.provider_id == exit_.provider_id,
                NetworkChange.kind == "saida", NetworkChange.effective_date == exit_.announced,
            ).values(effective_date=today, recorded_at=now, updated_at=now))
            recorded.discard((exit_.product_id, exit_.provider_id, "saida", exit_.announced))
            moved += 1
            continue
        changes.append({"product_id": exit_.product_id, "provider_id": exit_.provider_id, "kind": "saida",
                        "effective_date": today, "replaced_provider_id": None,
                        "municipality_ibge": exit_.municipality, "recorded_at": now, "updated_at": now})
    ends = [{"id": e.membership_id, "until": today, "updated_at": now} for e in exits]
    for i in range(0, len(ends), BATCH):
        session.execute(update(NetworkMembership), ends[i:i + BATCH])
    for i in range(0, len(changes), BATCH):
        session.execute(insert(NetworkChange), changes[i:i + BATCH])
    return len(changes) + moved
