"""The plan catalog as the pages read it: products, their sections, coverage and waiting-period
tables, coverage area, exemptions and the document's rule on prior authorization.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.  The
waiting-period dates of a person are in ``schedules.py``, the "posso fazer?" answers in
``answers.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from ..core.parsing import is_slug
from ..core.text import fold
from ..geo.coverage import CoverageArea
from . import models
from .waiting import Rule

CATEGORY_NAMES = {
    "diagnostico": "Diagnóstico", "urgencia": "Urgência e emergência", "radiologia": "Radiologia",
    "prevencao": "Prevenção", "dentistica": "Dentística", "odontopediatria": "Odontopediatria",
    "endodontia": "Endodontia", "periodontia": "Periodontia", "cirurgia": "Cirurgia",
    "protese": "Prótese", "ortodontia": "Ortodontia", "estetica": "Estética", "outros": "Outros",
}

CONTRACT_TYPE_NAMES = {
    "individual-familiar": "Individual ou familiar",
    "coletivo-adesao": "Coletivo por adesão",
    "coletivo-empresarial": "Coletivo empresarial",
}

# Kinship in words, as a person would write it: (female, male, either) by the person's sex (F/M)
# where the operator's file gives it. No "filho(a)": inside "Davi Barbosa (filho(a))" the brackets nest.
KINSHIP_WORDS = {
    "titular": ("titular", "titular", "titular"),
    "conjuge": ("cônjuge", "cônjuge", "cônjuge"),
    "companheiro": ("companheira", "companheiro", "companheiro ou companheira"),
    "filho": ("filha", "filho", "filho ou filha"),
    "enteado": ("enteada", "enteado", "enteado ou enteada"),
    "menor-sob-guarda": ("menor sob guarda", "menor sob guarda", "menor sob guarda"),
    "tutelado": ("tutelada", "tutelado", "tutelado ou tutelada"),
    "filho-invalido": ("filha com invalidez", "filho com invalidez", "filho ou filha com invalidez"),
    "pai-mae": ("mãe", "pai", "pai ou mãe"),
    "sogro-sogra": ("sogra", "sogro", "sogro ou sogra"),
    "neto": ("neta", "neto", "neto ou neta"),
    "irmao": ("irmã", "irmão", "irmão ou irmã"),
    "avo": ("avó", "avô", "avô ou avó"),
}
#: Each kinship code in words that fit either sex.
RELATIONSHIP_NAMES = {code: words[2] for code, words in KINSHIP_WORDS.items()}


def kinship_name(kinship: str, sex: str | None = None) -> str:
    """The kinship *kinship* (``filho``, ``pai-mae``…) in words, by *sex* (``F``/``M``) when known:
    ``kinship_name("filho", "F")`` → ``"filha"``; unknown sex → ``"filho ou filha"``."""
    words = KINSHIP_WORDS.get(kinship)
    if words is None:
        return kinship.replace("-", " ")
    return {"F": words[0], "M": words[1]}.get(sex or "", words[2])


def list_products(session: Session, with_document: bool = False) -> list[models.Product]:
    """The products in catalog order; ``with_document`` also loads each one's operator and
    catalog entry (the plans index), which a search page does not need."""
    stmt = select(models.Product).order_by(models.Product.position)
    if with_document:
        stmt = stmt.options(selectinload(models.Product.operator), undefer(models.Product.document))
    return list(session.scalars(stmt))


def product_slugs(session: Session) -> frozenset[str]:
    """Every product's slug: what a search's ``plano`` is checked against (one short read, no
    objects: a cached search page needs nothing more of the catalog)."""
    return frozenset(slug for (slug,) in session.connection().exec_driver_sql("SELECT slug FROM product"))


def get_product(session: Session, slug: str) -> models.Product | None:
    if not is_slug(slug):
        return None
    stmt = (
        select(models.Product)
        .where(models.Product.slug == slug)
        .options(
            undefer(models.Product.document),
            selectinload(models.Product.operator),
            selectinload(models.Product.states),
            selectinload(models.Product.municipalities),
            selectinload(models.Product.waiting_periods),
            selectinload(models.Product.exemptions),
            selectinload(models.Product.exclusions),
            selectinload(models.Product.procedures).selectinload(models.ProductProcedure.procedure),
        )
    )
    return session.scalars(stmt).one_or_none()


def product_slug(session: Session, product_id: int) -> str:
    return session.scalar(select(models.Product.slug).where(models.Product.id == product_id))


def member_product(session: Session, product_id: int) -> models.Product:
    """A member's product (by the member's ``product_id``), loaded as :func:`get_product` loads it."""
    return get_product(session, product_slug(session, product_id))


def waiting_rules(product: models.Product) -> list[Rule]:
    return [
        Rule(
            label=w.label, section=w.section, hours=w.hours, days=w.days,
            applies_to_all=w.applies_to_all, categories=frozenset(w.categories),
            procedures=frozenset(w.procedures),
        )
        for w in product.waiting_periods
    ]


def exemption_effect(product: models.Product, code: str | None) -> str | None:
    if code is None:
        return None
    for exemption in product.exemptions:
        if exemption.code == code:
            return exemption.effect
    raise LookupError(f"isenção desconhecida para {product.slug}: {code}")


@dataclass
class WaitingGroup:
    section: str | None
    rows: list[tuple[str, Rule]]


def waiting_overview(product: models.Product) -> list[WaitingGroup]:
    """The product's waiting-period statements grouped by the document's table headings."""
    groups: list[WaitingGroup] = []
    for rule in waiting_rules(product):
        if not groups or groups[-1].section != rule.section:
            groups.append(WaitingGroup(section=rule.section, rows=[]))
        groups[-1].rows.append((rule.label, rule))
    return groups


@dataclass
class CoverageGroup:
    heading: str
    category: str
    wordings: list[str]


def coverage_overview(product: models.Product) -> list[CoverageGroup]:
    groups: list[CoverageGroup] = []
    for pp in product.procedures:
        if not groups or groups[-1].heading != pp.heading:
            groups.append(CoverageGroup(heading=pp.heading, category=pp.category, wordings=[]))
        groups[-1].wordings.append(pp.wording)
    return groups


def coverage_area(product: models.Product):
    """The product's coverage area as a geo :class:`~webapp.geo.coverage.CoverageArea`.

    Kept per (product, updated_at): a search asks for it on every request, and it changes only
    when the catalog is loaded again (which moves ``updated_at``).
    """
    key = (product.id, product.updated_at)
    area = _AREAS.get(key)
    if area is None:
        area = CoverageArea(kind=product.coverage_kind, states=frozenset(s.uf for s in product.states),
                            municipalities=frozenset(m.ibge_code for m in product.municipalities))
        if len(_AREAS) > 64:
            _AREAS.clear()
        _AREAS[key] = area
    return area


_AREAS: dict[tuple, object] = {}

# A word the document's publisher masked letter by letter ("Xxxxxxxxx", "Xxx", "xx", "XX").
_REDACTED = re.compile(r"\b(?:X[x]+|[Xx]{2,})\b")
INFERRED_NAMES_NOTE = ("nomes inferidos pelo Guia Odonto: no documento do plano eles aparecem ocultos, "
                       "com as letras trocadas por “x”")


def coverage_text(area) -> str:
    """The coverage area in words for people: the document's description, except where the
    document masks the municipalities' names ("Xxxxxxxxx, Xxxxxx…"), which is never shown as
    such — the text before the mask, then the municipalities the catalog decoded, with a note
    that they were inferred. *area* is the catalog's ``coverage_area`` (a mapping)."""
    description = (area.get("description") or "").strip()
    names = list(area.get("municipality_names") or ())
    mask = _REDACTED.search(description)
    if mask is None or area.get("kind") != "municipalities" or not names:
        return description
    lead = description[:mask.start()].rstrip(" ,:;")
    return f"{lead} {_municipality_list(names)} ({INFERRED_NAMES_NOTE}).".lstrip()


