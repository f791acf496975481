"""The answers to "posso fazer?": which procedures of a product answer what a member typed (in
the document's words or in lay words), covered, excluded or not listed, why (the clause), and
each person's date.

How a procedure is answered, in this order:

1. the product's coverage list names it: covered (the list's heading);
2. the document names it as urgency care (its urgency list, or a waiting-period row under an
   "Urgência" heading): covered, as urgency (LEVE 14.1, SINTAEMA art. 13, São Cristóvão 15,
   CASSEMS's "URGÊNCIAS ODONTOLÓGICAS");
3. the document's waiting-period table names it: covered (the table's row);
4. an exclusion that names it (by category or procedure) reaches it: excluded, with the clause --
   unless the exclusion spares what the coverage describes and the product covers the Rol,
   which holds the procedure (step 5);
5. the product covers the ANS Rol and a document transcribes the procedure as part of the Rol
   (LEVE 10.3, the only such list we have): covered (the product's Rol clause);
6. otherwise: not listed — and excluded only when an exclusion tied to the lay word the member
   typed answers it.  We never say a procedure is "not in the Rol": no source says so.

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
    UrgencyNaming,
    exclusion_scope,
    prior_authorization,
    urgency_procedures,
    waiting_rules,
)
from .waiting import Rule, describe_period

MAX_QUERY = 100  # characters of a "posso fazer?" search

# Short words that carry no meaning in a search ("tratamento de canal").
STOPWORDS = frozenset("a o e de da do das dos em no na nos nas para por com sem um uma".split())

COVERED, EXCLUDED, UNLISTED = "coberto", "excluido", "nao-listado"
STATUS_ORDER = {COVERED: 0, EXCLUDED: 1, UNLISTED: 2}

# Words of a query about children's teeth: then deciduous-tooth items are not put last.
CHILD_WORDS = ("decidu", "leite", "crianc", "infantil", "odontopediatr", "bebe")


@dataclass
class ProcedureMatch:
    procedure: models.Procedure
    wording: str  # the product's own wording (vocabulary name when the product does not list it)
    heading: str  # the product's heading, or the category name
    category: str
    covered: bool
    rule: Rule | None = None  # the waiting period that applies (see ``statements``)
    status: str = COVERED
    clause: str | None = None  # where the document says so
    basis: str = "lista"  # lista | urgencia | tabela | rol | nenhuma
    headings: tuple[str, ...] = ()  # every heading of the product's list that names it
    statements: tuple[Rule, ...] = ()  # the document's waiting statements for it, at the chosen level
    urgency: UrgencyNaming | None = None  # where the document names it as urgency care
    exclusions: list[models.Exclusion] = field(default_factory=list)
    direct: bool = True  # the query's own words name it (not only a lay word)
    rank: int = 10**6  # its place in the lay word's list (which names the usual procedure first)

    @property
    def conflicting(self) -> bool:
        """The document states different periods for it (e.g. under two headings)."""
        return len({(r.hours, r.days) for r in self.statements}) > 1

    @property
    def deciduous(self) -> bool:
        return any(w in fold(f"{self.procedure.name} {self.wording}") for w in ("decidu", "de leite"))


@dataclass
class SearchResult:
    query: str
    covered: list[ProcedureMatch] = field(default_factory=list)
    not_covered: list[ProcedureMatch] = field(default_factory=list)  # excluded or not listed
    exclusions: list[models.Exclusion] = field(default_factory=list)  # answer the query as a whole
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


def choose_rule(rules: list[Rule], procedure_id: str, categories: set[str]) -> tuple[Rule | None, tuple[Rule, ...]]:
    """The waiting statement that applies and every statement at its level: those naming the
    procedure, else those naming a category it is listed under, else the one for "all".  Among
    several, the shortest period wins (README, Decisions: the member's favour, CDC art. 47)."""
    for level in (
        [r for r in rules if procedure_id in r.procedures],
        [r for r in rules if r.categories & categories],
        [r for r in rules if r.applies_to_all],
    ):
        if level:
            return min(level, key=lambda r: r.duration), tuple(level)
    return None, ()


def search_procedures(session: Session, product: models.Product, query: str) -> SearchResult:
    """Procedures and exclusions of *product* that answer *query* (accents/case ignored)."""
    result = SearchResult(query=query)
    folded = fold(query)
    tokens = _tokens(query)
    if not tokens:
        return result

    urgency = urgency_procedures(product)
    wanted_procs: set[str] = set()
    wanted_cats: set[str] = set()
    wanted_topics: set[str] = set()
    for term in session.scalars(select(models.LayTerm).order_by(models.LayTerm.term)):
        if _lay_term_matches(term, folded):
            result.lay_terms.append(term)
            wanted_procs.update(term.procedures)
            wanted_cats.update(term.categories)
            wanted_topics.update(term.topics)
    exact = any(term.normalized == folded for term in result.lay_terms)
    if "urgencia" in wanted_cats:  # "urgência": what this product's document calls urgency
        wanted_cats.discard("urgencia")
        wanted_procs.update(urgency)

    vocabulary = {p.id: p for p in session.scalars(select(models.Procedure).order_by(models.Procedure.name))}
    listed: dict[str, list[models.ProductProcedure]] = {}
    for pp in product.procedures:
        listed.setdefault(pp.procedure_id, []).append(pp)

    def by_words(proc: models.Procedure) -> bool:
        return (_words_match(tokens, proc.name) or any(_words_match(tokens, t) for t in proc.terms)
                or any(_words_match(tokens, pp.wording) for pp in listed.get(proc.id, ()))
                or (proc.id in urgency and _words_match(tokens, urgency[proc.id].text)))

    candidates: list[tuple[models.Procedure, bool]] = []
    order = list(listed) + [pid for pid in vocabulary if pid not in listed]
    for pid in order:
        proc = vocabulary.get(pid)
        if proc is None:
            continue
        by_lay = (pid in wanted_procs or proc.category in wanted_cats
                  or any(pp.category in wanted_cats for pp in listed.get(pid, ())))
        # A lay word typed alone means what it names ("coroa": crowns, not "aumento de coroa
        # clínica"); other words also find procedures by their names.
        direct = not exact and by_words(proc)
        if direct or by_lay:
            candidates.append((proc, direct))

    ranks: dict[str, int] = {}
    for term in result.lay_terms:
        for procedure_id in term.procedures:
            ranks.setdefault(procedure_id, len(ranks))
    for proc, direct in candidates:
        match = _answer(product, proc, listed.get(proc.id, []), urgency, result.lay_terms)
        match.direct, match.rank = direct, ranks.get(proc.id, 10**6)
        (result.covered if match.covered else result.not_covered).append(match)

    covered_procs = [m.procedure for m in result.covered]
    for exclusion in product.exclusions:
        scope = exclusion_scope(product, exclusion)
        if scope.except_covered and any(scope.reaches(p) for p in covered_procs):
            continue  # it excludes the rest, not what the answer shows covered
        if set(exclusion.topics) & wanted_topics or (not covered_procs and _words_match(tokens, exclusion.text)):
            result.exclusions.append(exclusion)
    return result


def _answer(product: models.Product, proc: models.Procedure, listings: list[models.ProductProcedure],
            urgency: dict[str, UrgencyNaming], lay_terms: list[models.LayTerm]) -> ProcedureMatch:
    """One procedure as the product's document answers it (the order in the module docstring)."""
    doc = product.document
    coverage = doc.get("coverage") or {}
    named_urgency = urgency.get(proc.id)
    cats = {pp.category for pp in listings} | {proc.category}
    if named_urgency is not None:
        cats.add("urgencia")
    rules = waiting_rules(product)
    rule, statements = choose_rule(rules, proc.id, cats)
    match = ProcedureMatch(procedure=proc, wording=proc.name, heading=CATEGORY_NAMES[proc.category],
                           category=proc.category, covered=True, rule=rule, statements=statements,
                           urgency=named_urgency)
    table = next((r for r in rules if proc.id in r.procedures), None)
    if listings:
        headings = tuple(dict.fromkeys(pp.heading for pp in listings))
        match.wording, match.heading, match.category = listings[0].wording, listings[0].heading, listings[0].category
        match.headings, match.basis = headings, "lista"
        match.clause = "; ".join(filter(None, (
            coverage.get("reference"), " e ".join(headings),
            f"urgência: {named_urgency.reference}" if named_urgency and named_urgency.reference else None)))
    elif named_urgency is not None:
        match.category, match.heading, match.basis = "urgencia", CATEGORY_NAMES["urgencia"], "urgencia"
        match.clause = named_urgency.reference
    elif table is not None:
        match.wording, match.heading, match.basis = table.label, table.section or match.heading, "tabela"
        match.clause = ", ".join(filter(None, ((doc.get("waiting_periods") or {}).get("reference"), table.section)))
    else:
        in_rol = bool(coverage.get("includes_rol") and proc.in_rol)
        # A product that covers the Rol describes it in its coverage (São Cristóvão 1 and 10: "do
        # Rol de Procedimentos Odontológicos ... dentre eles:"), so an exclusion that spares "os
        # descritos na cobertura" spares what the Rol holds too.
        reaching = [e for e in product.exclusions
                    if (scope := exclusion_scope(product, e)).reaches(proc) and not (scope.except_covered and in_rol)]
        if reaching:
            return _not_covered(match, EXCLUDED, reaching)
        if in_rol:
            match.basis, match.clause = "rol", coverage.get("reference")
        else:
            topics = {t for term in lay_terms if proc.id in term.procedures or proc.category in term.categories
                      for t in term.topics}
            by_topic = [e for e in product.exclusions
                        if set(e.topics) & topics and not exclusion_scope(product, e).named]
            return _not_covered(match, EXCLUDED if by_topic else UNLISTED, by_topic)
    return match


def _not_covered(match: ProcedureMatch, status: str, exclusions: list[models.Exclusion]) -> ProcedureMatch:
    match.covered, match.status, match.exclusions = False, status, exclusions
    match.rule, match.statements, match.basis = None, (), "nenhuma"
    match.clause = "; ".join(e.reference for e in exclusions if e.reference) or None
    return match


@dataclass
class CoverageAnswer:
    """One procedure in the answer to "posso fazer?"."""

    match: ProcedureMatch
    family: list[PersonAvailability] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.match.covered

    @property
    def rule(self) -> Rule | None:
        return self.match.rule

    @property
    def urgency(self) -> bool:
        return self.match.urgency is not None

    @property
    def exclusions(self) -> list[models.Exclusion]:
        return self.match.exclusions

    @property
    def status(self) -> str:
        return self.match.status


@dataclass
class CoverageAnswers:
    query: str
    covered: list[CoverageAnswer]
    not_covered: list[CoverageAnswer]
    exclusions: list[models.Exclusion]
    authorization: PriorAuthorization | None
    includes_rol: bool
    rol_reference: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.covered or self.not_covered or self.exclusions)

    @property
    def items(self) -> list[CoverageAnswer]:
        return self.covered + self.not_covered

    @property
    def lead(self) -> CoverageAnswer | None:
        """The most relevant item: the one the one-line answer speaks of."""
        return self.items[0] if self.items else None

    @property
    def status(self) -> str:
        """coberto, excluido or nao-listado when every item (and exclusion) agrees; depende otherwise."""
        statuses = {a.status for a in self.items} | ({EXCLUDED} if self.exclusions else set())
        if not statuses:
            return UNLISTED
        return statuses.pop() if len(statuses) == 1 else "depende"

    def needs_authorization(self, answer: CoverageAnswer) -> bool | None:
        """Whether the document asks prior authorization for *answer* (None: it says nothing)."""
        if self.authorization is None or not answer.covered:
            return None
        return not (self.authorization.except_urgency and answer.urgency)


