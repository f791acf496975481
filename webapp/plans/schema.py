"""Shape of the plan catalog files (``webapp/plans/catalog/*.yaml``).

The catalog is encoded by hand from the operators' own documents, so the schema is strict:
unknown keys are errors (a typo must not silently drop a rule), and every product procedure
must point at an entry of the shared procedure vocabulary.  Texts are kept in the document's
own wording; ``reference`` fields say where in the document a statement comes from.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
UF = Literal[
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB",
    "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
]

#: Canonical procedure categories, in the order documents usually present them.
CATEGORY_IDS = (
    "diagnostico", "urgencia", "radiologia", "prevencao", "dentistica", "odontopediatria",
    "endodontia", "periodontia", "cirurgia", "protese", "ortodontia", "estetica", "outros",
)
CategoryId = Literal[
    "diagnostico", "urgencia", "radiologia", "prevencao", "dentistica", "odontopediatria",
    "endodontia", "periodontia", "cirurgia", "protese", "ortodontia", "estetica", "outros",
]

#: CFO dental specialties (slugs of their official names) plus general practice; the
#: network search (issue 4) uses the same slugs.
SPECIALTY_IDS = (
    "clinico-geral", "acupuntura", "cirurgia-e-traumatologia-bucomaxilofacial",
    "dentistica", "disfuncao-temporomandibular-e-dor-orofacial", "endodontia", "estomatologia",
    "harmonizacao-orofacial", "homeopatia", "implantodontia", "odontogeriatria",
    "odontologia-do-esporte", "odontologia-do-trabalho", "odontologia-legal",
    "odontologia-para-pacientes-com-necessidades-especiais", "odontopediatria",
    "ortodontia", "ortopedia-funcional-dos-maxilares", "patologia-oral-e-maxilofacial",
    "periodontia", "protese-bucomaxilofacial", "protese-dentaria", "radiologia-odontologica-e-imaginologia",
    "saude-coletiva", "odontologia-hospitalar",
)
SpecialtyId = Literal[SPECIALTY_IDS]  # a tuple subscript spells each value out

#: Topics tie lay words ("implante", "aparelho") to the exclusions that answer them.
Topic = Slug


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- vocabulary


class Category(Strict):
    id: CategoryId
    name: Text  # display name, e.g. "Prótese"


class Procedure(Strict):
    id: Slug
    name: Text  # neutral display name
    category: CategoryId
    specialty: SpecialtyId  # who usually does it; the "find a dentist" link uses it
    urgency: bool = False  # belongs to the urgency/emergency set of the ANS Rol
    in_rol: bool = False  # listed in the Rol de Procedimentos Odontológicos (LEVE clause 10.3)
    terms: tuple[Text, ...] = ()  # extra words a member may type for this procedure


class LayTerm(Strict):
    """A word members type, and what it means in the catalog's terms."""

    term: Text  # e.g. "canal"
    procedures: tuple[Slug, ...] = ()
    categories: tuple[CategoryId, ...] = ()
    topics: tuple[Topic, ...] = ()  # exclusions tagged with these topics answer the word

    @model_validator(mode="after")
    def _means_something(self) -> "LayTerm":
        if not (self.procedures or self.categories or self.topics):
            raise ValueError("um termo leigo precisa apontar procedimentos, categorias ou tópicos")
        return self


class Vocabulary(Strict):
    categories: tuple[Category, ...]
    procedures: tuple[Procedure, ...]
    lay_terms: tuple[LayTerm, ...] = ()


# --------------------------------------------------------------------------- operators


class Contact(Strict):
    kind: Literal["phone", "whatsapp", "email", "website", "ombudsman", "address", "app"]
    label: Text  # e.g. "Central de atendimento"
    value: Text  # exactly as printed in the document, e.g. "0800 000 0552"
    hours: Text | None = None  # e.g. "24 h, todos os dias"
    note: Text | None = None
    reference: Text | None = None


class SourceDocument(Strict):
    file: Text  # seed file name it was encoded from
    title: Text  # human title of the document
    kind: Text  # "Manual do beneficiário", "Contrato", "Regulamento interno"


class Inference(Strict):
    """Something the document does not say verbatim and the catalog had to infer."""

    field: Text  # dotted path of the inferred field, e.g. "coverage_area"
    note: Text  # why, and from what


class Period(Strict):
    hours: int | None = Field(default=None, ge=0)
    days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> "Period":
        if (self.hours is None) == (self.days is None):
            raise ValueError("informe exatamente um de 'hours' ou 'days'")
        return self