def _municipality_list(labels: list[str]) -> str:
    """``["Osasco/SP", "São Paulo/SP"]`` → ``"Osasco e São Paulo/SP"`` (the UF once when shared)."""
    ufs = {label.rpartition("/")[2] for label in labels}
    if len(ufs) == 1 and all("/" in label for label in labels):
        words, suffix = [label.rpartition("/")[0] for label in labels], "/" + ufs.pop()
    else:
        words, suffix = labels, ""
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " e " + words[-1]
    return joined + suffix


def enrolment_summary(enrolment: dict) -> str:
    """One pt-BR line on who may join, from the catalog's ``enrolment`` (with its clause)."""
    ref = f" ({enrolment['reference']})"
    modalities = list(enrolment.get("modalities") or ())
    if not enrolment["dependants"]:
        if modalities == ["individual"]:
            return f"Só o titular, sem dependentes: plano oferecido somente na modalidade individual{ref}."
        return f"Só o titular, sem dependentes{ref}."
    if modalities:
        return f"Titular e dependentes: modalidade{'s' if len(modalities) > 1 else ''} {' e '.join(modalities)}{ref}."
    return f"Titular e dependentes{ref}."


MONEY_TOPIC_TITLES = {
    "pagamento": "Mensalidade e taxas",
    "atraso": "Atraso no pagamento: suspensão e exclusão",
    "reajuste": "Reajuste",
    "cancelamento": "Cancelamento e exclusão do plano",
    "transferencia": "Mudança de plano",
    "vigencia": "Vigência e permanência mínima",
}
"""The topics of the section "pagamento-e-cancelamento", in page order (``schema.MONEY_TOPIC_IDS``)."""

