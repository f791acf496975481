"""What the urgency page says about one product: whom to call, from when urgency care is
covered, and what to do outside the network or the coverage area — all from the product's
document (the catalog). Plain functions: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..members.services import urgency_phone
from ..plans import services as plan_services
from ..plans.models import Product
from ..plans.waiting import Rule, applicable_rule, availability

# The procedure every document's urgency list starts from; with the "urgencia" category it picks
# the waiting-period statement of urgency care (LEVE names procedures, others the category).
URGENCY_PROCEDURE = "consulta-odontologica-urgencia"
GENERAL_KINDS = ("phone", "whatsapp")


@dataclass(frozen=True)
class PersonUrgency:
    name: str
    covered_from: datetime | None  # None: the document states no waiting period for urgency


@dataclass(frozen=True)
class UrgencyInfo:
    product: Product
    phone: dict | None  # the operator's urgency line, when the document prints one
    general: tuple[dict, ...]  # the operator's other phone and WhatsApp channels
    rule: Rule | None  # the waiting period of urgency care (None: the document states none)
    urgency: dict  # the document's ``urgency`` entry (summary, reference, what_counts...)
    reimbursement: dict  # the document's ``reimbursement`` entry (may be empty)
    coverage_area: str

    @property
    def general_phone(self) -> dict | None:
        """The operator's first general phone: what to call where the document gives no urgency line."""
        return next((c for c in self.general if c.get("kind") == "phone"), None)


def urgency_rule(product: Product) -> Rule | None:
    return applicable_rule(plan_services.waiting_rules(product), URGENCY_PROCEDURE, {"urgencia"})


def urgency_info(product: Product) -> UrgencyInfo:
    doc = product.document
    phone = urgency_phone(product)
    general = tuple(c for c in product.operator.contacts or [] if c.get("kind") in GENERAL_KINDS and c is not phone)
    return UrgencyInfo(
        product=product, phone=phone, general=general, rule=urgency_rule(product),
        urgency=doc.get("urgency") or {}, reimbursement=doc.get("reimbursement") or {},
        coverage_area=plan_services.coverage_text(doc.get("coverage_area") or {}),
    )


def family_urgency(product: Product, family) -> list[PersonUrgency]:
    """When urgency care is covered for each person of *family* (``FamilyMember``s)."""
    rules = plan_services.waiting_rules(product)
    out = []
    for person in family:
        found = availability(rules, URGENCY_PROCEDURE, {"urgencia"}, person.inclusion_at,
                             exemption=plan_services.exemption_effect(product, person.exemption),
                             holder_inclusion=person.holder_inclusion_at)
        out.append(PersonUrgency(name=person.name, covered_from=found.available_at))
    return out