class AppliesTo(Strict):
    all: bool = False  # every procedure not matched by a more specific item
    categories: tuple[CategoryId, ...] = ()
    procedures: tuple[Slug, ...] = ()

    @model_validator(mode="after")
    def _one_scope(self) -> "AppliesTo":
        scopes = sum((self.all, bool(self.categories), bool(self.procedures)))
        if scopes != 1:
            raise ValueError("use exatamente um de 'all', 'categories' ou 'procedures'")
        return self


class WaitingItem(Strict):
    label: Text  # the document's own wording for the procedure or group
    section: Text | None = None  # heading of the document's table the row sits under
    period: Period
    applies_to: AppliesTo


class Exemption(Strict):
    id: Slug
    text: Text
    reference: Text | None = None
    # waive_all: no waiting period at all; count_from_holder: periods run from the holder's
    # inclusion (e.g. adopted child reusing the adopter's completed periods).
    effect: Literal["waive_all", "count_from_holder"] = "waive_all"


class WaitingPeriods(Strict):
    reference: Text | None = None
    summary: Text  # one sentence in the document's terms
    counted_from: Text | None = None  # what the document says the periods run from
    items: tuple[WaitingItem, ...]
    exemptions: tuple[Exemption, ...] = ()
    notes: tuple[Text, ...] = ()


class CoverageArea(Strict):
    kind: Literal["national", "states", "municipalities"]
    description: Text  # as the document puts it
    states: tuple[UF, ...] = ()
    municipalities: tuple[int, ...] = ()  # IBGE codes
    municipality_names: tuple[Text, ...] = ()  # "Guarulhos/SP", same order as codes
    reference: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "CoverageArea":
        if self.kind == "states" and not self.states:
            raise ValueError("abrangência estadual sem estados")
        if self.kind == "municipalities":
            if not self.municipalities:
                raise ValueError("grupo de municípios sem códigos IBGE")
            if len(self.municipality_names) != len(self.municipalities):
                raise ValueError("'municipality_names' deve ter um nome para cada código IBGE")
            for code in self.municipalities:
                if not (1_000_000 <= code <= 5_399_999):
                    raise ValueError(f"código IBGE inválido: {code}")
        if self.kind != "municipalities" and self.municipalities:
            raise ValueError("'municipalities' só vale para abrangência por grupo de municípios")
        if self.kind != "states" and self.states:
            raise ValueError("'states' só vale para abrangência estadual")
        return self


class ProductProcedure(Strict):
    text: Text  # the document's wording
    procedure: Slug  # vocabulary id


class CoverageCategory(Strict):
    name: Text  # the document's heading, e.g. "URGÊNCIAS ODONTOLÓGICAS"
    category: CategoryId
    procedures: tuple[ProductProcedure, ...]


class Coverage(Strict):
    summary: Text
    reference: Text | None = None
    # The product covers the whole ANS Rol (documents that only say "cobertura mínima do Rol").
    includes_rol: bool = False
    categories: tuple[CoverageCategory, ...] = ()


class Exclusion(Strict):
    reference: Text | None = None
    text: Text
    topics: tuple[Topic, ...] = ()
    # The procedures the exclusion names, when it names some: by vocabulary category and/or
    # id.  ``except_covered``: the document saves what it lists as covered ("exceto os
    # descritos na cobertura deste contrato"), so the exclusion answers only the rest.
    # An exclusion without a scope is cited only through the lay words tied to its topics.
    categories: tuple[CategoryId, ...] = ()
    procedures: tuple[Slug, ...] = ()
    except_covered: bool = False


class UrgencySituation(Strict):
    """One urgency situation or procedure the document names, and the vocabulary procedures
    that carry it out (e.g. "remoção total/parcial de nervo" → pulpectomia, pulpotomia)."""

    text: Text  # the document's words, as in ``what_counts``
    procedures: tuple[Slug, ...] = Field(min_length=1)


class Urgency(Strict):
    summary: Text
    reference: Text | None = None
    what_counts: tuple[Text, ...] = ()  # the document's own list of urgency situations/procedures
    # What "posso fazer?" answers as urgency care: each situation of the list with its procedures.
    procedures: tuple[UrgencySituation, ...] = ()
    how_to: tuple[Text, ...] = ()  # what to do (network, phone, outside the area...)


class Reimbursement(Strict):
    summary: Text
    reference: Text | None = None
    applies_when: tuple[Text, ...] = ()
    who_may_ask: Text | None = None
    request_deadline: Text | None = None
    documents: tuple[Text, ...] = ()
    send_to: Text | None = None
    payment: tuple[Text, ...] = ()  # how it is paid
    payment_deadline: Text | None = None
    amount_basis: Text | None = None


class Rule(Strict):
    text: Text
    reference: Text | None = None


