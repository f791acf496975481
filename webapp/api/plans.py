"""Public JSON API of the plan catalog: a product's summary, its waiting-period calculator and
"posso fazer?".

The JSON twins of /planos/<slug>, /planos/<slug>/carencias and /planos/<slug>/coberturas; no
authentication, no personal data.
"""

from __future__ import annotations

from flask import jsonify, request

from ..core import clock
from ..core.parsing import control_characters
from ..core.urls import external_url
from ..db import get_session
from ..plans import answers as plan_answers
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


def plan_coverage(slug: str):
    """"Posso fazer?" as JSON: the same answers, in the same order, as /planos/<slug>/coberturas;
    with ``inclusao``, when each covered item is free for someone included on that day."""
    product = _product(slug)
    if product is None:
        return error("Plano não encontrado.", 404)
    raw = request.args.get("q") or ""
    query = " ".join(raw.split())
    if control_characters(raw):
        return error("A busca (parâmetro q) tem caracteres de controle.", 400)
    if not query:
        return error("Informe o tratamento no parâmetro q, por exemplo q=canal.", 400)
    if len(query) > plan_answers.MAX_QUERY:
        return error(f"A busca (parâmetro q) pode ter no máximo {plan_answers.MAX_QUERY} caracteres.", 400)
    inclusion = None
    raw_inclusion = request.args.get("inclusao")
    if raw_inclusion is not None and raw_inclusion.strip():
        try:
            inclusion = plan_schedules.parse_inclusion(raw_inclusion, allow_br=False)
        except plan_schedules.InvalidInclusion as exc:
            return error(str(exc), 400)
    elif raw_inclusion is not None:
        return error("Informe a data de inclusão no formato AAAA-MM-DD ou omita o parâmetro inclusao.", 400)
    session = get_session()
    answers = plan_answers.coverage_answers(session, product, query)

    def item(answer) -> dict:
        m = answer.match
        rule = answer.rule
        out = {
            "procedimento": m.wording,
            "situacao": answer.status,
            "clausula": m.clause,
            "categoria": plan_services.CATEGORY_NAMES[m.category],
            "urgencia": answer.urgency,
            "carencia": None if rule is None else ({"horas": rule.hours} if rule.hours is not None else {"dias": rule.days}),
            "autorizacao_previa": answers.needs_authorization(answer),
        }
        if inclusion is not None:
            moment = None
            if answer.covered:
                moment = plan_schedules.procedure_availability(session, product, m.procedure.id, inclusion).available_at
            out["liberado_em"] = clock.rfc3339(moment) if moment is not None else None
        return out

    def exclusion(e) -> dict:
        out = {"procedimento": e.text, "situacao": "excluido", "clausula": e.reference, "categoria": None,
               "urgencia": False, "carencia": None, "autorizacao_previa": None}
        if inclusion is not None:
            out["liberado_em"] = None
        return out

    return jsonify({
        "plano": product.slug,
        "consulta": query,
        "resposta": {"situacao": answers.status, "resumo": plan_answers.summary(answers)},
        "itens": [exclusion(e) for e in answers.exclusions] + [item(a) for a in answers.items],
    })
