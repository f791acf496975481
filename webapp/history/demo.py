"""A plausible usage history for every demo family, written as the operator's two files and
imported through the real importer (``flask --app webapp history demo``; also run by
``flask --app webapp setup`` in demo mode, right after the families are created).

What it generates, per family (dates count from each person's inclusion, so running it again
on a later day writes the same files and changes nothing):

* the holder (included ~14 months earlier): a check-up, a cavity (X-ray, then a two-face
  restoration), a root canal under an executed authorization (urgency visit, X-rays,
  treatment, restoration), a wisdom tooth removal, a reimbursed visit to a dentist outside the
  network, a denied repeat cleaning, a glosa; authorizations: one expired, its renewal still
  valid (counting down), one under analysis;
* the spouse (included 45 days earlier): an urgency visit, and an authorization denied with
  the contract clause (waiting period still running, or an exclusion where there is none);
* the child (included 10 days earlier): an urgency visit on a deciduous tooth;
* a holder alone (a product that takes no dependants, SINTAEMA MASTER): the holder's own
  authorization denied under an exclusion.

Waiting periods are respected: an elective procedure only once its period has ended (from
``plans.schedules.procedure_availability``), an urgency no sooner than 24 h after inclusion;
a procedure the product neither covers nor gives a period for is never used.

Providers come from the product's network near the family (same DDD) when the network is
loaded; otherwise invented names without a provider key (no link).  Run the command again
after importing the network and the events point at real providers.
"""

from __future__ import annotations

import csv
import tempfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.clock import TIMEZONE
from ..core.documents import digits
from ..core.formatting import data
from ..geo import municipalities
from ..members.demo import FAMILIES, make_cpf
from ..members.models import Member
from ..members.services import visible_family
from ..network.models import Location, NetworkMembership, Provider, ProviderSpecialty
from ..plans import schedules as plan_schedules
from ..plans import services as plan_services
from ..plans.models import Procedure
from . import teeth
from .importer import UpsertReport, guide_validity, import_authorizations, import_usage
from .layout import AUTHORIZATION_NAMES, USAGE_NAMES

ROLES = {  # role → specialty of the network provider
    "geral": "clinico-geral", "endo": "endodontia", "cirurgia": "cirurgia-e-traumatologia-bucomaxilofacial",
    "infantil": "odontopediatria", "urgencia": "clinico-geral",
}
INVENTED = {  # used when the network is not loaded
    "geral": "Clínica Odontológica Sorriso Pleno", "endo": "Dr. Marcelo Endo Vasconcelos",
    "cirurgia": "Dra. Renata Bucomaxilo Freitas", "infantil": "Clínica Odontopediátrica Dente de Leite",
    "urgencia": "Pronto Atendimento Odontológico 24 h",
}
OUTSIDE_NETWORK = "Dra. Juliana Prado Figueiredo (consultório particular)"

PRICES = {  # reais, for the demo's amounts
    "consulta-odontologica": 60, "consulta-odontologica-inicial": 60, "consulta-odontologica-urgencia": 90,
    "radiografia-periapical": 25, "radiografia-interproximal": 25, "radiografia-panoramica": 70,
    "profilaxia-polimento-coronario": 55, "aplicacao-topica-fluor": 30, "raspagem-subgengival": 110,
    "restauracao-resina-fotopolimerizavel-1-face": 85, "restauracao-resina-fotopolimerizavel-2-faces": 110,
    "restauracao-resina-fotopolimerizavel-3-faces": 140, "restauracao-amalgama-2-faces": 90,
    "restauracao-amalgama-3-faces": 110, "pulpectomia": 120, "restauracao-temporaria": 55,
    "tratamento-endodontico-multirradicular": 480, "tratamento-endodontico-unirradicular": 260,
    "exodontia-simples-deciduo": 70, "remocao-dentes-inclusos": 290, "remocao-dentes-semi-inclusos": 260,
    "coroa-total-metalica": 520, "nucleo-metalico-fundido": 190, "clareamento-dente-desvitalizado": 250,
}

