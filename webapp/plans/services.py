"""Plan catalog services: read products, work out waiting periods, answer "posso fazer?".

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from ..core.text import fold
from . import models
from .waiting import Availability, Rule, availability

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

# Short words that carry no meaning in a search ("tratamento de canal").
STOPWORDS = frozenset("a o e de da do das dos em no na nos nas para por com sem um uma".split())


def list_products(session: Session, with_document: bool = False) -> list[models.Product]:
    """The products in catalog order; ``with_document`` also loads each one's operator and
    catalog entry (the plans index), which a search page does not need."""
    stmt = select(models.Product).order_by(models.Product.position)
    if with_document:
        stmt = stmt.options(selectinload(models.Product.operator), undefer(models.Product.document))
    return list(session.scalars(stmt))


def get_product(session: Session, slug: str) -> models.Product | None:
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


def waiting_rules(product: models.Product) -> list[Rule]:
    return [
        Rule(
            label=w.label, section=w.section, hours=w.hours, days=w.days,
            applies_to_all=w.applies_to_all, categories=frozenset(w.categories),
            procedures=frozenset(w.procedures),
        )
        for w in product.waiting_periods
    ]


def procedure_categories(session: Session, product: models.Product, procedure_id: str) -> set[str]:
    """Categories the product lists *procedure_id* under, plus its vocabulary category."""
    cats = {pp.category for pp in product.procedures if pp.procedure_id == procedure_id}
    vocab = session.get(models.Procedure, procedure_id)
    if vocab is not None:
        cats.add(vocab.category)
    return cats


class UnknownProcedure(LookupError):
    pass


def exemption_effect(product: models.Product, code: str | None) -> str | None:
    if code is None:
        return None
    for exemption in product.exemptions:
        if exemption.code == code:
            return exemption.effect
    raise LookupError(f"isenção desconhecida para {product.slug}: {code}")


def procedure_availability(
    session: Session,
    product: models.Product,
    procedure_id: str,
    inclusion: date | datetime,
    *,
    exemption: str | None = None,
    holder_inclusion: date | datetime | None = None,
) -> Availability:
    """When a member of *product* included at *inclusion* may have *procedure_id* done."""
    if session.get(models.Procedure, procedure_id) is None:
        raise UnknownProcedure(procedure_id)
    return availability(
        waiting_rules(product), procedure_id, procedure_categories(session, product, procedure_id),
        inclusion, exemption=exemption_effect(product, exemption), holder_inclusion=holder_inclusion,
    )


# --------------------------------------------------------------------------- "posso fazer?"


@dataclass
class ProcedureMatch:
    procedure: models.Procedure
    wording: str  # the product's own wording (vocabulary name when the product only cites the Rol)
    heading: str  # the product's heading, or the category name
    category: str
    covered: bool
    rule: Rule | None = None


@dataclass
class SearchResult:
    query: str
    covered: list[ProcedureMatch] = field(default_factory=list)
    not_covered: list[ProcedureMatch] = field(default_factory=list)
    exclusions: list[models.Exclusion] = field(default_factory=list)
    lay_terms: list[models.LayTerm] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.covered or self.not_covered or self.exclusions)


def _tokens(text: str) -> list[str]:
    return [t for t in fold(text).split() if t not in STOPWORDS]


def _words_match(tokens: list[str], haystack: str) -> bool:
    words = fold(haystack).split()
    return all(any(w.startswith(t) for w in words) for t in tokens)


def _lay_term_matches(term: models.LayTerm, folded_query: str) -> bool:
    if term.normalized == folded_query:
        return True
    padded = f" {folded_query} "
    if f" {term.normalized} " in padded:
        return True
    # As-you-type: "extra" already suggests "extração".
    return len(folded_query) >= 4 and term.normalized.startswith(folded_query)


def search_procedures(session: Session, product: models.Product, query: str) -> SearchResult:
    """Procedures and exclusions of *product* that answer *query* (accents/case ignored)."""
    result = SearchResult(query=query)
    folded = fold(query)
    tokens = _tokens(query)
    if not tokens:
        return result

    wanted_procs: set[str] = set()
    wanted_cats: set[str] = set()
    wanted_topics: set[str] = set()
    for term in session.scalars(select(models.LayTerm).order_by(models.LayTerm.term)):
        if _lay_term_matches(term, folded):
            result.lay_terms.append(term)
            wanted_procs.update(term.procedures)
            wanted_cats.update(term.categories)
            wanted_topics.update(term.topics)

    vocabulary = list(session.scalars(select(models.Procedure).order_by(models.Procedure.name)))

    def vocab_matches(proc: models.Procedure) -> bool:
        return (
            proc.id in wanted_procs
            or proc.category in wanted_cats
            or _words_match(tokens, proc.name)
            or any(_words_match(tokens, t) for t in proc.terms)
        )

    rules = waiting_rules(product)
    from .waiting import applicable_rule  # local: keeps the public surface of this module small

    seen: set[str] = set()
    for pp in product.procedures:
        if pp.procedure_id in seen:
            continue
        if vocab_matches(pp.procedure) or pp.category in wanted_cats or _words_match(tokens, pp.wording):
            seen.add(pp.procedure_id)
            cats = {c.category for c in product.procedures if c.procedure_id == pp.procedure_id}
            cats.add(pp.procedure.category)
            result.covered.append(ProcedureMatch(
                procedure=pp.procedure, wording=pp.wording, heading=pp.heading, category=pp.category,
                covered=True, rule=applicable_rule(rules, pp.procedure_id, cats),
            ))
    includes_rol = bool(product.document.get("coverage", {}).get("includes_rol"))
    for proc in vocabulary:
        if proc.id in seen or not vocab_matches(proc):
            continue
        seen.add(proc.id)
        covered = includes_rol and proc.in_rol
        match = ProcedureMatch(
            procedure=proc, wording=proc.name, heading=CATEGORY_NAMES[proc.category],
            category=proc.category, covered=covered,
            rule=applicable_rule(rules, proc.id, {proc.category}) if covered else None,
        )
        (result.covered if covered else result.not_covered).append(match)

    for exclusion in product.exclusions:
        if set(exclusion.topics) & wanted_topics or _words_match(tokens, exclusion.text):
            result.exclusions.append(exclusion)
    return result


# --------------------------------------------------------------------------- page views


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
    from ..geo.coverage import CoverageArea

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
