"""The network team's corrections of a location (a phone, the WhatsApp, the address), and how an
import of the operator's file treats them.

A correction is applied to the location at once and recorded as a :class:`LocationCorrection`
with the value the operator's file had then (``file_value``). It holds while the file keeps
bringing that value — the file has not caught up yet, and re-importing it must not undo the fix —
and it is superseded (``superseded_at``) as soon as the file brings anything else: the corrected
value itself (the file caught up) or a third one (the operator knows better now). Open
corrections are what the export tells the operator's network file owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Location, LocationCorrection

#: The Location attributes the team may correct, which are also the network file's columns.
CORRECTABLE = ("phones", "whatsapp", "street", "number", "complement", "neighbourhood", "cep")


def open_corrections(session: Session, location_ids=None) -> list[LocationCorrection]:
    """The corrections that still hold, oldest first: of these locations, or (None) of all."""
    stmt = select(LocationCorrection).where(LocationCorrection.superseded_at.is_(None))
    if location_ids is not None:
        ids = list(location_ids)
        if not ids:
            return []
        stmt = stmt.where(LocationCorrection.location_id.in_(ids))
    return list(session.scalars(stmt.order_by(LocationCorrection.id)))


def correct(session: Session, location: Location, field: str, value, *, agent_id: int, report_id: int | None,
            now: datetime) -> LocationCorrection | None:
    """Set *field* of *location* to *value* and record it; None when that is its value already.

    A field corrected before keeps the file's value of the first correction (the file has not
    changed since: the older correction still held), and that correction is superseded by this
    one. Setting the field back to the file's value closes the correction without a new one.
    """
    if field not in CORRECTABLE:
        raise ValueError(f"campo não corrigível: {field}")
    current = getattr(location, field)
    if value == current:
        return None
    file_value = current
    for older in open_corrections(session, [location.id]):
        if older.field == field:
            file_value = older.file_value
            older.superseded_at = now
    setattr(location, field, value)
    location.updated_at = now
    if value == file_value:
        session.flush()
        return None
    correction = LocationCorrection(location_id=location.id, field=field, value=value, file_value=file_value,
                                    report_id=report_id, agent_id=agent_id, created_at=now)
    session.add(correction)
    session.flush()
    return correction


def keep_corrections(session: Session, in_file: Mapping[int, dict], now: datetime) -> tuple[int, int]:
    """During an import: *in_file* maps each existing location the file lists to its values as the
    file brings them. Where a correction still holds, its value replaces the file's in that
    mapping (so the import leaves the location as corrected); where the file brings something
    else, the correction is superseded. Returns ``(kept, superseded)``."""
    kept, superseded = 0, []
    # All of them, read at once: few (a team's work), where the file may list 400,000 locations.
    for correction in open_corrections(session):
        values = in_file.get(correction.location_id)
        if values is None:
            continue  # not in this file (or its line was rejected): the file said nothing
        if values.get(correction.field) == correction.file_value:
            values[correction.field] = correction.value
            kept += 1
        else:
            superseded.append(correction.id)
    if superseded:
        session.execute(update(LocationCorrection).where(LocationCorrection.id.in_(superseded))
                        .values(superseded_at=now), execution_options={"synchronize_session": False})
    return kept, len(superseded)