CONSULTATION = ["consulta-odontologica", "consulta-odontologica-inicial"]
URGENCY_VISIT = ["consulta-odontologica-urgencia", "consulta-odontologica"]
TWO_FACES = ["restauracao-resina-fotopolimerizavel-2-faces", "restauracao-amalgama-2-faces"]
THREE_FACES = ["restauracao-resina-fotopolimerizavel-3-faces", "restauracao-amalgama-3-faces"]
PAIN_RELIEF = ["pulpectomia", "restauracao-temporaria"]
CROWN = ["coroa-total-metalica", "nucleo-metalico-fundido", *THREE_FACES]


@dataclass
class DemoSummary:
    usage: UpsertReport | None
    authorizations: UpsertReport | None
    families: int


class _Family:
    """Builds one family's rows, checking coverage and waiting periods for every procedure."""

    def __init__(self, session: Session, index: int, ddd: str, holder: Member, people: list[Member], today: date):
        self.session, self.index, self.today = session, index, today
        self.holder = holder
        self.people = {p.kinship if not p.is_holder else "titular": p for p in people}
        self.product = plan_services.member_product(session, holder.product_id)
        self.listed = {pp.procedure_id for pp in self.product.procedures}
        self.includes_rol = bool(self.product.document.get("coverage", {}).get("includes_rol"))
        self.providers = _providers(session, self.product.id, ddd, holder.inclusion_at.date())
        self.events: list[dict] = []
        self.guides: list[dict] = []
        self._event_seq = 0
        self._guide_seq = 0
        ans = digits(self.product.operator.ans_number or "")
        self.ans = (ans or "0")[:6].rjust(6, "0")

    # ---- rules
    def covered(self, procedure: Procedure) -> bool:
        return procedure.id in self.listed or (self.includes_rol and procedure.in_rol)

    def available_at(self, person: Member, procedure_id: str) -> datetime | None:
        """When *procedure_id* is free for *person*, or None when the document does not say."""
        return plan_schedules.procedure_availability(
            self.session, self.product, procedure_id, person.inclusion_at,
            exemption=plan_services.known_exemption(self.product, person.exemption),
            holder_inclusion=self.holder.inclusion_at).available_at

    def allowed(self, person: Member, procedure_id: str, day: date) -> bool:
        procedure = self.session.get(Procedure, procedure_id)
        if procedure is None or not self.covered(procedure):
            return False
        start = datetime.combine(day, time(0), tzinfo=TIMEZONE)  # the event may be at any hour of *day*
        available = self.available_at(person, procedure_id)
        if plan_services.is_urgency_procedure(self.product, procedure):
            after_24h = start >= person.inclusion_at.astimezone(TIMEZONE) + timedelta(hours=24)
            return after_24h and (available is None or available <= start)
        return available is not None and available <= start

    def pick(self, person: Member, candidates: list[str], day: date) -> str | None:
        return next((c for c in candidates if self.allowed(person, c, day)), None)

    def fit(self, procedure_id: str, tooth: int | None, faces: str) -> tuple[str, str]:
        """The tooth and faces columns, as the procedure takes them."""
        procedure = self.session.get(Procedure, procedure_id)
        rule = teeth.tooth_rule(procedure_id, procedure.name)
        tooth_text = str(tooth) if tooth and rule.tooth != "none" else ""
        return tooth_text, faces if tooth_text and rule.faces != "none" else ""

    def day(self, person: Member, offset: int) -> date | None:
        day = person.inclusion_at.astimezone(TIMEZONE).date() + timedelta(days=offset)
        return day if day <= self.today else None

    # ---- rows
    def provider(self, role: str) -> tuple[str, str, str]:
        return self.providers.get(role) or self.providers.get("geral") or ("", INVENTED[role], "")

    def event(self, person: Member, offset: int, candidates: list[str], *, tooth: int | None = None,
              faces: str = "", role: str = "geral", guide: str = "", status: str = "realizado", reason: str = "",
              outside: bool = False, reimbursed: int | None = None) -> str | None:
        day = self.day(person, offset)
        if day is None:
            return None
        # A denied procedure was not done: it needs no coverage and no waiting period ended.
        procedure_id = candidates[0] if status == "negado" else self.pick(person, candidates, day)
        if procedure_id is None:
            return None
        tooth_text, faces = self.fit(procedure_id, tooth, faces)
        self._event_seq += 1
        key, name, location = ("", OUTSIDE_NETWORK, "") if outside else self.provider(role)
        price = PRICES.get(procedure_id, 80)
        self.events.append({
            "event_id": f"DEMO-{self.index:02d}-{self._event_seq:04d}", "card_number": person.card_number,
            "performed_on": day.isoformat(), "procedure": procedure_id, "operator_code": _code(procedure_id),
            "tooth": tooth_text, "faces": faces, "provider_key": key, "provider_name": name,
            "location_key": location, "authorization_number": guide, "status": status, "status_reason": reason,
            "source": "reembolso" if outside else "rede",
            "amount": f"{price * (3 if outside else 1)}.00",
            "reimbursed": f"{reimbursed}.00" if reimbursed is not None else "",
        })
        return procedure_id

    def guide(self, person: Member, requested: int, decided: int | None, candidates: list[str], *,
              tooth: int | None = None, faces: str = "", role: str = "geral", status: str, check_day: int | None = None,
              denial: tuple[str, str] | None = None, validity_days: int | None = None) -> str | None:
        """An authorization; its procedure must be allowed on *check_day* (default: the decision)."""
        requested_on = self.day(person, requested)
        decided_on = self.day(person, decided) if decided is not None else None
        if requested_on is None or (decided is not None and decided_on is None):
            return None
        check = self.day(person, check_day) if check_day is not None else (decided_on or requested_on)
        if check is None:
            return None
        procedure_id = candidates[0] if denial else self.pick(person, candidates, check)
        if procedure_id is None:
            return None
        tooth_text, faces = self.fit(procedure_id, tooth, faces)
        self._guide_seq += 1
        number = f"9{self.index:02d}{self._guide_seq:06d}"
        key, name, _location = self.provider(role)
        valid_until = ""
        if validity_days and decided_on:
            valid_until = (decided_on + timedelta(days=validity_days)).isoformat()
        self.guides.append({
            "authorization_number": number,
            "protocol": f"{self.ans}{requested_on:%Y%m%d}{self.index:02d}{self._guide_seq:04d}",
            "card_number": person.card_number, "requested_on": requested_on.isoformat(), "status": status,
            "decided_on": decided_on.isoformat() if decided_on else "", "valid_until": valid_until,
            "denial_reason": denial[0] if denial else "", "denial_clause": denial[1] if denial else "",
            "provider_key": key, "provider_name": name, "procedure": procedure_id,
            "operator_code": _code(procedure_id), "tooth": tooth_text, "faces": faces,
        })
        return number