def relevance_key(query: str):
    """Sort key of the items: covered, then excluded, then not listed; permanent teeth before
    deciduous ones (unless the query is about children); the query's own words before lay words;
    the lay word's own order (its usual procedure first); then the document's order."""
    about_children = any(w in fold(query) for w in CHILD_WORDS)

    def key(indexed: tuple[int, ProcedureMatch]):
        index, match = indexed
        return (STATUS_ORDER[match.status], match.deciduous and not about_children, not match.direct, match.rank,
                index)
    return key


def coverage_answers(session: Session, product: models.Product, query: str, family=()) -> CoverageAnswers:
    """Everything the "posso fazer?" page (and its JSON twin) says about *query* on *product*.

    *family*: the people whose own dates to show (signed-in member first), or empty.
    """
    result = search_procedures(session, product, query)
    ordered = [m for _, m in sorted(enumerate(result.covered + result.not_covered), key=relevance_key(query))]
    answers = [
        CoverageAnswer(match=m, family=family_availability(session, product, m.procedure.id, family)
                       if family and m.covered else [])
        for m in ordered
    ]
    coverage = product.document.get("coverage") or {}
    return CoverageAnswers(
        query=query, covered=[a for a in answers if a.covered], not_covered=[a for a in answers if not a.covered],
        exclusions=result.exclusions, authorization=prior_authorization(product),
        includes_rol=bool(coverage.get("includes_rol")), rol_reference=coverage.get("reference"),
    )


