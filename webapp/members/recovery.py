"""Getting back in ("Esqueci minha senha"): one-time codes sent by e-mail and reset links an agent
sends by WhatsApp, and redeeming either for a new password.

A code or a link token is never stored: only ``secret_hash``, an HMAC-SHA256 (keyed with the app's
``SECRET_KEY``, so a copy of the database alone cannot test guesses) of the secret and, for codes,
of its row's id (six digits repeat; the id makes each hash unique). Every reset is single-use
(a conditional UPDATE sets ``used_at``: of two submissions at once, one wins), short-lived, dead
after ``MAX_TRIES`` wrong answers, and ended by any newer reset of the same member.

Plain functions over a SQLAlchemy session, run inside ``db.writing``; nothing here knows Flask.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core.formatting import data_hora
from ..db import one_at_a_time
from .models import Member, PasswordReset
from .services import end_sessions

CODE_DIGITS = 6
CODE_MINUTES = 15  # a code lives 15 minutes: long enough for a slow mailbox, short for a guesser
MAX_TRIES = 5  # wrong answers (code or birth date) a reset takes before it is dead
CODES_PER_HOUR = 3  # e-mails per member per hour
# A link lives 24 hours: a WhatsApp message is often read hours later, and the link alone is not
# enough (the birth date is asked too, with MAX_TRIES), single use, ended by any newer reset.
LINK_HOURS = 24
# Link tokens: base58 (no 0 O I l, no "-" or "_" that WhatsApp could read as formatting), 24
# characters drawn with `secrets`: 58**24 ≈ 2**140.
TOKEN_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
TOKEN_LENGTH = 24

EMAIL, WHATSAPP = "email", "whatsapp"


class TooManyCodes(Exception):
    """``CODES_PER_HOUR`` codes were sent in the last hour; the next may go in ``retry_after`` s."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class ResetGone(Exception):
    """The reset was used, expired, ended by a newer one or took too many wrong answers."""