def _code(procedure_id: str) -> str:
    """A stable six-digit "operator's own code" for the demo."""
    return str(100000 + zlib.crc32(procedure_id.encode()) % 900000)


def _providers(session: Session, product_id: int, ddd: str, since: date) -> dict[str, tuple[str, str, str]]:
    """A provider of the product's network per role: in the family's city (the largest of its
    DDD) if possible, else elsewhere in the DDD, else anywhere in the product's network."""
    area = [m for m in municipalities.all_municipalities() if m.ddd == int(ddd)]
    home = max(area, key=lambda m: m.population, default=None)
    places = [[home.ibge_code] if home else None, [m.ibge_code for m in area], None]
    found: dict[str, tuple[str, str, str]] = {}
    for role, specialty in ROLES.items():
        for codes in places:
            stmt = (select(Provider.key, Provider.name, Location.key)
                    .join(NetworkMembership, NetworkMembership.provider_id == Provider.id)
                    .join(Location, Location.provider_id == Provider.id)
                    .join(ProviderSpecialty, ProviderSpecialty.provider_id == Provider.id)
                    .where(NetworkMembership.product_id == product_id, NetworkMembership.since <= since,
                           NetworkMembership.until.is_(None), Location.active.is_(True),
                           ProviderSpecialty.specialty == specialty)
                    .order_by(Provider.key, Location.key).limit(1))
            if role == "urgencia":
                stmt = stmt.where(Location.urgency_24h.is_(True))
            if codes is not None:
                if not codes:
                    continue
                stmt = stmt.where(Location.municipality_ibge.in_(codes))
            row = session.execute(stmt).first()
            if row is not None:
                found[role] = (row[0], row[1], row[2])
                break
    return found


