"""Plan catalog services: read products, work out waiting periods, answer "posso fazer?".

Plain functions over a SQLAlchemy session; nothing here knows about Flask's request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from ..core.parsing import is_slug
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

RELATIONSHIP_NAMES = {
    "titular": "titular", "conjuge": "cônjuge", "companheiro": "companheiro(a)", "filho": "filho(a)",
    "enteado": "enteado(a)", "menor-sob-guarda": "menor sob guarda", "tutelado": "tutelado(a)",
    "filho-invalido": "filho(a) inválido(a)", "pai-mae": "pai ou mãe", "sogro-sogra": "sogro(a)",
    "neto": "neto(a)", "irmao": "irmão(ã)", "avo": "avô(ó)",
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


# --------------------------------------------------------------------------- sections


SECTION_TITLES = {
    "coberturas": "Coberturas",
    "carencias": "Carências",
    "exclusoes": "O que o plano não cobre",
    "urgencia": "Urgência e emergência",
    "reembolso": "Reembolso",
    "regras": "Regras de uso",
    "dependentes": "Quem pode ser dependente",
    "contatos": "Contatos",
    "duvidas": "Dúvidas frequentes",
}
"""The plan page's sections by anchor (stable, public: links open them directly)."""


def product_sections(product: models.Product) -> list[str]:
    """Anchors of the sections the product's document supports, in page order.

    Coverage and waiting periods are required by the catalog schema; contacts are always shown
    (at least the Disque ANS, and the page says when the document prints no channel); every
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
        "dependentes": bool(doc.get("dependants")),
        "contatos": True,
        "duvidas": bool(doc.get("faq")),
    }
    return [anchor for anchor in SECTION_TITLES if present[anchor]]


# --------------------------------------------------------------------------- prior authorization


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


def is_urgency_procedure(product: models.Product, procedure: models.Procedure) -> bool:
    """The product lists the procedure under urgency, or the vocabulary counts it as urgency."""
    return procedure.urgency or procedure.category == "urgencia" or any(
        pp.category == "urgencia" for pp in product.procedures if pp.procedure_id == procedure.id
    )


# --------------------------------------------------------------------------- people and dates


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


@dataclass(frozen=True)
class PersonAvailability:
    """When a procedure (or a waiting-period statement) is free for one family member."""

    person: object  # anything with name, relationship, inclusion_at, exemption, holder_inclusion_at
    availability: Availability

    def free(self, now: datetime) -> bool | None:
        return self.availability.is_available(now)


def family_availability(
    session: Session, product: models.Product, procedure_id: str, family
) -> list[PersonAvailability]:
    """*procedure_id*'s availability for each person of *family* (signed-in member first)."""
    return [
        PersonAvailability(person=person, availability=procedure_availability(
            session, product, procedure_id, person.inclusion_at,
            exemption=known_exemption(product, person.exemption),
            holder_inclusion=person.holder_inclusion_at,
        ))
        for person in family
    ]


# --------------------------------------------------------------------------- "posso fazer?" answers


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
    from .waiting import applicable_rule

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


# --------------------------------------------------------------------------- waiting-period calculator


@dataclass(frozen=True)
class ScheduleRow:
    """One waiting-period statement of the document and the moment it ends."""

    label: str  # the document's wording for the procedure or group
    group: str | None  # the document's table heading, or the categories it names; None: all
    rule: Rule
    available_at: datetime  # America/Sao_Paulo

    def free(self, now: datetime) -> bool:
        return now >= self.available_at


def statement_group(rule: Rule, session: Session | None = None) -> str | None:
    """The group a statement belongs to: the document's heading, else the categories it names,
    else (named procedures) their vocabulary category; None when it applies to everything."""
    if rule.section:
        return rule.section
    if rule.categories:
        return ", ".join(CATEGORY_NAMES[c] for c in sorted(rule.categories, key=_category_order))
    if rule.procedures and session is not None:
        cats = {p.category for p in session.scalars(
            select(models.Procedure).where(models.Procedure.id.in_(sorted(rule.procedures))))}
        if cats:
            return ", ".join(CATEGORY_NAMES[c] for c in sorted(cats, key=_category_order))
    return None


def _category_order(category: str) -> int:
    return list(CATEGORY_NAMES).index(category)


