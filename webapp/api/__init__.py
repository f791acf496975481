"""Public JSON API under /api/v1: the dentist search and provider pages (``network.py``), the plan
catalog (``plans.py``) and the OpenAPI document that describes them (``openapi.py``).

The blueprint is made here and the routes are registered here, so the route modules import only
``responses.py`` and never one another.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.urls import public_base_url
from . import network, openapi, plans

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def openapi_document():
    return jsonify(openapi.document(public_base_url()))


bp.add_url_rule("/rede", view_func=network.search)
bp.add_url_rule("/rede/dentista/<id:provider_id>", view_func=network.provider)
bp.add_url_rule("/planos/<slug>", view_func=plans.plan)
bp.add_url_rule("/planos/<slug>/carencias", view_func=plans.plan_waiting)
bp.add_url_rule("/planos/<slug>/coberturas", view_func=plans.plan_coverage)
bp.add_url_rule("/openapi.json", view_func=openapi_document)
