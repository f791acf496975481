"""Public JSON API of the plan catalog: a product's summary and its waiting-period calculator.

The JSON twins of /planos/<slug> and /planos/<slug>/carencias; no authentication, no personal
data.  Routes live on the API blueprint (imported at the bottom of ``api/views.py``).
"""

from __future__ import annotations

from flask import jsonify, request, url_for

from ..db import get_session
from ..plans import services as plan_services
from .views import _error, _municipio, bp


def _product(slug: str):
    return plan_services.get_product(get_session(), slug)


@bp.get("/planos/<slug>")
def plan(slug: str):
    product = _product(slug)
    if product is None:
        return _error("Plano não encontrado.", 404)
    doc = product.document
    area = doc["coverage_area"]
    copayment = doc.get("copayment")
    return jsonify({
        "slug": product.slug,
        "nome": product.name,
        "operadora": {"nome": product.operator.name, "registro_ans": product.operator.ans_number},
        "registro_ans": product.ans_registration,
        "tipo_contratacao": product.contract_type,
        "tipo_contratacao_texto": product.contract_type_text,
        "segmentacao": product.segmentation,
        "abrangencia": {
            "tipo": {"national": "nacional", "states": "estadual", "municipalities": "municipios"}[product.coverage_kind],
            "descricao": area["description"],
            "ufs": [s.uf for s in product.states],
            "municipios": [_municipio(m.ibge_code) for m in product.municipalities],
        },
        "coparticipacao": None if not copayment else {
            "aplica": copayment.get("applies"),
            "texto": copayment["text"],
            "referencia": copayment.get("reference"),
        },
        "secoes": plan_services.product_sections(product),
        "url": url_for("plans.detail", slug=product.slug, _external=True),
        "carencias_url": url_for("api.plan_waiting", slug=product.slug, _external=True),
    })


@bp.get("/planos/<slug>/carencias")
def plan_waiting(slug: str):
    product = _product(slug)
    if product is None:
        return _error("Plano não encontrado.", 404)
    raw = request.args.get("inclusao")
    if not (raw or "").strip():
        return _error("Informe a data de inclusão no plano (parâmetro inclusao, no formato AAAA-MM-DD).", 400)
    try:
        inclusion = plan_services.parse_inclusion(raw, allow_br=False)
    except plan_services.InvalidInclusion as exc:
        return _error(str(exc), 400)
    rows = plan_services.waiting_schedule(product, inclusion, session=get_session())
    return jsonify({
        "plano": product.slug,
        "inclusao": inclusion.isoformat(),
        "itens": [{
            "procedimento": row.label,
            "categoria": row.group,
            "carencia": {"horas": row.rule.hours} if row.rule.hours is not None else {"dias": row.rule.days},
            "liberado_em": row.available_at.isoformat(),
        } for row in rows],
    })
