"""The phones a member signed in on, and the card's offline eligibility code checked at a clinic.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request. The keys and
the code itself are in ``totp``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.clock import utcnow
from ..core.documents import digits
from ..core.parsing import is_ascii_digits, parse_id
from . import totp
from .models import Member, MemberDevice

NONCE_BYTES = 32  # 256 bits
CODE_SHAPE = re.compile(r"[0-9]{%d}" % totp.DIGITS)
MAX_CARD_NUMBER = 30  # the column's length

# (pattern, name), first match wins: the order matters (Edge and Samsung Internet say "Chrome" too,
# Chrome says "Safari", Android says "Linux").
_BROWSERS = (
    (re.compile(r"EdgA?/|EdgiOS/"), "Edge"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"OPR/|OPiOS/"), "Opera"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
_SYSTEMS = (
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"CrOS"), "Chromebook"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Macintosh|Mac OS X"), "Mac"),
    (re.compile(r"Linux"), "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """"Chrome no Android": the browser and the system, never a model or a version (nothing that
    tells one phone from another of the same kind)."""
    text = user_agent or ""
    browser = next((name for pattern, name in _BROWSERS if pattern.search(text)), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(text)), None)
    if browser and system:
        return f"{browser} no {system}" if system != "Chromebook" else f"{browser} num Chromebook"
    if browser or system:
        return f"Navegador {browser}" if browser else f"Navegador no {system}"
    return "Navegador desconhecido"


def register_device(session: Session, member: Member, user_agent: str | None) -> MemberDevice:
    """A new device for *member* (at a sign-in), with a fresh random nonce."""
    now = utcnow()
    device = MemberDevice(member_id=member.id, nonce=secrets.token_hex(NONCE_BYTES), label=device_label(user_agent),
                          created_at=now, last_seen_at=now)
    session.add(device)
    session.flush()
    return device


def live_device(session: Session, device_id, member: Member) -> MemberDevice | None:
    """*member*'s device *device_id* while it is not revoked; None otherwise."""
    if not isinstance(device_id, int):
        return None
    device = session.get(MemberDevice, device_id)
    if device is None or device.member_id != member.id or device.revoked_at is not None:
        return None
    return device


def devices_of(session: Session, member: Member) -> list[MemberDevice]:
    """*member*'s devices still signed in, the newest first."""
    return live_devices_of(session, [member.id])[member.id]


def revoke_device(session: Session, device_id: int, owners: list[int], by: str) -> MemberDevice | None:
    """Revokes the device *device_id* when it belongs to one of *owners* (member ids) and is
    still live: one conditional UPDATE. The device, or None when there was nothing to revoke."""
    revoked = session.execute(
        update(MemberDevice).where(MemberDevice.id == device_id, MemberDevice.member_id.in_(owners),
                                   MemberDevice.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by=by[:40]),
        execution_options={"synchronize_session": "fetch"})
    if revoked.rowcount != 1:
        return None
    return session.get(MemberDevice, device_id)


def person_key(secret_key: str, device: MemberDevice, member_id: int) -> bytes:
    return totp.person_key(totp.device_secret(secret_key, device.nonce), member_id)


# --- the clinic's check ---------------------------------------------------------------------


class CodeRefused(Exception):
    """Unknown card, wrong or old code, revoked device: one answer for all, which tells nothing."""


@dataclass(frozen=True)
class CodeCheck:
    """What a clinic typed or scanned: the person (by card number or by id) and the code."""

    code: str
    card_number: str | None = None
    member_id: int | None = None
    device_id: int | None = None  # from the QR: only that device's key is tried



def normal_code(text: str) -> str | None:
    """The code as typed ("123 456", "123456"): six ASCII digits, or None."""
    code = "".join((text or "").split())
    return code if CODE_SHAPE.fullmatch(code) else None


def normal_card_number(text: str) -> str | None:
    """The card number's ASCII digits (dots and spaces dropped), or None for something that is no
    card number (nothing left, look-alike digits, too long)."""
    cleaned = "".join(ch for ch in (text or "") if ch not in " .-/")
    if not cleaned or len(cleaned) > MAX_CARD_NUMBER or not is_ascii_digits(cleaned):
        return None
    return digits(cleaned)


def parse_qr_payload(payload: str) -> CodeCheck | None:
    """``<member id>.<device id>.<code>`` (the URL the phone's QR code names), or None."""
    parts = (payload or "").split(".")
    if len(parts) != 3:
        return None
    member_id, device_id, code = parse_id(parts[0]), parse_id(parts[1]), normal_code(parts[2])
    if member_id is None or device_id is None or code is None or parts[2] != code:
        return None
    return CodeCheck(code=code, member_id=member_id, device_id=device_id)


def attempt_key(session: Session, check: CodeCheck) -> str:
    """Whom a check is against, for the lock-out counters: the card number, typed or (from the
    QR code's member id) looked up, so both ways in share one counter per card."""
    if check.card_number is not None:
        return "cartao:" + check.card_number
    number = session.scalars(select(Member.card_number).where(Member.id == check.member_id)).one_or_none()
    return "cartao:" + number if number is not None else f"membro:{check.member_id}"


def check_code(session: Session, check: CodeCheck, secret_key: str, now: datetime) -> tuple[Member, MemberDevice]:
    """The member *check* names and the device whose code it is; ``CodeRefused`` otherwise.

    A person's code may come from any live device of theirs or of their holder (whose phone shows
    the family's cards); a cancelled person has no valid code."""
    if check.card_number is not None:
        member = session.scalars(select(Member).where(Member.card_number == check.card_number)).one_or_none()
    else:
        member = session.get(Member, check.member_id)
    if member is None or member.status == "cancelado":
        raise CodeRefused
    owners = [member.id] if member.holder_id is None else [member.id, member.holder_id]
    query = select(MemberDevice).where(MemberDevice.member_id.in_(owners), MemberDevice.revoked_at.is_(None))
    if check.device_id is not None:
        query = query.where(MemberDevice.id == check.device_id)
    for device in session.scalars(query.order_by(MemberDevice.id)):
        if totp.matching_step(person_key(secret_key, device, member.id), check.code, now.timestamp()) is not None:
            return member, device
    raise CodeRefused


def seen(session: Session, device_id: int, now: datetime) -> None:
    """The device was used now (its code accepted at a clinic)."""
    session.execute(update(MemberDevice).where(MemberDevice.id == device_id).values(last_seen_at=now),
                    execution_options={"synchronize_session": False})



def live_devices_of(session: Session, member_ids: list[int]) -> dict[int, list[MemberDevice]]:
    """The live devices of each of *member_ids*, the newest first (an agent's view of a family)."""
    out: dict[int, list[MemberDevice]] = {member_id: [] for member_id in member_ids}
    query = (select(MemberDevice).where(MemberDevice.member_id.in_(member_ids), MemberDevice.revoked_at.is_(None))
             .order_by(MemberDevice.id.desc()))
    for device in session.scalars(query):
        out[device.member_id].append(device)
    return out
