"""Time-based one-time codes (RFC 6238 over RFC 4226's HOTP), and the keys of the card's code.

Pure functions, standard library only. The phone computes the same code with WebCrypto
(``webapp/assets/js/card-code.js``); ``STEP``, ``DIGITS`` and the accepted window are the
contract between the two (README, "The card at the desk").

Keys: a device's secret is derived from its stored random nonce and the app's ``SECRET_KEY``
(never stored); the key a phone gets for one person's card is derived from that secret and
the person's id, so a holder's phone gets one key per card it shows and a copy of the database
alone cannot make codes.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

STEP = 60  # seconds a code lasts on the phone
DIGITS = 6
# Steps accepted around the server's: two behind (a code read out and typed slowly, or a phone
# clock up to ~2 minutes slow), one ahead (a phone clock up to a minute fast).
PAST_STEPS, FUTURE_STEPS = 2, 1


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 4226: HMAC of the 8-byte big-endian *counter*, dynamically truncated to *digits*."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def time_step(unix_time: float, step: int = STEP) -> int:
    return int(unix_time // step)


def totp(key: bytes, unix_time: float, *, step: int = STEP, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 6238: the HOTP of the number of *step*-second periods since the Unix epoch (T0 = 0)."""
    return hotp(key, time_step(unix_time, step), digits, digest)


def matching_step(key: bytes, code: str, unix_time: float) -> int | None:
    """The step, within the accepted window around *unix_time*, whose code is *code*; or None.
    Every candidate is compared in constant time."""
    now = time_step(unix_time)
    found = None
    for counter in range(now - PAST_STEPS, now + FUTURE_STEPS + 1):
        if hmac.compare_digest(hotp(key, counter), code) and found is None:
            found = counter
    return found


def device_secret(secret_key: str | bytes, nonce: str) -> bytes:
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, b"device:" + nonce.encode(), hashlib.sha256).digest()


def person_key(device_secret_: bytes, member_id: int) -> bytes:
    """The key a device holds for the card of member *member_id*."""
    return hmac.new(device_secret_, f"pessoa:{member_id}".encode(), hashlib.sha256).digest()
