"""The dentist search (/rede), provider pages, network changes and the suggestions fragment."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from ..core import clock
from ..core.documents import digits
from ..core.parsing import ParseError, clean_line, control_characters
from ..core.rendering import render_page
from ..db import get_session, writing
from ..geo import municipalities, names, svgmap
from ..plans import services as plan_services
from . import params as params_module
from . import presenters, services
from .models import Provider
from .services import MAX_DETAIL, REPORT_REASONS, TooManyReports, client_hash, record_report
from .specialties import SPECIALTIES

bp = Blueprint("network", __name__, url_prefix="/rede")

RESULTS_TARGET = "mais-resultados"


@bp.get("")
def search():
    session = get_session()
    products = plan_services.list_products(session)
    by_slug = {p.slug: p for p in products}
    params = params_module.parse(request.args, set(by_slug))
    context = dict(products=products, specialties=SPECIALTIES, params=params, outcome=None,
                   choices=None, resolution=None, area_example=None, product=by_slug.get(params.plano or ""),
                   results_target=RESULTS_TARGET)

    if params.errors:
        return render_page("network/search.html", status=400, **context)

    if params.cidade and not params.has_origin:
        area = plan_services.coverage_area(context["product"]) if context["product"] else None
        resolution = names.resolve(params.cidade, area)
        if resolution.single is not None:  # an exact match, and only one: search it
            query = params.query(municipio=resolution.single, lat=None, lon=None)
            return redirect(url_for("network.search", **query), code=303)
        if not resolution.candidates:
            params.errors["cidade"] = (f"Não encontramos a cidade “{params.cidade}”. "
                                       "Confira a grafia ou digite também a UF, por exemplo: Niterói/RJ.")
            return render_page("network/search.html", status=400, **context)
        # Homonyms, or names like the one typed ("Você quis dizer …?"): never picked for the member.
        context["choices"] = [(c, params.query(municipio=c.municipality, lat=None, lon=None))
                              for c in resolution.candidates]
        context["resolution"] = resolution
        if area is not None and area.kind != "national" and not resolution.any_in_area:
            largest = names.largest_in(area)
            context["area_example"] = largest and (largest, params.query(municipio=largest, lat=None, lon=None))
        return render_page("network/search.html", **context)

    if params.ready:
        product = by_slug[params.plano]
        only_page = params.pagina > 1 and request.headers.get("HX-Target") == RESULTS_TARGET
        outcome = services.find(session, product, params, clock.today(), only_page=only_page)
        if outcome.outside_brazil:
            params.errors["lat"] = "A localização informada fica fora do Brasil. Digite o nome da sua cidade."
            return render_page("network/search.html", status=400, **context)
        context["outcome"] = outcome
        if not only_page:  # the "Carregar mais" fragment has no map
            context["map_svg"] = _map(outcome)
    return render_page("network/search.html", fragments={RESULTS_TARGET: "results_page"}, **context)


def _map(outcome) -> str:
    if not outcome.in_area:
        return svgmap.area_svg(plan_services.coverage_area(outcome.product))
    points = [(r.latitude, r.longitude, r.provider_name) for r in outcome.results[:20]]
    if outcome.from_point:
        points.append((outcome.origin_lat, outcome.origin_lon, "Você está aqui"))
    return svgmap.municipality_svg(outcome.origin_municipality.ibge_code, points=points)


@bp.get("/municipios")
def suggest_municipalities():
    """Suggestions while typing a city (an htmx fragment; also a plain page without JS)."""
    try:
        typed = clean_line(request.args.get("cidade") or "", max_length=params_module.MAX_Q)
    except ParseError:
        typed = ""  # nobody types control characters: no suggestion for them
    keep = {k: v for k, v in request.args.items()
            if k in ("plano", "especialidade", "q", *params_module.FLAGS) and not control_characters(v)}
    product = None
    if keep.get("plano"):
        product = next((p for p in plan_services.list_products(get_session()) if p.slug == keep["plano"]), None)
    area = plan_services.coverage_area(product) if product else None
    # Names that start so, inside the plan's area first; none: names like it ("Você quis dizer").
    found = names.suggest(typed, area, limit=8) if len(typed) >= 2 else None
    return render_page("network/suggestions.html", fragments={"sugestoes-cidade": "suggestions"},
                       typed=typed, found=found, keep=keep, product=product)


@bp.get("/dentista/<id:provider_id>")
@bp.get("/dentista/<id:provider_id>-<slug>")
def provider(provider_id: int, slug: str | None = None):
    session = get_session()
    view = services.get_provider(session, provider_id, clock.today())
    if view is None:
        abort(404)
    canonical_slug = services.provider_slug(view.provider)
    if slug != canonical_slug:
        # The query string is carried over as text: given to url_for as keywords, ?_external=1
        # made an absolute URL from the Host header and ?endpoint= or ?slug= broke the call.
        target = url_for("network.provider", provider_id=provider_id, slug=canonical_slug)
        query = urlencode(list(request.args.items(multi=True)))
        return redirect(target + ("?" + query if query else ""), code=301)
    first = view.locations[0] if view.locations else None
    map_svg = ""
    if first is not None:
        map_svg = svgmap.municipality_svg(first.municipality_ibge,
                                          points=[(loc.latitude, loc.longitude, loc.street) for loc in view.locations])
    return render_template("network/provider.html", view=view, specialties=SPECIALTIES, map_svg=map_svg,
                           municipality=municipalities.get, sent=request.args.get("enviado") == "1")


@bp.get("/alteracoes")
def changes():
    session = get_session()
    products = plan_services.list_products(session)
    by_slug = {p.slug: p for p in products}
    slug = (request.args.get("plano") or "").strip()
    code = (request.args.get("municipio") or "").strip()
    errors = {}
    product = by_slug.get(slug) if slug else None
    if slug and product is None:
        errors["plano"] = "Plano desconhecido. Escolha um dos planos da lista."
    municipality = None
    if code:
        try:
            municipality = params_module.parse_municipality(code)
        except ParseError:
            errors["municipio"] = "Código de município inválido."
    rows = services.network_changes(get_session(), product, clock.today(),
                                    municipality.ibge_code if municipality else None) if product and not errors else []
    return render_template("network/changes.html", products=products, product=product,
                           municipality=municipality, rows=rows, errors=errors,
                           municipality_of=municipalities.get, today=clock.today()), 400 if errors else 200


@bp.post("/dentista/<id:provider_id>/erro")
def report_error(provider_id: int):
    session = get_session()
    provider = session.get(Provider, provider_id)
    if provider is None:
        abort(404)
    reason = request.form.get("motivo", "")
    raw = request.form.get("detalhe") or ""
    # A textarea: line breaks are folded into spaces; any other control character (NUL...) is refused.
    detail = " ".join(raw.split()) or None
    if (reason not in REPORT_REASONS or control_characters(raw, allow_newlines=True)
            or (detail and len(detail) > MAX_DETAIL)):
        return render_template("core/error.html", status=400, title="Não foi possível enviar",
                               text="Escolha o que está errado na lista (e use nos detalhes só texto, no máximo "
                                    "500 caracteres). Volte à página do dentista e tente de novo."), 400
    try:
        with writing(session):
            record_report(session, provider_id, reason, detail,
                          client_hash(current_app.config["SECRET_KEY"], request.remote_addr), clock.utcnow())
    except TooManyReports:
        return render_template("core/error.html", status=429, title="Muitos envios seguidos",
                               text="Você já enviou vários avisos na última hora. Tente de novo mais tarde."), 429
    return redirect(url_for("network.provider", provider_id=provider_id, slug=services.provider_slug(provider),
                            enviado="1") + "#informar-erro", code=303)


@bp.app_template_filter("specialty_name")
def specialty_name(slug: str) -> str:
    return SPECIALTIES.get(slug, slug)


bp.add_app_template_filter(digits, "phone_digits")
bp.add_app_template_filter(presenters.name_slug, "slug")
bp.add_app_template_filter(presenters.street_line, "street_line")
bp.add_app_template_filter(presenters.place_line, "place_line")


@bp.app_context_processor
def _report_reasons():
    return {"report_reasons": REPORT_REASONS}


