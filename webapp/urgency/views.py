"""``/urgencia``: one short page, kept offline by the service worker.

Signed in, the member's own product (``?plano=`` picks another plan's page); signed out, the plan
is chosen first (``?plano=<slug>``: public, not personal). The page is the same whoever asks for a
plan, except the signed-in member's own dates of urgency coverage.
"""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request

from ..core import clock
from ..db import get_session
from ..members.current import current_member
from ..plans import services as plan_services
from . import services

bp = Blueprint("urgency", __name__)

UNKNOWN_PLAN = "Plano desconhecido. Escolha o seu plano na lista."


@bp.get("/urgencia")
def page():
    db = get_session()
    member = current_member()
    slug = (request.args.get("plano") or "").strip()[:100]
    product = None
    errors = {}
    if slug:
        product = plan_services.get_product(db, slug)
        if product is None:
            errors["plano"] = UNKNOWN_PLAN
    elif member is not None:
        product = plan_services.get_product(db, member.product_slug)
    mine = product is not None and member is not None and member.product_slug == product.slug
    response = make_response(render_template(
        "urgency/page.html",
        info=services.urgency_info(product) if product is not None else None,
        people=services.family_urgency(product, member.family) if mine else None,
        plans=([services.urgency_info(p) for p in plan_services.list_products(db, with_document=True)]
               if product is None else None),
        errors=errors, mine=mine, now=clock.now(),
    ), 400 if errors else 200)
    return response
