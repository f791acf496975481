"""Member services: sign-in, first access, who sees whom, card data, verification tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ..core.clock import utcnow
from ..core.documents import cpf_valid, digits
from ..core.formatting import data
from ..core.passwords import hasher
from ..core.ratelimit import wait_text
from ..plans import services as plan_services
from ..plans.models import Product
from ..plans.waiting import add_period, inclusion_moment
from . import devices
from .models import Member, MemberDevice

MIN_PASSWORD = 8
VERIFY_SALT = "carteirinha-verificacao"
VERIFY_MAX_AGE = 10 * 60  # seconds
ALREADY_HAS_PASSWORD = "Você já criou a sua senha. Use “Entrar”."


class SignInError(Exception):
    """Wrong credentials, or the account is locked (``locked``, for ``retry_after`` seconds)."""

    def __init__(self, message: str, locked: bool = False, retry_after: int = 0):
        super().__init__(message)
        self.locked, self.retry_after = locked, retry_after


class AlreadyHasPassword(SignInError):
    """First access for a member who has a password: "Esqueci minha senha" is the way."""

    def __init__(self):
        super().__init__(ALREADY_HAS_PASSWORD)


def login_key(login: str) -> str:
    """The account identifier a login refers to (digits of the CPF or of the card number)."""
    return digits(login)


def find_by_login(session: Session, login: str) -> Member | None:
    key = login_key(login)
    if not key:
        return None
    if len(key) == 11 and cpf_valid(key):
        member = session.scalars(select(Member).where(Member.cpf == key)).one_or_none()
        if member is not None:
            return member
    return session.scalars(select(Member).where(Member.card_number == key)).one_or_none()


def person_key(member: Member | None, login: str) -> str:
    """Whom a sign-in attempt is against: the member, whether the CPF or the card number was typed
    (one counter for both), or else the identifier as typed, normalised."""
    return f"membro:{member.id}" if member is not None else f"login:{login_key(login)}"


def locked_message(seconds: int) -> str:
    return f"Muitas tentativas erradas. Por segurança, o acesso está bloqueado. Tente de novo em {wait_text(seconds)}."


def sign_in(session: Session, login: str, password: str, attempts) -> Member:
    """*attempts* counts tries per person and per address (``core.ratelimit.SignInAttempts``)."""
    member = find_by_login(session, login)
    person = person_key(member, login)
    wait = attempts.start(person)
    if wait:
        raise SignInError(locked_message(wait), locked=True, retry_after=wait)
    ok = False
    if member is not None and member.password_hash:
        try:
            ok = hasher.verify(member.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Same work whether or not the account exists, so timing does not reveal it.
        try:
            hasher.verify(hasher.decoy_hash, password)
        except VerificationError:
            pass
    if not ok or member is None:
        attempts.failed()
        raise SignInError("CPF, número da carteirinha ou senha não conferem.")
    attempts.succeeded(person)
    if member.status == "cancelado":
        raise SignInError("Este plano foi cancelado. Fale com a operadora.")
    return member


def prove_identity(session: Session, cpf: str, birth_date: date, card_number: str, attempts) -> Member:
    """The member whose CPF, birth date and card number are these (first access, "Esqueci minha
    senha"); ``SignInError`` otherwise, in the same words whether or not the CPF exists. *attempts*
    counts tries per CPF and per address (``core.ratelimit.SignInAttempts``)."""
    person = "cpf:" + digits(cpf)
    wait = attempts.start(person)
    if wait:
        raise SignInError(f"Muitas tentativas. Por segurança, tente de novo em {wait_text(wait)}.", locked=True,
                          retry_after=wait)
    member = session.scalars(select(Member).where(Member.cpf == digits(cpf))).one_or_none()
    if (member is None or member.birth_date != birth_date or member.card_number != digits(card_number)
            or member.status == "cancelado"):
        attempts.failed()
        raise SignInError("Não encontramos um beneficiário com esses dados. Confira o CPF, a data de nascimento "
                          "e o número da carteirinha.")
    attempts.succeeded(person)
    return member


def first_access(session: Session, cpf: str, birth_date: date, card_number: str, attempts) -> Member:
    """The member who proves who they are to make their first password (reads only; the
    password is stored by ``set_first_password``)."""
    member = prove_identity(session, cpf, birth_date, card_number, attempts)
    if member.password_hash:
        raise AlreadyHasPassword()
    return member


def set_first_password(session: Session, member: Member, password_hash: str, now: datetime) -> None:
    """Store the first password of *member* (proven by ``first_access``) in one conditional
    UPDATE: of two first accesses at the same time, only one sets it, the other is told so."""
    stored = session.execute(
        update(Member).where(Member.id == member.id, Member.password_hash.is_(None))
        .values(password_hash=password_hash, password_set_at=now),
        execution_options={"synchronize_session": "fetch"})
    if stored.rowcount != 1:
        raise AlreadyHasPassword()


def end_sessions(session: Session, member: Member, reason: str = "saida") -> None:
    """Every session cookie of *member* stops working (sign-out, a new password), and every device
    secret they hold is revoked, so a card kept on any phone stops making codes the clinic accepts:
    an atomic increment, so two sign-outs at the same time both count. *reason* is recorded on
    the devices (``saida``, ``nova-senha``, ``atendente:<id>``)."""
    session.execute(update(Member).where(Member.id == member.id)
                    .values(session_version=Member.session_version + 1))
    session.execute(update(MemberDevice).where(MemberDevice.member_id == member.id,
                                               MemberDevice.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoked_by=reason[:40]))


def status_notice(member: Member) -> str | None:
    """The plain pt-BR sentence a suspended or cancelled member's card must carry; None when the
    plan is active."""
    if member.status == "suspenso":
        return ("Plano suspenso: por enquanto esta carteirinha não dá direito a atendimento. "
                "Procure a operadora para regularizar.")
    if member.status == "cancelado":
        since = f" em {data(member.cancelled_on)}" if member.cancelled_on else ""
        return (f"Plano cancelado{since}: esta carteirinha não dá mais direito a atendimento. "
                "Em caso de dúvida, procure a operadora.")
    return None


def visible_family(session: Session, member: Member) -> list[Member]:
    """Whom *member* may see: a holder sees the whole family, a dependant only themself."""
    if not member.is_holder:
        return [member]
    stmt = select(Member).where(Member.holder_id == member.id, Member.status != "cancelado").order_by(Member.id)
    return [member, *session.scalars(stmt)]


def holder_of(session: Session, member: Member) -> Member:
    return member if member.is_holder else session.get(Member, member.holder_id)


@dataclass
class CardView:
    member: Member
    holder: Member
    product: Product
    is_holder: bool
    latest_waiting_end: datetime | None  # None: no waiting period left or stated
    running: list  # (label, available_at) of periods still running
    urgency_phone: dict | None
    verify_token: str
    # The offline eligibility code: the key this device holds for this person (hex) and the
    # device's id; None when the card is shown for no device (an agent, the home screen).
    code_key: str | None = None
    device_id: int | None = None


def card_views(session: Session, member: Member, secret: str, now: datetime,
               device: MemberDevice | None = None) -> list[CardView]:
    """The cards *member* may see; with *device* (the phone they are signed in on), each carries
    the key of its offline code."""
    family = visible_family(session, member)
    product = plan_services.member_product(session, member.product_id)
    serializer = URLSafeTimedSerializer(secret, salt=VERIFY_SALT)
    out = []
    for person in family:
        holder = holder_of(session, person)
        running = running_periods(session, product, person, holder, now)
        out.append(CardView(
            member=person, holder=holder, product=product, is_holder=person.is_holder,
            latest_waiting_end=max((at for _, at in running), default=None), running=running,
            urgency_phone=urgency_phone(product), verify_token=serializer.dumps({"m": person.id}),
            code_key=devices.person_key(secret, device, person.id).hex() if device is not None else None,
            device_id=device.id if device is not None else None,
        ))
    return out


def running_periods(session: Session, product, person: Member, holder: Member, now: datetime) -> list:
    """The waiting-period statements of the product still running for *person* at *now*."""
    effect = plan_services.exemption_effect(product, person.exemption)
    if effect == "waive_all":
        return []
    start = inclusion_moment(holder.inclusion_at if effect == "count_from_holder" else person.inclusion_at)
    running = []
    for rule in plan_services.waiting_rules(product):
        at = add_period(start, rule)
        if at > now:
            running.append((rule.label, at))
    return running


def urgency_phone(product) -> dict | None:
    """The operator's 24 h line, when its document prints one."""
    for contact in product.operator.contacts or []:
        text = f"{contact.get('label', '')} {contact.get('hours') or ''} {contact.get('note') or ''}".lower()
        if contact.get("kind") == "phone" and ("24" in text or "urg" in text):
            return contact
    return None


class VerificationExpired(Exception):
    pass


def verify_token(session: Session, token: str, secret: str) -> Member:
    serializer = URLSafeTimedSerializer(secret, salt=VERIFY_SALT)
    try:
        data = serializer.loads(token, max_age=VERIFY_MAX_AGE)
    except SignatureExpired as exc:
        raise VerificationExpired from exc
    except BadSignature as exc:
        raise LookupError("token inválido") from exc
    member = session.get(Member, data.get("m")) if isinstance(data, dict) else None
    if member is None:
        raise LookupError("token inválido")
    return member


def load_for_session(session: Session, member_id: int) -> Member | None:
    return session.scalars(select(Member).where(Member.id == member_id)
                           .options(selectinload(Member.dependants))).one_or_none()
