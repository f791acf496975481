"""The API's dentist search and provider answers: the same search as /rede (same parameters,
results and order)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from ..core import clock
from ..core.urls import external_url
from ..db import get_session
from ..network import params as params_module
from ..network import services
from ..network.presenters import address_text, name_slug
from ..plans import services as plan_services
from .responses import error, municipality


def search():
    session = get_session()
    products = {p.slug: p for p in plan_services.list_products(session)}
    p = params_module.parse(request.args, set(products))
    if p.errors:
        return error(" ".join(p.errors.values()), 400)
    if p.plano is None:
        return error("Informe o plano (parâmetro plano).", 400)
    if not p.has_origin:
        return error("Informe o município (parâmetro municipio, código IBGE) ou lat e lon.", 400)
    product = products[p.plano]
    today = clock.today()
    max_age_days = current_app.config["NETWORK_VERIFIED_MAX_AGE_DAYS"]
    outcome = services.find(session, product, p, today, only_page=True, max_age_days=max_age_days)
    if outcome.outside_brazil:
        return error("A localização informada fica fora do Brasil.", 400)
    area = plan_services.coverage_area(product)
    total, exact = services.total(session, p.filters(product.id, area, today))
    body = {
        "plano": product.slug,
        "origem": {"lat": round(outcome.origin_lat, 5), "lon": round(outcome.origin_lon, 5),
                   "municipio": municipality(outcome.origin_municipality.ibge_code)},
        "dentro_da_area": outcome.in_area,
        "total": total,
        "total_exato": exact,
        "pagina": p.pagina,
        "por_pagina": services.PAGE_SIZE,
        "tem_mais": outcome.has_more,
        "resultados": [_result(r) for r in outcome.results],
    }
    return jsonify(body)


def _result(r) -> dict:
    return {
        "id": r.provider_id,
        "local_id": r.location_id,
        "nome": r.provider_name,
        "tipo": r.kind,
        "especialidades": list(r.specialties),
        "distancia_km": round(r.distance_km, 1),
        "endereco": address_text(r),
        "municipio": municipality(r.municipality_ibge),
        "lat": r.latitude,
        "lon": r.longitude,
        "precisao": r.precision,
        "telefones": list(r.phones),
        "whatsapp": r.whatsapp,
        "urgencia_24h": r.urgency_24h,
        "acessivel": r.wheelchair_access,
        "atende_criancas": r.sees_children,
        "atualizado_em": r.updated_at.isoformat(),
        "verificado_em": r.verified_at.isoformat() if r.verified_at else None,
        "verificacao_vencida": r.stale or r.verified_at is None,
        **_accepting(r.accepts_new_patients, r.accepts_new_patients_on),
        "url": external_url("network.provider", provider_id=r.provider_id, slug=name_slug(r.provider_name)),
    }


def _accepting(accepts, accepts_on) -> dict:
    """``aceita_novos_pacientes`` (null: not informed) and the day it was informed."""
    return {"aceita_novos_pacientes": accepts,
            "aceita_novos_pacientes_em": accepts_on.isoformat() if accepts is not None and accepts_on else None}


def provider(provider_id: int):
    session = get_session()
    view = services.get_provider(session, provider_id, clock.today())
    if view is None:
        return error("Prestador não encontrado.", 404)
    p = view.provider
    max_age_days = current_app.config["NETWORK_VERIFIED_MAX_AGE_DAYS"]
    now = clock.utcnow()
    return jsonify({
        "id": p.id,
        "nome": p.name,
        "tipo": p.kind,
        "especialidades": list(p.specialties),
        "cro": f"CRO-{p.cro_uf} {p.cro_number}",
        "planos": [{"plano": product.slug, "desde": m.since.isoformat(),
                    "ate": m.until.isoformat() if m.until else None} for product, m in view.products],
        "locais": [{
            "id": loc.id,
            "endereco": address_text(loc),
            "municipio": municipality(loc.municipality_ibge),
            "lat": loc.latitude, "lon": loc.longitude, "precisao": loc.precision,
            "telefones": list(loc.phones), "whatsapp": loc.whatsapp, "horario": loc.opening_hours,
            "urgencia_24h": loc.urgency_24h, "acessivel": loc.wheelchair_access,
            "atende_criancas": loc.sees_children, "atualizado_em": loc.updated_at.isoformat(),
            "verificado_em": loc.verified_at.isoformat() if loc.verified_at else None,
            "verificacao_vencida": services.location_trust(loc, max_age_days, now).stale,
            **_accepting(loc.accepts_new_patients, loc.accepts_new_patients_on),
        } for loc in view.locations],
        "relatos_abertos": services.open_reports_by_reason(session, p.id),
        "atualizado_em": p.updated_at.isoformat(),
        "url": external_url("network.provider", provider_id=p.id, slug=services.provider_slug(p)),
    })