STATUS_LABELS = {COVERED: "Coberto", EXCLUDED: "Excluído", UNLISTED: "Não listado", "depende": "Depende do procedimento"}


def count_text(answers: CoverageAnswers) -> str:
    """ "9 cobertos, 2 não listados" (the items by status)."""
    counts = {status: sum(1 for a in answers.items if a.status == status) for status in STATUS_ORDER}
    words = {COVERED: ("coberto", "cobertos"), EXCLUDED: ("excluído", "excluídos"),
             UNLISTED: ("não listado", "não listados")}
    return ", ".join(f"{n} {words[s][n != 1]}" for s, n in counts.items() if n)


def period_text(answer: CoverageAnswer) -> str:
    return f"carência {describe_period(answer.rule)}" if answer.rule else "o documento não informa a carência"


def summary(answers: CoverageAnswers) -> str:
    """The answer in one sentence (the JSON twin's ``resumo``): the verdict, the most relevant
    item, its waiting period, urgency and prior authorization, and the clause."""
    lead = answers.lead
    if lead is None:
        if answers.exclusions:
            return "Excluído: " + "; ".join(
                f"“{e.text}”" + (f" ({e.reference})" if e.reference else "") for e in answers.exclusions)
        return f"Nada encontrado para “{answers.query}”."
    parts = [f"{STATUS_LABELS[lead.status]}: {lead.match.wording}"]
    if lead.covered:
        parts.append(period_text(lead))
        if lead.urgency:
            parts.append("atendimento de urgência")
        need = answers.needs_authorization(lead)
        if need is not None:
            parts.append("precisa de autorização prévia" if need else "sem autorização prévia em urgência")
    text = " · ".join(parts) + (f" ({lead.match.clause})" if lead.match.clause else "")
    if answers.status == "depende":
        text = f"Depende do procedimento ({count_text(answers)}). O mais provável: {text}"
    return text + "."