NOT_ADDRESSED = "O documento não trata disso."


@dataclass(frozen=True)
class MoneyTopic:
    id: str
    title: str
    rules: list[dict]  # {"text", "reference"}, in document order; empty when the document is silent


def payment_and_leaving(product: models.Product) -> list[MoneyTopic]:
    """What the product's document says on paying and leaving, one entry per topic, every topic
    present (an empty one is a topic the document does not address)."""
    rules = product.document["payment_and_leaving"]["rules"]
    return [
        MoneyTopic(id=topic, title=title,
                   rules=[{"text": r["text"], "reference": r["reference"]} for r in rules if r["topic"] == topic])
        for topic, title in MONEY_TOPIC_TITLES.items()
    ]


SECTION_TITLES = {
    "coberturas": "Coberturas",
    "carencias": "Carências",
    "exclusoes": "O que o plano não cobre",
    "urgencia": "Urgência e emergência",
    "reembolso": "Reembolso",
    "regras": "Regras de uso",
    "pagamento-e-cancelamento": "Pagamento, reajuste e cancelamento",
    "dependentes": "Quem pode entrar no plano",
    "contatos": "Contatos",
    "duvidas": "Dúvidas frequentes",
}
"""The plan page's sections by anchor (stable, public: links open them directly)."""


def product_sections(product: models.Product) -> list[str]:
    """Anchors of the sections the product's document supports, in page order.

    Coverage, waiting periods and who may join are required by the catalog schema; contacts are
    always shown (at least the Disque ANS, and the page says when the document prints no channel); every
    other section exists only when the document has something to put in it.
    """
    doc = product.document
    present = {
        "coberturas": True,
        "carencias": True,
        "exclusoes": bool(product.exclusions),
        "urgencia": bool(doc.get("urgency")),
        "reembolso": bool(doc.get("reimbursement")),
        "regras": bool(doc.get("rules_of_use")),
        "pagamento-e-cancelamento": True,  # required: every topic stated or declared not addressed
        "dependentes": True,  # the catalog requires ``enrolment`` (who may join)
        "contatos": True,
        "duvidas": bool(doc.get("faq")),
    }
    return [anchor for anchor in SECTION_TITLES if present[anchor]]