def waiting_schedule(
    product: models.Product,
    inclusion: date | datetime,
    *,
    exemption: str | None = None,
    holder_inclusion: date | datetime | None = None,
    session: Session | None = None,
) -> list[ScheduleRow]:
    """Every waiting-period statement of *product* with the moment it ends for a member
    included at *inclusion* (00:00 America/Sao_Paulo for a bare date), in document order.

    *exemption* is the code of an exemption of the product the member holds.
    """
    from .waiting import add_period, inclusion_moment

    effect = exemption_effect(product, exemption)
    start = inclusion_moment(inclusion)
    if effect == "count_from_holder":
        if holder_inclusion is None:
            raise ValueError("count_from_holder needs the holder's inclusion")
        start = inclusion_moment(holder_inclusion)
    rows = []
    for rule in waiting_rules(product):
        at = start if effect == "waive_all" else add_period(start, rule)
        rows.append(ScheduleRow(label=rule.label, group=statement_group(rule, session), rule=rule, available_at=at))
    return rows


@dataclass
class ScheduleGroup:
    group: str | None
    rows: list[ScheduleRow]


def group_schedule(rows: list[ScheduleRow]) -> list[ScheduleGroup]:
    """Consecutive rows under the same heading, as the document's tables present them."""
    groups: list[ScheduleGroup] = []
    for row in rows:
        if not groups or groups[-1].group != row.group:
            groups.append(ScheduleGroup(group=row.group, rows=[]))
        groups[-1].rows.append(row)
    return groups


@dataclass(frozen=True)
class PeriodStatus:
    """One distinct period of a product (e.g. "180 dias") and when it ends for a person."""

    rule: Rule  # a representative statement with this period
    labels: tuple[str, ...]  # the statements with this period, in document order
    available_at: datetime


@dataclass
class PersonSchedule:
    person: object
    exemption_text: str | None
    exemption_effect: str | None  # "waive_all" or "count_from_holder"
    rows: list[ScheduleRow]

    @property
    def exemption_note(self) -> str | None:
        if self.exemption_text is None:
            return None
        lead = "Sem carência" if self.exemption_effect == "waive_all" else "Carências contadas da inclusão do titular"
        return f"{lead}: {self.exemption_text}"

    @property
    def by_period(self) -> list[PeriodStatus]:
        """The person's dates grouped by period, shortest first (a summary for the plan page)."""
        groups: dict[tuple, list[ScheduleRow]] = {}
        for row in self.rows:
            groups.setdefault((row.rule.hours, row.rule.days), []).append(row)
        out = [PeriodStatus(rule=rows[0].rule, labels=tuple(dict.fromkeys(r.label for r in rows)),
                            available_at=max(r.available_at for r in rows)) for rows in groups.values()]
        return sorted(out, key=lambda s: (s.rule.duration, s.available_at))

    @property
    def groups(self) -> list[ScheduleGroup]:
        return group_schedule(self.rows)


def family_schedules(product: models.Product, family, session: Session | None = None) -> list[PersonSchedule]:
    """Each family member's own waiting-period dates (signed-in member first)."""
    out = []
    for person in family:
        code = known_exemption(product, person.exemption)
        out.append(PersonSchedule(
            person=person, exemption_text=exemption_text(product, code), exemption_effect=exemption_effect(product, code),
            rows=waiting_schedule(product, person.inclusion_at, exemption=code,
                                  holder_inclusion=person.holder_inclusion_at, session=session),
        ))
    return out


# --------------------------------------------------------------------------- input

MAX_QUERY = 100  # characters of a "posso fazer?" search
MIN_YEAR, MAX_YEAR = 1900, 2100

# ASCII digits only, matched whole: \d would also take '٣' and '３' (and $ a trailing newline).
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_BR_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


class InvalidInclusion(ValueError):
    """An inclusion date that cannot be used; the message is pt-BR, for the member."""


def parse_inclusion(raw: str | None, *, allow_br: bool = True) -> date:
    """An inclusion date from ``AAAA-MM-DD`` (what a date input sends) or, when *allow_br*,
    ``dd/mm/aaaa`` (what people type); :class:`InvalidInclusion` otherwise."""
    value = (raw or "").strip()
    if not value:
        raise InvalidInclusion("Informe a data de inclusão no plano.")
    iso, br = _ISO_DATE.fullmatch(value), _BR_DATE.fullmatch(value) if allow_br else None
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif br:
        day, month, year = (int(g) for g in br.groups())
    else:
        example = "AAAA-MM-DD, por exemplo 2026-01-10" + (" (ou 10/01/2026)" if allow_br else "")
        raise InvalidInclusion(f"Data de inclusão inválida: use o formato {example}.")
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InvalidInclusion(f"A data {day:02d}/{month:02d}/{year} não existe. Confira o dia e o mês.") from None
    if not (MIN_YEAR <= parsed.year <= MAX_YEAR):
        raise InvalidInclusion(f"Use uma data de inclusão entre {MIN_YEAR} e {MAX_YEAR}.")
    return parsed
