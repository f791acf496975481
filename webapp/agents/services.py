"""Agent services: accounts, sign-in, member look-up, the audit log and short links.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import quote

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.formatting import data, data_hora
from ..core.documents import digits
from ..core.passwords import hasher
from ..core.ratelimit import wait_text
from ..geo import municipalities
from ..members import devices as member_devices
from ..members import services as member_services
from ..members.models import Member
from ..plans.models import Product
from .models import AccessLog, Agent, ShortLink

MIN_PASSWORD = 12  # staff passwords open personal data: longer than the members' minimum
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
SESSION_HOURS = 12  # an agent's session lasts one shift at most, then a new sign-in
LOOKUP_MINUTES = 30  # how long one look-up ("consulta") keeps the member's screen open

# Why an agent opens a member's data; one must be picked before the member is shown.
LOOKUP_REASONS = {
    "ligacao": "Ligação do beneficiário",
    "whatsapp": "Conversa pelo WhatsApp",
    "email": "E-mail do beneficiário",
    "ouvidoria": "Ouvidoria",
    "presencial": "Atendimento presencial",
    "retorno": "Retorno de um protocolo aberto",
}
# Why a row is in the audit log: a look-up's reason, or the network team's work (no member involved).
REASONS = {**LOOKUP_REASONS, "rede": "Fila da equipe de rede"}

# What a row of the audit log records.
ACTIONS = {
    "consulta": "Consulta: carteirinha, família, plano e carências",
    "extrato": "Extrato de utilização e autorizações",
    "link": "Link enviado",
    "nao-encontrado": "Busca sem resultado",
    "nova-senha": "Link para nova senha enviado (WhatsApp)",
    "aparelho": "Aparelho desconectado (carteirinha)",
    # The network team's actions on a report (the detail names the report, provider and location).
    "rede-corrigido": "Rede: dados de um local corrigidos",
    "rede-saida": "Rede: saída de um plano registrada",
    "rede-verificado": "Rede: local verificado",
    "rede-rejeitado": "Rede: relato rejeitado",
    "rede-exportacao": "Rede: relatos e correções exportados (CSV)",
}

# Permissions an existing account may be granted or lose (``flask agents grant|revoke``).
PERMISSIONS = {"rede": "equipe de rede"}

MAX_PROTOCOL = 30


class AgentError(Exception):
    """A pt-BR message for the agent (or the CLI)."""


class SignInError(AgentError):
    """Wrong credentials, or the account is locked (``locked``, for ``retry_after`` seconds)."""

    def __init__(self, message: str, locked: bool = False, retry_after: int = 0):
        super().__init__(message)
        self.locked, self.retry_after = locked, retry_after


# --- accounts -------------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def create_agent(session: Session, username: str, name: str, password: str, supervisor: bool = False,
                 network_team: bool = False) -> Agent:
    username = normalise_username(username)
    name = " ".join((name or "").split())
    if not USERNAME.match(username):
        raise AgentError("Nome de usuário inválido: de 3 a 40 letras minúsculas, números, ponto, hífen ou "
                         "sublinhado, começando por letra ou número.")
    if not name or len(name) > 200:
        raise AgentError("Informe o nome completo do atendente (até 200 caracteres).")
    if len(password) < MIN_PASSWORD:
        raise AgentError(f"A senha precisa ter pelo menos {MIN_PASSWORD} caracteres.")
    if session.scalars(select(Agent.id).where(Agent.username == username)).first() is not None:
        raise AgentError(f"Já existe um atendente com o usuário “{username}”.")
    agent = Agent(username=username, name=name, password_hash=hasher.hash(password), is_supervisor=supervisor,
                  is_network_team=network_team, active=True, session_version=0)
    session.add(agent)
    session.flush()
    return agent


def roles_text(agent: Agent) -> str:
    """What the account may do, in words: "atendimento", "supervisão", "… e equipe de rede"."""
    role = "supervisão" if agent.is_supervisor else "atendimento"
    return f"{role} e equipe de rede" if agent.is_network_team else role


def set_permission(session: Session, username: str, permission: str, granted: bool) -> Agent:
    """Grant (or take away) *permission* (a key of ``PERMISSIONS``) on an existing account. It
    applies from the agent's next page: every request reads the account again."""
    if permission not in PERMISSIONS:
        raise AgentError(f"Permissão desconhecida: “{permission}”. Use: {', '.join(PERMISSIONS)}.")
    agent = session.scalars(select(Agent).where(Agent.username == normalise_username(username))).one_or_none()
    if agent is None:
        raise AgentError(f"Não existe atendente com o usuário “{normalise_username(username)}”.")
    agent.is_network_team = granted
    session.flush()
    return agent


