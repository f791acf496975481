"""The answers to "posso fazer?": which procedures of a product answer what a member typed (in
the document's words or in lay words), covered or not and why, with each person's date.

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.text import fold
from . import models
from .schedules import PersonAvailability, family_availability
from .services import (
    CATEGORY_NAMES,
    PriorAuthorization,
    is_urgency_procedure,
    prior_authorization,
    waiting_rules,
)
from .waiting import Rule, applicable_rule

MAX_QUERY = 100  # characters of a "posso fazer?" search

# Short words that carry no meaning in a search ("tratamento de canal").
STOPWORDS = frozenset("a o e de da do das dos em no na nos nas para por com sem um uma".split())



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


@dataclass
class CoverageAnswer:
    """One procedure in the answer to "posso fazer?"."""

    match: ProcedureMatch
    urgency: bool
    exclusions: list[models.Exclusion] = field(default_factory=list)  # why not covered
    family: list[PersonAvailability] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.match.covered

    @property
    def rule(self) -> Rule | None:
        return self.match.rule


@dataclass
class CoverageAnswers:
    query: str
    covered: list[CoverageAnswer]
    not_covered: list[CoverageAnswer]
    exclusions: list[models.Exclusion]
    authorization: PriorAuthorization | None
    includes_rol: bool

    @property
    def empty(self) -> bool:
        return not (self.covered or self.not_covered or self.exclusions)


def coverage_answers(session: Session, product: models.Product, query: str, family=()) -> CoverageAnswers:
    """Everything the "posso fazer?" page says about *query* on *product*.

    *family*: the people whose own dates to show (signed-in member first), or empty.
    """
    result = search_procedures(session, product, query)
    _covered_by_waiting_table(product, result)

    def why_not(match: ProcedureMatch) -> list[models.Exclusion]:
        # Exclusions answer a procedure through the lay word that brought it in.
        topics: set[str] = set()
        for term in result.lay_terms:
            if match.procedure.id in term.procedures or match.procedure.category in term.categories:
                topics.update(term.topics)
        return [e for e in result.exclusions if set(e.topics) & topics]

    covered = [
        CoverageAnswer(match=m, urgency=is_urgency_procedure(product, m.procedure),
                       family=family_availability(session, product, m.procedure.id, family) if family else [])
        for m in result.covered
    ]
    not_covered = [
        CoverageAnswer(match=m, urgency=is_urgency_procedure(product, m.procedure), exclusions=why_not(m))
        for m in result.not_covered
    ]
    return CoverageAnswers(
        query=query, covered=covered, not_covered=not_covered, exclusions=result.exclusions,
        authorization=prior_authorization(product),
        includes_rol=bool(product.document.get("coverage", {}).get("includes_rol")),
    )


def _covered_by_waiting_table(product: models.Product, result: SearchResult) -> None:
    """A procedure the document names in its own waiting-period table is a procedure of the plan
    (e.g. LEVE cláusula 13.3 lists "Pulpectomia" with 24 horas), even when the catalog's list of
    covered procedures does not repeat it: answer it as covered, in the table's wording."""
    named = {}
    for statement in product.waiting_periods:
        for procedure_id in statement.procedures:
            named.setdefault(procedure_id, statement)
    if not named:
        return
    rules = waiting_rules(product)
    still_not_covered = []
    for match in result.not_covered:
        statement = named.get(match.procedure.id)
        if statement is None:
            still_not_covered.append(match)
            continue
        result.covered.append(ProcedureMatch(
            procedure=match.procedure, wording=statement.label,
            heading=statement.section or CATEGORY_NAMES[match.procedure.category],
            category=match.procedure.category, covered=True,
            rule=applicable_rule(rules, match.procedure.id, {match.procedure.category}),
        ))
    result.not_covered = still_not_covered