@dataclass(frozen=True)
class PriorAuthorization:
    """What the document says about prior authorization by the operator."""

    text: str  # the document's wording
    reference: str | None
    except_urgency: bool  # urgency/emergency care is exempt (e.g. LEVE 15.5.1)


def prior_authorization(product: models.Product) -> PriorAuthorization | None:
    """The document's rule on prior authorization, or None when it says nothing.

    Found among the rules of use: a statement about an authorization that is *prior*
    ("prévia autorização", "autorização ... prévias").  Only documents that say so get an answer.
    """
    for rule in product.document.get("rules_of_use") or ():
        words = fold(rule["text"]).split()
        if any(w.startswith("autoriza") for w in words) and any(w in ("previa", "previas") for w in words):
            return PriorAuthorization(
                text=rule["text"], reference=rule.get("reference"),
                except_urgency="exceto" in words and any(w.startswith("urgencia") for w in words),
            )
    return None


@dataclass(frozen=True)
class UrgencyNaming:
    """Where a product's document names a procedure as urgency care."""

    text: str  # the document's words (a situation of its urgency list, or a table row)
    reference: str | None


def urgency_procedures(product: models.Product) -> dict[str, UrgencyNaming]:
    """The procedures the product's own document names as urgency care, by vocabulary id: the
    situations of its urgency list (``urgency.procedures``) and the rows of its waiting-period
    table under an "Urgência" heading (LEVE 13.3).  Kept per (product, updated_at)."""
    key = (product.id, product.updated_at)
    found = _URGENCY.get(key)
    if found is None:
        found = {}
        urgency = product.document.get("urgency") or {}
        for situation in urgency.get("procedures") or ():
            for procedure_id in situation["procedures"]:
                found.setdefault(procedure_id, UrgencyNaming(situation["text"], urgency.get("reference")))
        table = (product.document.get("waiting_periods") or {}).get("reference")
        for statement in product.waiting_periods:
            if statement.section and fold(statement.section).startswith("urgencia"):
                for procedure_id in statement.procedures:
                    found.setdefault(procedure_id, UrgencyNaming(
                        statement.label, ", ".join(filter(None, (table, statement.section)))))
        if len(_URGENCY) > 64:
            _URGENCY.clear()
        _URGENCY[key] = found
    return found


_URGENCY: dict[tuple, dict[str, UrgencyNaming]] = {}


def is_urgency_procedure(product: models.Product, procedure: models.Procedure) -> bool:
    """The product's document names the procedure as urgency care (see :func:`urgency_procedures`)."""
    return procedure.id in urgency_procedures(product)


@dataclass(frozen=True)
class ExclusionScope:
    categories: frozenset[str]
    procedures: frozenset[str]
    except_covered: bool

    @property
    def named(self) -> bool:
        return bool(self.categories or self.procedures)

    def reaches(self, procedure: models.Procedure) -> bool:
        return procedure.id in self.procedures or procedure.category in self.categories


def exclusion_scope(product: models.Product, exclusion: models.Exclusion) -> ExclusionScope:
    """What *exclusion* names, read from the product's validated catalog entry (the exclusion rows
    keep only text and topics; the entry holds the rest, in the same order)."""
    entries = product.document.get("exclusions") or ()
    entry = entries[exclusion.position] if exclusion.position < len(entries) else {}
    return ExclusionScope(categories=frozenset(entry.get("categories") or ()),
                          procedures=frozenset(entry.get("procedures") or ()),
                          except_covered=bool(entry.get("except_covered")))


def known_exemption(product: models.Product, code: str | None) -> str | None:
    """*code* when the product has that exemption; otherwise None (never a crash on bad data)."""
    if code and any(e.code == code for e in product.exemptions):
        return code
    return None


def exemption_text(product: models.Product, code: str | None) -> str | None:
    for exemption in product.exemptions:
        if exemption.code == code:
            return exemption.text
    return None