def _family_rows(family: _Family) -> None:
    holder, spouse, child = family.holder, family.people.get("conjuge"), family.people.get("filho")
    product = family.product
    doc = product.document
    # Where the document states how long a guia is valid (LEVE 15.5.9) the importer works the date
    # out; the other operators print it on the guia, and the demo says 30 days.
    validity_days = None if guide_validity(doc) else 30
    exclusion = next((e for e in product.exclusions if "clareamento" in e.topics), None)

    # Check-up.
    family.event(holder, 70, CONSULTATION)
    family.event(holder, 70, ["radiografia-interproximal"])
    family.event(holder, 77, ["profilaxia-polimento-coronario"])
    family.event(holder, 77, ["aplicacao-topica-fluor"])
    # A cavity in 36: X-ray, then a two-face restoration.
    family.event(holder, 95, ["radiografia-periapical"], tooth=36)
    family.event(holder, 102, TWO_FACES, tooth=36, faces="MO")
    # A repeat cleaning too soon: denied.
    family.event(holder, 150, ["profilaxia-polimento-coronario"], status="negado",
                 reason="Procedimento repetido antes do prazo mínimo de 6 meses desde a última profilaxia.")
    # Pain in 26: urgency visit, then a root canal under an authorization, then the restoration.
    family.event(holder, 200, URGENCY_VISIT, role="urgencia")
    family.event(holder, 200, PAIN_RELIEF, tooth=26, role="urgencia")
    family.event(holder, 200, ["radiografia-periapical"], tooth=26, role="endo")
    canal = family.guide(holder, 203, 205, ["tratamento-endodontico-multirradicular"], tooth=26, role="endo",
                         status="executada", check_day=214, validity_days=validity_days)
    if canal:
        family.event(holder, 214, ["tratamento-endodontico-multirradicular"], tooth=26, role="endo", guide=canal)
        family.event(holder, 214, ["radiografia-periapical"], tooth=26, role="endo", guide=canal)
    family.event(holder, 228, THREE_FACES, tooth=26, faces="MOD")
    # A wisdom tooth: panoramic X-ray, then its removal.
    family.event(holder, 300, CONSULTATION, role="cirurgia")
    family.event(holder, 300, ["radiografia-panoramica"], role="cirurgia")
    family.event(holder, 320, ["remocao-dentes-inclusos", "remocao-dentes-semi-inclusos"], tooth=48, role="cirurgia")
    # A dentist outside the network, reimbursed.
    if doc.get("reimbursement"):
        family.event(holder, 340, CONSULTATION, outside=True, status="reembolsado", reimbursed=60)
        family.event(holder, 340, ["restauracao-resina-fotopolimerizavel-1-face"], tooth=11, faces="V",
                     outside=True, status="reembolsado", reimbursed=85)
    # A crown for 26: authorized, not used in time (expired), renewed.
    family.guide(holder, 340, 342, CROWN, tooth=26, faces="MOD", status="autorizada", validity_days=validity_days)
    family.guide(holder, 413, 414, CROWN, tooth=26, faces="MOD", status="autorizada", validity_days=validity_days)
    # An aesthetic treatment the plan excludes: denied.
    if exclusion is not None:
        family.event(holder, 360, ["clareamento-dente-desvitalizado"], tooth=21,
                     status="negado", reason=f"Tratamento estético fora da cobertura ({exclusion.reference}).")
    # A glosa: the operator refused to pay the dentist for an X-ray.
    family.event(holder, 380, ["radiografia-periapical"], tooth=36, status="glosado",
                 reason="Guia sem a assinatura do beneficiário: a operadora não pagou o dentista. "
                        "Nada é cobrado de você.")
    # Under analysis.
    family.guide(holder, 418, None, ["raspagem-subgengival", *TWO_FACES], tooth=46, faces="OD",
                 status="em-analise", check_day=418)

    if spouse is None and exclusion is not None:
        # A holder alone (a plan that takes no dependants, e.g. SINTAEMA MASTER): the denied
        # guia is the holder's.
        family.guide(holder, 355, 357, ["clareamento-dente-desvitalizado"], tooth=11, role="endo", status="negada",
                     denial=("Tratamento estético não coberto pelo plano.", exclusion.reference or "exclusões"))

    if spouse is not None:
        family.event(spouse, 3, URGENCY_VISIT, role="urgencia")
        family.event(spouse, 3, PAIN_RELIEF, tooth=15, role="urgencia")
        endo = "tratamento-endodontico-unirradicular"
        decided = family.day(spouse, 8)
        free_at = family.available_at(spouse, endo)
        if decided and free_at and free_at > datetime.combine(decided, time(0), tzinfo=TIMEZONE):
            clause = doc.get("waiting_periods", {}).get("reference") or "carências"
            family.guide(spouse, 6, 8, [endo], tooth=15, role="endo", status="negada", denial=(
                f"Procedimento em carência até {data(free_at)}.", clause))
        elif exclusion is not None:
            family.guide(spouse, 6, 8, ["clareamento-dente-desvitalizado"], tooth=11, role="endo", status="negada",
                         denial=("Tratamento estético não coberto pelo plano.", exclusion.reference or "exclusões"))
        family.event(spouse, 30, CONSULTATION)
        family.event(spouse, 30, ["profilaxia-polimento-coronario"])

    if child is not None:
        family.event(child, 3, URGENCY_VISIT, role="infantil")
        family.event(child, 3, ["exodontia-simples-deciduo", "restauracao-temporaria"], tooth=74, role="infantil")