class Copayment(Strict):
    applies: bool | None  # None when the document mentions it without saying whether it applies
    text: Text
    reference: Text | None = None


class DependantRule(Strict):
    relationship: Literal[
        "conjuge", "companheiro", "filho", "enteado", "menor-sob-guarda", "tutelado",
        "filho-invalido", "pai-mae", "sogro-sogra", "neto", "irmao", "avo",
    ]
    text: Text
    under_age: int | None = Field(default=None, ge=1, le=120)  # must be younger than this
    student_under_age: int | None = Field(default=None, ge=1, le=120)
    conditions: tuple[Text, ...] = ()


class Dependants(Strict):
    reference: Text | None = None
    summary: Text | None = None
    rules: tuple[DependantRule, ...]
    notes: tuple[Text, ...] = ()


class Enrolment(Strict):
    """Who may join: the enrolment kinds the document offers and whether a holder may bring
    dependants (SINTAEMA art. 5º: MASTER "somente na modalidade individual")."""

    # As the document names them; empty when it names none (the page then says so).
    modalities: tuple[Literal["individual", "familiar"], ...] = ()
    dependants: bool  # a holder may include dependants
    text: Text  # the document's words
    reference: Text
    notes: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> "Enrolment":
        if len(set(self.modalities)) != len(self.modalities):
            raise ValueError("modalidade repetida")
        if self.modalities == ("individual",) and self.dependants:
            raise ValueError("um plano só individual não admite dependentes")
        if "familiar" in self.modalities and not self.dependants:
            raise ValueError("um plano familiar admite dependentes")
        return self


#: The points of paying for and leaving a plan that a member asks about, in page order.
MONEY_TOPIC_IDS = ("pagamento", "atraso", "reajuste", "cancelamento", "transferencia", "vigencia")
MoneyTopic = Literal[MONEY_TOPIC_IDS]


class MoneyRule(Strict):
    topic: MoneyTopic
    text: Text  # the document's words
    reference: Text  # every statement cites its clause


class PaymentAndLeaving(Strict):
    """What the document says about payment, late payment, adjustments, cancellation, transfers
    and minimum stays.  Every topic is either stated (``rules``) or declared not addressed by the
    document (``silent_on``), so a forgotten topic fails validation instead of vanishing."""

    rules: tuple[MoneyRule, ...]
    silent_on: tuple[MoneyTopic, ...] = ()
    notes: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _every_topic_once(self) -> "PaymentAndLeaving":
        stated = {r.topic for r in self.rules}
        silent = set(self.silent_on)
        if len(silent) != len(self.silent_on):
            raise ValueError("tema repetido em 'silent_on'")
        if stated & silent:
            raise ValueError(f"tema com regras e em 'silent_on': {', '.join(sorted(stated & silent))}")
        missing = [t for t in MONEY_TOPIC_IDS if t not in stated | silent]
        if missing:
            raise ValueError(f"tema sem regras nem 'silent_on': {', '.join(missing)}")
        return self


class FaqItem(Strict):
    question: Text
    answer: Text


class Product(Strict):
    slug: Slug
    name: Text  # commercial name
    ans_registration: Text | None = None  # None when the document does not state it
    contract_type: Literal["individual-familiar", "coletivo-adesao", "coletivo-empresarial"] | None
    contract_type_text: Text  # as the document puts it
    segmentation: Text
    coverage_area: CoverageArea
    coverage: Coverage
    waiting_periods: WaitingPeriods
    exclusions: tuple[Exclusion, ...] = ()
    urgency: Urgency | None = None
    reimbursement: Reimbursement | None = None
    rules_of_use: tuple[Rule, ...] = ()
    copayment: Copayment | None = None
    enrolment: Enrolment
    payment_and_leaving: PaymentAndLeaving
    dependants: Dependants | None = None  # who may be a dependant; only where enrolment admits them
    faq: tuple[FaqItem, ...] = ()
    inferences: tuple[Inference, ...] = ()
    contacts: tuple[Contact, ...] = ()  # product-specific channels, in addition to the operator's


class Operator(Strict):
    slug: Slug
    name: Text
    legal_name: Text | None = None
    ans_number: Text | None = None  # None when the document does not print it
    cnpj: Text | None = None
    contacts: tuple[Contact, ...] = ()


class CatalogFile(Strict):
    source: SourceDocument
    operator: Operator
    products: tuple[Product, ...] = Field(min_length=1)


PRODUCT_SLUGS = (
    "cassems-odonto", "sintaema-convencional", "sintaema-integral", "sintaema-master",
    "sao-cristovao-odontologico", "leve-dental-rj-1-adesao",
)
