"""Public plan pages: the list of products and one product's page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..db import get_session
from . import services

bp = Blueprint("plans", __name__, url_prefix="/planos")


@bp.get("")
def index():
    products = services.list_products(get_session(), with_document=True)
    return render_template("plans/index.html", products=products)


@bp.get("/<slug>")
def detail(slug: str):
    session = get_session()
    product = services.get_product(session, slug)
    if product is None:
        abort(404)
    return render_template(
        "plans/detail.html",
        product=product,
        doc=product.document,
        waiting=services.waiting_overview(product),
        coverage=services.coverage_overview(product),
        category_names=services.CATEGORY_NAMES,
        contract_type_names=services.CONTRACT_TYPE_NAMES,
    )


@bp.app_template_global()
def contract_type_label(product) -> str:
    return services.CONTRACT_TYPE_NAMES.get(product.contract_type or "", product.contract_type_text)


@bp.app_template_global()
def describe_period(rule) -> str:
    from .waiting import describe_period as describe

    return describe(rule)


@bp.app_template_global()
def state_names(states) -> str:
    from ..core.places import STATE_NAMES

    names = [STATE_NAMES.get(s.uf, s.uf) for s in states]
    return ", ".join(names)