def _write(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def demo_rows(session: Session, today: date) -> tuple[list[dict], list[dict], int]:
    """(usage rows, authorization rows, families) for the demo families present."""
    events, guides, families = [], [], 0
    for index, (_slug, *_names, ddd) in enumerate(FAMILIES, start=1):
        holder = session.scalars(select(Member).where(Member.cpf == make_cpf(index * 10 + 1))).one_or_none()
        if holder is None:
            continue
        family = _Family(session, index, ddd, holder, visible_family(session, holder), today)
        _family_rows(family)
        events.extend(family.events)
        guides.extend(family.guides)
        families += 1
    return events, guides, families


def create_demo_history(session: Session, today: date) -> DemoSummary:
    """Write the demo files and import them (idempotent)."""
    events, guides, families = demo_rows(session, today)
    usage = authorizations = None
    with tempfile.TemporaryDirectory(prefix="guia-extrato-") as tmp:
        if guides:
            authorizations = import_authorizations(
                session, _write(Path(tmp) / "autorizacoes.csv", AUTHORIZATION_NAMES, guides), today=today)
        if events:
            usage = import_usage(session, _write(Path(tmp) / "extrato.csv", USAGE_NAMES, events), today=today)
    return DemoSummary(usage=usage, authorizations=authorizations, families=families)
