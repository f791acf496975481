"""Public JSON API of the plan catalog: a product's summary and its waiting-period calculator.

The JSON twins of /planos/<slug> and /planos/<slug>/carencias; no authentication, no personal
data.
"""

from __future__ import annotations

from flask import jsonify, request

from ..core import clock
from ..core.urls import external_url
from ..db import get_session
from ..plans import schedules as plan_schedules
from ..plans import services as plan_services
from .responses import error, municipality


def _product(slug: str):
    return plan_services.get_product(get_session(), slug)


def plan(slug: str):
    product = _product(slug)
    if product is None:
        return error("Plano não encontrado.", 404)
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
            "municipios": [municipality(m.ibge_code) for m in product.municipalities],
        },
        "coparticipacao": None if not copayment else {
            "aplica": copayment.get("applies"),
            "texto": copayment["text"],
            "referencia": copayment.get("reference"),
        },
        "adesao": enrolment(doc["enrolment"]),
        "pagamento_e_cancelamento": {
            "temas": [{
                "tema": topic.id,
                "titulo": topic.title,
                "documento_trata": bool(topic.rules),
                "regras": [{"texto": r["text"], "clausula": r["reference"]} for r in topic.rules],
            } for topic in plan_services.payment_and_leaving(product)],
            "notas": list(doc["payment_and_leaving"].get("notes") or ()),
        },
        "secoes": plan_services.product_sections(product),
        "url": external_url("plans.detail", slug=product.slug),
        "carencias_url": external_url("api.plan_waiting", slug=product.slug),
    })


def enrolment(data: dict) -> dict:
    return {
        "modalidades": list(data.get("modalities") or ()),
        "aceita_dependentes": data["dependants"],
        "resumo": plan_services.enrolment_summary(data),
        "texto": data["text"],
        "referencia": data["reference"],
        "notas": list(data.get("notes") or ()),
    }


def plan_waiting(slug: str):
    product = _product(slug)
    if product is None:
        return error("Plano não encontrado.", 404)
    raw = request.args.get("inclusao")
    if not (raw or "").strip():
        return error("Informe a data de inclusão no plano (parâmetro inclusao, no formato AAAA-MM-DD).", 400)
    try:
        inclusion = plan_schedules.parse_inclusion(raw, allow_br=False)
    except plan_schedules.InvalidInclusion as exc:
        return error(str(exc), 400)
    rows = plan_schedules.waiting_schedule(product, inclusion, session=get_session())
    return jsonify({
        "plano": product.slug,
        "inclusao": inclusion.isoformat(),
        "itens": [{
            "procedimento": row.label,
            "categoria": row.group,
            "carencia": {"horas": row.rule.hours} if row.rule.hours is not None else {"dias": row.rule.days},
            "liberado_em": clock.rfc3339(row.available_at),
        } for row in rows],
    })
