"""Demo families, one per product, created by `flask --app webapp members demo` in demo mode.

Inclusion dates are relative to the day the command runs, so that some waiting periods are
still running: the holder joined over a year ago, the spouse 45 days ago, a child 10 days ago.
A product whose document admits no dependants (SINTAEMA MASTER, art. 5º, III: "somente na
modalidade individual") gets a holder alone; the catalog's ``enrolment`` decides.
CPFs are generated with valid check digits from fixed seeds; every demo member has the same
password, shown on the sign-in page only in demo mode.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.clock import TIMEZONE
from ..plans.models import Product
from .models import Member
from ..core.passwords import hasher

DEMO_PASSWORD = "demo-odonto"

# (product slug, holder, spouse, child, holder phone DDD); no spouse nor child where the product
# takes no dependants.
FAMILIES = [
    ("cassems-odonto", "Mariana Alves Rocha", "Paulo Rocha", "Lívia Alves Rocha", "67"),
    ("sintaema-convencional", "José Carlos Mendes", "Ana Paula Mendes", "Pedro Mendes", "11"),
    ("sintaema-integral", "Cláudia Ferreira Lima", "Roberto Lima", "Beatriz Ferreira Lima", "11"),
    ("sintaema-master", "Antônio Pereira Santos", None, None, "11"),
    ("sao-cristovao-odontologico", "Fernanda Souza Costa", "Ricardo Costa", "Sofia Souza Costa", "11"),
    ("leve-dental-rj-1-adesao", "Luiz Henrique Barbosa", "Patrícia Barbosa", "Davi Barbosa", "21"),
]


def demo_password_hash() -> str:
    return hasher.hash_once(DEMO_PASSWORD)


def make_cpf(seed: int) -> str:
    base = [int(c) for c in f"{(seed * 7919 + 123456789) % 10**9:09d}"]
    for n in (10, 11):
        rest = sum(d * w for d, w in zip(base, range(n, 1, -1))) % 11
        base.append(0 if rest < 2 else 11 - rest)
    return "".join(map(str, base))


def _moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TIMEZONE)


def create_demo_families(session: Session, today: date) -> int:
    created = 0
    products = {p.slug: p for p in session.scalars(select(Product))}
    for index, (slug, holder_name, spouse_name, child_name, ddd) in enumerate(FAMILIES, start=1):
        if (spouse_name is not None) != admits_dependants(products[slug]):
            raise ValueError(f"família de demonstração de {slug} não segue a adesão do plano")
        card_base = f"{index:02d}{products[slug].id:03d}"
        if session.scalars(select(Member).where(Member.card_number == f"9{card_base}0001")).first():
            continue
        contract = f"CT-{2024000 + index}"
        contracting = today - timedelta(days=420)
        holder = Member(
            product_id=products[slug].id, kinship="titular", name=holder_name, cpf=make_cpf(index * 10 + 1),
            birth_date=date(1980 + index, index, 10 + index), cns=f"7{index:02d}00{index:011d}"[:15],
            card_number=f"9{card_base}0001", contract_number=contract, contracting_date=contracting,
            inclusion_at=_moment(contracting), phone=f"({ddd}) 9{index}888-12{index:02d}",
            # A reserved domain (RFC 2606): "Esqueci minha senha" can be tried in the demo (the code
            # is written to the console), and nothing can reach anybody if MAIL_URL is set.
            email=f"titular{index}@demo.invalid",
            password_hash=demo_password_hash(), password_set_at=_moment(today),
        )
        session.add(holder)
        session.flush()
        created += 1
        if spouse_name is None:
            continue
        session.add_all([
            Member(product_id=holder.product_id, holder_id=holder.id, kinship="conjuge", name=spouse_name,
                   cpf=make_cpf(index * 10 + 2), birth_date=date(1982 + index, 12 - index, 5 + index),
                   cns=f"8{index:02d}00{index + 1:011d}"[:15], card_number=f"9{card_base}0002",
                   contract_number=contract, contracting_date=contracting,
                   inclusion_at=_moment(today - timedelta(days=45), 14),
                   password_hash=demo_password_hash(), password_set_at=_moment(today)),
            # A young child: no CPF, no password (the holder sees the child's card).
            Member(product_id=holder.product_id, holder_id=holder.id, kinship="filho", name=child_name,
                   cpf=None, birth_date=today - timedelta(days=4 * 365 + 1),  # four years old on any day, 29 February too
                   cns=f"9{index:02d}00{index + 2:011d}"[:15],
                   card_number=f"9{card_base}0003", contract_number=contract, contracting_date=contracting,
                   inclusion_at=_moment(today - timedelta(days=10), 11)),
        ])
        created += 2
    session.flush()
    return created


def admits_dependants(product: Product) -> bool:
    return bool(product.document["enrolment"]["dependants"])


def demo_logins(session: Session) -> list[tuple[str, str, str]]:
    """(product name, holder CPF formatted, spouse CPF formatted or why there is none) for the
    sign-in page."""
    rows = []
    products = {p.slug: p for p in session.scalars(select(Product))}
    for index, (slug, _holder, spouse_name, *_rest) in enumerate(FAMILIES, start=1):
        holder_cpf, spouse_cpf = make_cpf(index * 10 + 1), make_cpf(index * 10 + 2)
        if session.scalars(select(Member.id).where(Member.cpf == holder_cpf)).first() is None:
            continue
        spouse = _fmt(spouse_cpf) if spouse_name else "Sem dependentes (plano individual)"
        rows.append((products[slug].name, _fmt(holder_cpf), spouse))
    return rows


def _fmt(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
