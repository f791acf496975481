"""Demo reports for the network team's queue, on real providers of the imported demo network
(``flask --app webapp agents demo``, run again by ``scripts/serve.sh`` once the network is in):
one provider reported several times, and a few others of different kinds and ages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..network.models import DataReport, Location, NetworkMembership, Provider
from ..network.services import record_report
from ..plans.models import Product

DEMO_PRODUCT = "leve-dental-rj-1-adesao"
DEMO_SENDER = "demo-relato-"  # the client hash of demo reports: no real sender has one like it
# (provider's place in the list, reason, detail, days ago, about its address)
DEMO_REPORTS = [
    (0, "telefone-errado", "Liguei três vezes e o número não existe.", 9, False),
    (0, "telefone-errado", None, 4, False),
    (0, "telefone-errado", "Atende outra clínica nesse número.", 1, False),
    (0, "horario-errado", "Não abre mais aos sábados.", 2, False),
    (1, "nao-atende-plano", "Na recepção disseram que não aceitam mais o LEVE.", 3, False),
    (2, "endereco-errado", "Mudou para o prédio ao lado, número 215.", 6, True),
    (3, "fechado", None, 0, False),
]


def create_demo_reports(session: Session, now: datetime) -> int | None:
    """The demo reports not made yet (idempotent); how many were made, or None before the demo
    network is imported."""
    if session.scalars(select(DataReport.id).where(DataReport.client_hash.like(DEMO_SENDER + "%"))).first():
        return 0
    product_id = session.scalars(select(Product.id).where(Product.slug == DEMO_PRODUCT)).first()
    providers = list(session.scalars(
        select(Provider.id).join(NetworkMembership, NetworkMembership.provider_id == Provider.id)
        .where(NetworkMembership.product_id == product_id, NetworkMembership.until.is_(None))
        .order_by(Provider.id).limit(4))) if product_id else []
    if len(providers) < 4:
        return None
    for n, (which, reason, detail, days, about_address) in enumerate(DEMO_REPORTS):
        provider_id = providers[which]
        location = session.scalars(select(Location.id).where(Location.provider_id == provider_id, Location.active)
                                   .order_by(Location.key)).first() if about_address else None
        record_report(session, provider_id, reason, detail, f"{DEMO_SENDER}{n}", now - timedelta(days=days),
                      location_id=location)
    session.flush()
    return len(DEMO_REPORTS)