def deactivate_agent(session: Session, username: str) -> Agent:
    agent = session.scalars(select(Agent).where(Agent.username == normalise_username(username))).one_or_none()
    if agent is None:
        raise AgentError(f"Não existe atendente com o usuário “{normalise_username(username)}”.")
    agent.active = False
    end_sessions(session, agent)  # signed out everywhere, now
    return agent


def sign_in(session: Session, username: str, password: str, attempts) -> Agent:
    """*attempts* counts tries per username and per address (``core.ratelimit.SignInAttempts``)."""
    account = normalise_username(username)
    wait = attempts.start(account)
    if wait:
        raise SignInError("Muitas tentativas erradas. Por segurança, o acesso está bloqueado. "
                          f"Tente de novo em {wait_text(wait)}.", locked=True, retry_after=wait)
    # A name no account can have (a NUL byte, which PostgreSQL refuses in text) is never looked up.
    agent = (session.scalars(select(Agent).where(Agent.username == account)).one_or_none()
             if USERNAME.fullmatch(account) else None)
    ok = False
    try:
        # Same work whether or not the account exists, so timing does not reveal it.
        ok = hasher.verify(agent.password_hash if agent is not None else hasher.decoy_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or agent is None:
        attempts.failed()
        raise SignInError("Usuário ou senha não conferem.")
    attempts.succeeded(account)
    if not agent.active:
        raise SignInError("Este acesso foi desativado. Fale com a supervisão.")
    return agent


def end_sessions(session: Session, agent: Agent) -> None:
    """Every session cookie of *agent* stops working (sign-out): an atomic increment, so two
    sign-outs at the same time both count."""
    session.execute(update(Agent).where(Agent.id == agent.id).values(session_version=Agent.session_version + 1))


def load_for_session(session: Session, agent_id, version, signed_in_at, now: datetime) -> Agent | None:
    """The agent of a session cookie, or None when it no longer holds (signed out, deactivated,
    older than ``SESSION_HOURS``)."""
    if not isinstance(agent_id, int) or not isinstance(signed_in_at, (int, float)):
        return None
    if now.timestamp() - signed_in_at > SESSION_HOURS * 3600 or signed_in_at > now.timestamp() + 60:
        return None
    agent = session.get(Agent, agent_id)
    if agent is None or not agent.active or agent.session_version != version:
        return None
    return agent


# --- look-up and the audit log --------------------------------------------------------------


def find_member(session: Session, identifier: str) -> Member | None:
    """The member whose CPF or card number is exactly *identifier* (punctuation ignored).

    Never a partial match: there is no way to list the member base from here."""
    key = digits(identifier or "")
    if len(key) < 6:
        return None
    return member_services.find_by_login(session, key)


def record(session: Session, agent: Agent, action: str, reason: str, ip: str, now: datetime, *,
           member: Member | None = None, lookup: AccessLog | None = None, protocol: str | None = None,
           detail: str | None = None, short_link: ShortLink | None = None) -> AccessLog:
    """Append one row to the audit log."""
    if action not in ACTIONS or reason not in REASONS:
        raise ValueError("ação ou motivo desconhecido")
    entry = AccessLog(at=now, agent_id=agent.id, member_id=member.id if member is not None else None,
                      reason=reason, protocol=protocol, action=action, detail=(detail or None) and detail[:300],
                      ip=(ip or "desconhecido")[:45], lookup_id=lookup.id if lookup is not None else None,
                      short_link_id=short_link.id if short_link is not None else None)
    session.add(entry)
    session.flush()
    return entry


def clean_protocol(raw: str | None) -> str | None:
    text = " ".join((raw or "").split())
    return text or None


class LookupClosed(AgentError):
    """The look-up is older than ``LOOKUP_MINUTES``: the agent looks the member up again."""


def open_lookup(session: Session, agent: Agent, lookup_id: int, now: datetime) -> AccessLog:
    """The agent's own look-up *lookup_id* while it is open; LookupError for anybody else's."""
    entry = session.get(AccessLog, lookup_id)
    if entry is None or entry.agent_id != agent.id or entry.action != "consulta" or entry.member_id is None:
        raise LookupError("consulta inexistente")
    if now - entry.at > timedelta(minutes=LOOKUP_MINUTES):
        raise LookupClosed("Esta consulta foi encerrada. Para ver os dados de novo, faça outra consulta "
                           "(ela também fica registrada).")
    return entry


def lookup_member(session: Session, lookup: AccessLog) -> Member:
    """The member an open look-up is about."""
    return session.get(Member, lookup.member_id)


def open_lookups(session: Session, agent: Agent, now: datetime, limit: int) -> list[tuple[AccessLog, Member]]:
    """The agent's latest look-ups that are still open (at most *limit*), newest first, each with
    its member."""
    since = now - timedelta(minutes=LOOKUP_MINUTES)
    rows = list(session.scalars(select(AccessLog).where(
        AccessLog.agent_id == agent.id, AccessLog.action == "consulta", AccessLog.at > since)
        .order_by(AccessLog.id.desc()).limit(limit)))
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_({r.member_id for r in rows})))}
    return [(r, members[r.member_id]) for r in rows]