@dataclass(frozen=True)
class Issued:
    reset_id: int
    secret: str  # the code or the token, to send; gone once sent
    expires_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What redeeming gave: ``member`` (whose password is now new), or a pt-BR ``message`` — with
    ``gone`` when this reset cannot be tried again."""

    member: Member | None = None
    message: str = ""
    gone: bool = False


def _hash(secret_key: str, text: str) -> str:
    return hmac.new(secret_key.encode(), f"password-reset:{text}".encode(), hashlib.sha256).hexdigest()


def _code_hash(secret_key: str, reset_id: int, code: str) -> str:
    return _hash(secret_key, f"{EMAIL}:{reset_id}:{code}")


def _token_hash(secret_key: str, token: str) -> str:
    return _hash(secret_key, f"{WHATSAPP}:{token}")


def is_well_formed_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and all(c in TOKEN_ALPHABET for c in token)


def _end_open_resets(session: Session, member_id: int, now: datetime) -> None:
    session.execute(update(PasswordReset).where(
        PasswordReset.member_id == member_id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(expires_at=now))


def request_code(session: Session, member: Member, secret_key: str, now: datetime) -> Issued:
    """A new e-mail code for *member* (older open resets end), unless ``CODES_PER_HOUR`` were
    already sent in the last hour (``TooManyCodes``)."""
    one_at_a_time(session, "password-reset", str(member.id))  # count, then insert: one at a time
    recent = list(session.scalars(select(PasswordReset.created_at).where(
        PasswordReset.member_id == member.id, PasswordReset.channel == EMAIL,
        PasswordReset.created_at > now - timedelta(hours=1)).order_by(PasswordReset.created_at)))
    if len(recent) >= CODES_PER_HOUR:
        wait = (recent[0] + timedelta(hours=1) - now).total_seconds()
        raise TooManyCodes(max(1, math.ceil(wait)))
    _end_open_resets(session, member.id, now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    # The hash names the row's id, known once inserted: a random placeholder until then.
    reset = PasswordReset(member_id=member.id, channel=EMAIL, secret_hash=secrets.token_hex(32), created_at=now,
                          expires_at=now + timedelta(minutes=CODE_MINUTES), tries=0)
    session.add(reset)
    session.flush()
    reset.secret_hash = _code_hash(secret_key, reset.id, code)
    session.flush()
    return Issued(reset.id, code, reset.expires_at)


def discard(session: Session, reset_id: int) -> None:
    """Remove a code that could not be sent: no code is left open that nobody received."""
    session.execute(delete(PasswordReset).where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None)))


def issue_link(session: Session, member: Member, agent_id: int, secret_key: str, now: datetime) -> Issued:
    """A reset link token for *member*, made by agent *agent_id* (older open resets end)."""
    _end_open_resets(session, member.id, now)
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    reset = PasswordReset(member_id=member.id, channel=WHATSAPP, secret_hash=_token_hash(secret_key, token),
                          created_at=now, expires_at=now + timedelta(hours=LINK_HOURS), tries=0,
                          created_by_agent_id=agent_id)
    session.add(reset)
    session.flush()
    return Issued(reset.id, token, reset.expires_at)


def _is_open(reset: PasswordReset, now: datetime) -> bool:
    return reset.used_at is None and reset.expires_at > now and reset.tries < MAX_TRIES


def open_link(session: Session, token: str, secret_key: str, now: datetime) -> PasswordReset:
    """The open reset of a link token: ``LookupError`` for a token nobody was sent, ``ResetGone``
    for one that was used, expired, ended or tried too often. Reads only."""
    if not is_well_formed_token(token):
        raise LookupError("link inválido")
    reset = session.scalars(select(PasswordReset).where(
        PasswordReset.secret_hash == _token_hash(secret_key, token), PasswordReset.channel == WHATSAPP)).one_or_none()
    if reset is None:
        raise LookupError("link inválido")
    member = session.get(Member, reset.member_id)
    if not _is_open(reset, now) or member.status == "cancelado":
        raise ResetGone()
    return reset


def pending_code(session: Session, member_id: int, reset_id: int, now: datetime) -> PasswordReset | None:
    """The open e-mail reset *reset_id* of *member_id* (from the person's session), else None."""
    reset = session.get(PasswordReset, reset_id)
    if reset is None or reset.member_id != member_id or reset.channel != EMAIL or not _is_open(reset, now):
        return None
    return reset


GONE_CODE = ("Este código não vale mais: ele expira em 15 minutos, vale uma vez só e deixa de valer quando "
             "um novo é pedido ou depois de 5 tentativas erradas. Peça um novo código.")
NO_CODE = "Nenhum código foi pedido neste aparelho. Peça um código em “Esqueci minha senha”."
GONE_LINK = ("Este link não vale mais: ele expira em 24 horas, vale uma vez só e deixa de valer quando um novo "
             "é enviado ou depois de 5 tentativas erradas. Peça um novo link ao atendimento ou use "
             "“Esqueci minha senha”.")


def _attempt(session: Session, reset_id: int, member_id: int, channel: str, right, password_hash: str,
             now: datetime) -> Outcome:
    """One try at reset *reset_id*: counted (a conditional UPDATE, so tries at the same time all
    count), checked by *right* (reset → bool), and when right, used once and turned into the new
    password: every other session of the member ends and their devices are revoked."""
    gone = GONE_CODE if channel == EMAIL else GONE_LINK
    counted = session.execute(update(PasswordReset).where(
        PasswordReset.id == reset_id, PasswordReset.member_id == member_id, PasswordReset.channel == channel,
        PasswordReset.used_at.is_(None), PasswordReset.expires_at > now, PasswordReset.tries < MAX_TRIES)
        .values(tries=PasswordReset.tries + 1), execution_options={"synchronize_session": False})
    if counted.rowcount != 1:
        return Outcome(message=gone, gone=True)
    reset = session.scalars(select(PasswordReset).where(PasswordReset.id == reset_id)
                            .execution_options(populate_existing=True)).one()
    member = session.get(Member, member_id)
    if member is None or member.status == "cancelado":
        return Outcome(message=gone, gone=True)
    if not right(reset, member):
        left = MAX_TRIES - reset.tries
        if left <= 0:
            return Outcome(message=gone, gone=True)
        what = "Código errado. Confira o código no e-mail" if channel == EMAIL else "A data de nascimento não confere"
        return Outcome(message=f"{what} ({left} {'tentativa restante' if left == 1 else 'tentativas restantes'}).")
    used = session.execute(update(PasswordReset).where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None))
                           .values(used_at=now), execution_options={"synchronize_session": False})
    if used.rowcount != 1:
        return Outcome(message=gone, gone=True)
    session.execute(update(Member).where(Member.id == member_id).values(password_hash=password_hash,
                                                                        password_set_at=now),
                    execution_options={"synchronize_session": False})
    end_sessions(session, member, reason="nova-senha")
    _end_open_resets(session, member_id, now)
    session.refresh(member)
    return Outcome(member=member)


def redeem_code(session: Session, member_id: int, reset_id: int, code: str, secret_key: str, password_hash: str,
                now: datetime) -> Outcome:
    expected = _code_hash(secret_key, reset_id, code)
    return _attempt(session, reset_id, member_id, EMAIL,
                    lambda reset, _member: hmac.compare_digest(reset.secret_hash, expected), password_hash, now)


def redeem_link(session: Session, reset_id: int, member_id: int, birth_date: date, password_hash: str,
                now: datetime) -> Outcome:
    return _attempt(session, reset_id, member_id, WHATSAPP,
                    lambda _reset, member: member.birth_date == birth_date, password_hash, now)


def code_message(code: str, expires_at: datetime) -> tuple[str, str]:
    """(subject, body) of the e-mail that carries a code: plain pt-BR, no name, no CPF."""
    subject = "Seu código para criar uma nova senha — Guia Odonto"
    body = (f"Olá!\n\nSeu código para criar uma nova senha no Guia Odonto é:\n\n    {code}\n\n"
            f"Ele vale por {CODE_MINUTES} minutos (até {data_hora(expires_at)}, horário de Brasília) e só pode "
            "ser usado uma vez. Digite-o na página “Esqueci minha senha”, onde você o pediu.\n\n"
            "Se não foi você que pediu, ignore este e-mail: a sua senha continua a mesma.\n\n"
            "Guia Odonto — este e-mail é automático, não responda.\n")
    return subject, body
