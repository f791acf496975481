"""Members in tests: the demo families' people, and the two ways in — through ``/entrar``, as a
person signs in, or straight into the session cookie, without the slow password hash."""

from __future__ import annotations

from datetime import date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.pages import csrf
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member
from webapp.plans.models import Product

CASSEMS, LEVE = 1, 6  # family numbers in webapp.members.demo.FAMILIES (1-based)


def holder_cpf(family: int) -> str:
    return make_cpf(family * 10 + 1)


def spouse_cpf(family: int) -> str:
    return make_cpf(family * 10 + 2)


CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF = holder_cpf(CASSEMS), spouse_cpf(CASSEMS)
LEVE_HOLDER_CPF = holder_cpf(LEVE)  # holder phone "(21) 96888-1206"


def demo_families(session: Session, day: date) -> Session:
    """The demo families (a holder, a spouse and a child per product; MASTER's holder alone) made on
    *day*; the session."""
    create_demo_families(session, day)
    session.flush()
    return session


def member_by_cpf(session: Session, cpf: str) -> Member:
    return session.scalars(select(Member).where(Member.cpf == cpf)).one()


def family_of(session: Session, family: int) -> tuple[Member, Member, Member]:
    """The holder, spouse and child of demo family number *family*."""
    holder = member_by_cpf(session, holder_cpf(family))
    spouse, child = sorted(holder.dependants, key=lambda m: m.id)
    return holder, spouse, child


def sign_in(client: FlaskClient, login: str, password: str = DEMO_PASSWORD):
    """Sign in through ``/entrar`` as a person does (the form's CSRF token and all); the response."""
    token = csrf(client, "/entrar")
    return client.post("/entrar", data={"login": login, "senha": password, "csrf_token": token})


def signed_in(client: FlaskClient, login: str) -> None:
    """Sign in with the demo password, and make sure it worked."""
    response = sign_in(client, login)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def member_session(client: FlaskClient, member: Member) -> None:
    """Put *member*'s session in the client's cookie: what a sign-in does, without the slow hash.
    *member* is a Member, or anything with its ``id`` and ``session_version``."""
    with client.session_transaction() as sess:
        sess.clear()
        sess["member"] = {"id": member.id, "v": member.session_version}


def add_family(session: Session, slug: str, people: list[tuple[str, str, datetime]], exemption: str | None = None,
               seed: int = 900) -> list[Member]:
    """A family of product *slug*: *people* are (name, kinship, inclusion moment), the holder
    first; CPFs and card numbers from *seed* (keep it apart from the demo families' 11–63).
    *exemption* is given to every person."""
    product_id = session.scalars(select(Product.id).where(Product.slug == slug)).one()
    members: list[Member] = []
    for n, (name, kinship, inclusion) in enumerate(people):
        member = Member(
            product_id=product_id, holder_id=members[0].id if members else None, kinship=kinship, name=name,
            cpf=make_cpf(seed + n), birth_date=date(1990, 1, 1 + n), card_number=f"8{seed:05d}{n:04d}",
            contract_number=f"CT-{seed}", contracting_date=members[0].contracting_date if members else inclusion.date(),
            inclusion_at=inclusion, exemption=exemption,
        )
        session.add(member)
        session.flush()
        members.append(member)
    return members


NEW_PASSWORD = "senha-nova-456"


def identity(member: Member) -> dict[str, str]:
    """What "Esqueci minha senha" and first access ask: CPF, birth date, card number."""
    return {"cpf": member.cpf, "nascimento": member.birth_date.isoformat(), "carteirinha": member.card_number}


def ask_reset_code(client: FlaskClient, member: Member, **changes: str):
    """Post *member*'s identity to ``/esqueci-senha`` (with *changes*), as a person does; the response."""
    token = csrf(client, "/esqueci-senha")
    return client.post("/esqueci-senha", data={**identity(member), **changes, "csrf_token": token})


def send_reset_code(client: FlaskClient, code: str, password: str = NEW_PASSWORD, confirmation: str | None = None):
    """Post the code and a new password to ``/esqueci-senha/codigo``; the response."""
    token = csrf(client, "/esqueci-senha")  # any page's form: the token is the session's
    return client.post("/esqueci-senha/codigo", data={
        "codigo": code, "senha": password, "confirmacao": password if confirmation is None else confirmation,
        "csrf_token": token})