def opened_in_lookup(session: Session, lookup: AccessLog, action: str) -> AccessLog | None:
    """The row that recorded opening *action* during *lookup*, if it was opened."""
    return session.scalars(select(AccessLog).where(AccessLog.lookup_id == lookup.id, AccessLog.action == action)
                           .order_by(AccessLog.id.desc())).first()


@dataclass
class MemberOverview:
    member: Member  # the person looked up
    holder: Member
    product: Product
    cards: list  # members.services.CardView, the whole family, holder first
    devices: dict  # member id → their live devices (members.models.MemberDevice), the newest first
    phone: str | None  # the phone on file for WhatsApp (the member's, else the holder's)
    phone_is_holders: bool
    suggested_municipality: municipalities.Municipality | None


def member_overview(session: Session, member: Member, secret: str, now: datetime) -> MemberOverview:
    holder = member_services.holder_of(session, member)
    cards = member_services.card_views(session, holder, secret, now)
    product = cards[0].product
    phone = member.phone or holder.phone
    return MemberOverview(member=member, holder=holder, product=product, cards=cards,
                          devices=member_devices.live_devices_of(session, [c.member.id for c in cards]), phone=phone,
                          phone_is_holders=member.phone is None and holder.phone is not None,
                          suggested_municipality=municipality_for_phone(phone))


def revoke_device(session: Session, agent: Agent, lookup: AccessLog, device_id: int, ip: str,
                  now: datetime) -> AccessLog | None:
    """Signs a device of the looked-up family out (their card on it stops making codes), recorded
    in the audit log; None when it is no live device of that family."""
    family = member_services.visible_family(session, member_services.holder_of(session, lookup_member(session, lookup)))
    device = member_devices.revoke_device(session, device_id, [p.id for p in family], f"atendente:{agent.id}")
    if device is None:
        return None
    owner = next(p for p in family if p.id == device.member_id)
    return record(session, agent, "aparelho", lookup.reason, ip, now, member=owner, lookup=lookup,
                  protocol=lookup.protocol, detail=f"{device.label}, conectado em {data(device.created_at)}")


def municipality_for_phone(phone: str | None) -> municipalities.Municipality | None:
    """The most populous municipality of the phone's area code (DDD): a starting point for a
    search the agent confirms with the member — the app keeps no address."""
    number = digits(phone or "")
    if len(number) not in (10, 11):
        return None
    ddd = int(number[:2])
    candidates = [m for m in municipalities.all_municipalities() if m.ddd == ddd]
    return max(candidates, key=lambda m: (m.population, -m.ibge_code), default=None)


# --- short links ----------------------------------------------------------------------------

