"""Demo families, one per product, created by `flask --app webapp members demo` in demo mode.

The families are written as the operator's member file and loaded through the member import
(:mod:`.importer`), as an operator's file would be. Inclusion dates are relative to the day the command runs, so that some waiting periods are
still running: the holder joined over a year ago, the spouse 45 days ago, a child 10 days ago.
A product whose document admits no dependants (SINTAEMA MASTER, art. 5º, III: "somente na
modalidade individual") gets a holder alone; the catalog's ``enrolment`` decides.
CPFs are generated with valid check digits from fixed seeds; every demo holder and spouse has
the same password, shown on the sign-in page only in demo mode, and an e-mail at demo.invalid.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from ..core.clock import TIMEZONE
from ..core.passwords import hasher
from ..core.text import fold
from ..plans.models import Product
from .importer import import_members
from .layout import COLUMN_NAMES
from .models import Member

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


#: As the operator's file gives it (F/M), so pages can say "filha" or "filho".
SEXES = {
    "Mariana Alves Rocha": "F", "Paulo Rocha": "M", "Lívia Alves Rocha": "F",
    "José Carlos Mendes": "M", "Ana Paula Mendes": "F", "Pedro Mendes": "M",
    "Cláudia Ferreira Lima": "F", "Roberto Lima": "M", "Beatriz Ferreira Lima": "F",
    "Antônio Pereira Santos": "M",
    "Fernanda Souza Costa": "F", "Ricardo Costa": "M", "Sofia Souza Costa": "F",
    "Luiz Henrique Barbosa": "M", "Patrícia Barbosa": "F", "Davi Barbosa": "M",
}


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


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


def _email(name: str) -> str:
    """``"Lívia Alves Rocha"`` → ``"livia.alves.rocha@demo.invalid"``: a reserved domain (RFC 2606) that
    never resolves, so "Esqueci minha senha" can be tried in the demo (the code is written to the
    console) and nothing reaches anybody even with MAIL_URL set."""
    return fold(name).replace(" ", ".") + "@demo.invalid"


def demo_rows(products: dict[str, Product], today: date) -> list[dict]:
    """The demo families as rows of the operator's member file (:data:`.layout.MEMBERS`)."""
    rows = []
    for index, (slug, holder_name, spouse_name, child_name, ddd) in enumerate(FAMILIES, start=1):
        product = products[slug]
        if (spouse_name is not None) != admits_dependants(product):
            raise ValueError(f"família de demonstração de {slug} não segue a adesão do plano")
        card_base = f"9{index:02d}{product.id:03d}"
        holder_card = f"{card_base}0001"
        contracting = today - timedelta(days=420)
        family = {"contract_number": f"CT-{2024000 + index}", "contracting_date": contracting.isoformat(),
                  "product": slug, "status": "ativo"}
        rows.append({
            **family, "card_number": holder_card, "kinship": "titular", "name": holder_name,
            "cpf": make_cpf(index * 10 + 1), "birth_date": date(1980 + index, index, 10 + index).isoformat(),
            "sex": SEXES[holder_name], "cns": f"7{index:02d}00{index:011d}"[:15],
            "inclusion_date": contracting.isoformat(), "inclusion_time": "09:00",
            "phone": f"({ddd}) 9{index}888-12{index:02d}", "email": _email(holder_name),
        })
        if spouse_name is None:
            continue
        rows += [
            {**family, "card_number": f"{card_base}0002", "holder_card_number": holder_card, "kinship": "conjuge",
             "name": spouse_name, "cpf": make_cpf(index * 10 + 2),
             "birth_date": date(1982 + index, 12 - index, 5 + index).isoformat(), "sex": SEXES[spouse_name],
             "cns": f"8{index:02d}00{index + 1:011d}"[:15],
             "inclusion_date": (today - timedelta(days=45)).isoformat(), "inclusion_time": "14:00",
             "email": _email(spouse_name)},
            # A young child: no CPF, no e-mail, no password (the holder sees the child's card);
            # four years old on any day, 29 February too.
            {**family, "card_number": f"{card_base}0003", "holder_card_number": holder_card, "kinship": "filho",
             "name": child_name, "birth_date": (today - timedelta(days=4 * 365 + 1)).isoformat(),
             "sex": SEXES[child_name], "cns": f"9{index:02d}00{index + 2:011d}"[:15],
             "inclusion_date": (today - timedelta(days=10)).isoformat(), "inclusion_time": "11:00"},
        ]
    return rows


def create_demo_families(session: Session, today: date) -> int:
    """The demo families not yet there, written as the operator's member file and imported
    through :func:`.importer.import_members`; then the demo password for holders and spouses.
    Families already imported are left as they are. The number of members created."""
    products = {p.slug: p for p in session.scalars(select(Product).options(undefer(Product.document)))}
    rows = demo_rows(products, today)
    holders = [r["card_number"] for r in rows if r["kinship"] == "titular"]
    present = set(session.scalars(select(Member.card_number).where(Member.card_number.in_(holders))))
    rows = [r for r in rows if r.get("holder_card_number", r["card_number"]) not in present]
    if not rows:
        return 0
    with tempfile.TemporaryDirectory(prefix="guia-beneficiarios-") as tmp:
        report = import_members(session, write_csv(Path(tmp) / "beneficiarios.csv", rows, COLUMN_NAMES), today=today)
    if report.rejects:
        raise ValueError(f"famílias de demonstração rejeitadas: {report.rejects}")
    with_password = [r["card_number"] for r in rows if r["kinship"] in ("titular", "conjuge")]
    session.execute(update(Member).where(Member.card_number.in_(with_password), Member.password_hash.is_(None))
                    .values(password_hash=demo_password_hash(), password_set_at=_moment(today)))
    session.flush()
    return report.created


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