# Codes: CODE_LENGTH characters drawn with `secrets` from the base58 alphabet (digits and
# letters without 0, O, I and l, which are confused when read aloud or typed; no "-" or "_",
# which WhatsApp may take for formatting). 58**16 ≈ 1.6e28 codes, about 93.7 bits.
CODE_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CODE_LENGTH = 16
LINK_DAYS = (1, 7, 15, 30, 60, 90)  # validity the agent may pick
DEFAULT_LINK_DAYS = 30
KINDS = {
    "busca": "Busca de dentistas",
    "dentista": "Página de um dentista",
    "plano": "Seção da página do plano",
    "posso-fazer": "Posso fazer? (um tratamento)",
}
# User agents of link-preview fetchers (the preview is not a visit by the member).
PREVIEW_AGENTS = ("whatsapp", "facebookexternalhit", "facebot", "twitterbot", "telegrambot", "slackbot",
                  "discordbot", "linkedinbot", "skypeuripreview", "googlebot", "bingbot")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def create_short_link(session: Session, agent: Agent, kind: str, target: str, title: str, days: int,
                      now: datetime) -> ShortLink:
    if kind not in KINDS or days not in LINK_DAYS:
        raise ValueError("tipo ou validade de link desconhecido")
    if not target.startswith("/") or target.startswith("//"):
        raise ValueError("o destino precisa ser um caminho deste site")
    # A collision is astronomically unlikely; the unique index decides, even between two
    # transactions drawing the same code at once (a savepoint keeps the rest of the transaction).
    attempts = 5
    for attempt in range(1, attempts + 1):
        link = ShortLink(code=new_code(), kind=kind, target=target, title=title[:300], created_by=agent.id,
                         created_at=now, expires_at=now + timedelta(days=days), visits=0)
        try:
            with session.begin_nested():
                session.add(link)
        except IntegrityError:
            if attempt == attempts:
                raise
        else:
            return link


def link_made_in_lookup(session: Session, lookup: AccessLog, code: str) -> ShortLink | None:
    """The short link *code* when it was made during *lookup* (an agent sees only those)."""
    if not is_well_formed(code):
        return None
    link = session.scalars(select(ShortLink).where(ShortLink.code == code)).one_or_none()
    if link is None:
        return None
    made_here = session.scalars(select(AccessLog.id).where(
        AccessLog.lookup_id == lookup.id, AccessLog.action == "link", AccessLog.short_link_id == link.id)).first()
    return link if made_here else None


class LinkExpired(Exception):
    def __init__(self, link: ShortLink):
        super().__init__(link.code)
        self.link = link


def resolve(session: Session, code: str, now: datetime) -> ShortLink:
    """The live link of *code*; LookupError when unknown, LinkExpired when past its validity."""
    if not is_well_formed(code):
        raise LookupError(code)
    link = session.scalars(select(ShortLink).where(ShortLink.code == code)).one_or_none()
    if link is None:
        raise LookupError(code)
    if link.expires_at <= now:
        raise LinkExpired(link)
    return link


def count_visit(session: Session, link: ShortLink, now: datetime) -> None:
    """One more visit, as a single atomic UPDATE (two people opening it at once both count)."""
    session.execute(update(ShortLink).where(ShortLink.id == link.id)
                    .values(visits=ShortLink.visits + 1, last_visit_at=now))


def is_preview_fetch(user_agent: str | None) -> bool:
    text = (user_agent or "").lower()
    return any(bot in text for bot in PREVIEW_AGENTS)


def whatsapp_number(phone: str | None) -> str | None:
    """55 + DDD + number for wa.me, from a Brazilian phone on file; None when it is not one."""
    number = digits(phone or "")
    if number.startswith("55") and len(number) in (12, 13):
        number = number[2:]
    if len(number) not in (10, 11) or int(number[:2]) not in _area_codes():
        return None
    return "55" + number


@lru_cache(maxsize=1)
def _area_codes() -> frozenset[int]:
    return frozenset(m.ddd for m in municipalities.all_municipalities())


def whatsapp_url(phone: str | None, text: str) -> str | None:
    number = whatsapp_number(phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def whatsapp_message(title: str, url: str, expires_at: datetime) -> str:
    until = data(expires_at)
    return (f"Olá! Aqui é do atendimento do Guia Odonto. Como combinamos, segue o link — {title}:\n"
            f"{url}\n(válido até {until})")


def reset_phone(member: Member) -> str | None:
    """Where a reset link may go: the member's own mobile on file (never the holder's: the link
    opens this person's account), when WhatsApp can reach it."""
    return member.phone if whatsapp_number(member.phone) else None


def reset_message(url: str, expires_at: datetime) -> str:
    """The WhatsApp text of a reset link: no name (the phone may not be the member's alone)."""
    return ("Olá! Aqui é do atendimento do Guia Odonto. Como combinamos, segue o link para criar uma nova senha "
            f"(vale uma vez só, até {data_hora(expires_at)}; vamos pedir a sua data de nascimento):\n{url}\n"
            "Se não foi você que pediu, ignore esta mensagem: a sua senha continua a mesma.")
