"""The dentist search (/rede), provider pages, network changes and the suggestions fragment."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from ..core import clock
from ..core.documents import digits
from ..core.pagecache import cached_page
from ..core.parsing import ParseError, clean_line, control_characters, parse_int
from ..core.rendering import render_page, wants_fragment
from ..db import get_session, writing
from ..geo import municipalities, names, svgmap
from ..history import departures
from ..members.current import current_member
from ..members.services import visible_family
from ..plans import services as plan_services
from . import params as params_module
from . import presenters, services
from .services import MAX_DETAIL, REPORT_REASONS, TooManyReports, client_hash, record_report
from .specialties import SPECIALTIES

bp = Blueprint("network", __name__, url_prefix="/rede")

RESULTS_TARGET = "mais-resultados"
REPORT_TARGET = "informar-erro"


def _search_page_key():
    """What a search page is made from in the request: its parameters, parsed; None when they
    are wrong (an error page is not kept)."""
    params = params_module.parse(request.args, plan_services.product_slugs(get_session()))
    return None if params.errors else params.identity()


@bp.get("")
@cached_page(_search_page_key)
def search():
    session = get_session()
    products = plan_services.list_products(session)
    by_slug = {p.slug: p for p in products}
    params = params_module.parse(request.args, set(by_slug))
    member = current_member()
    member_plan = member.product_slug if member is not None and member.product_slug in by_slug else None
    context = dict(products=products, plan_options=[(p.slug, p.name) for p in products], specialties=SPECIALTIES,
                   params=params, outcome=None,
                   choices=None, resolution=None, area_example=None, product=by_slug.get(params.plano or ""),
                   results_target=RESULTS_TARGET, plan_choice=params.plano or member_plan, summary=None)

    if params.errors:
        return render_page("network/search.html", status=400, **context)

    # A typed city wins over a point: the form keeps the point of a location search hidden.
    typed_city = params.cidade if params.municipio is None else None
    if params.plano is None and (params.has_origin or typed_city):
        if member_plan:  # signed in: the member's plan, put in the URL (the URL is the whole state)
            query = params.query(plano=member_plan) | ({"cidade": typed_city} if typed_city else {})
            return redirect(url_for("network.search", **query), code=303)
        params.errors["plano"] = "Escolha o seu plano para ver os dentistas da rede " + (
            f"em “{typed_city}”." if typed_city else
            f"perto de {params.municipio.label}." if params.municipio else "perto da sua localização.")
        return render_page("network/search.html", status=400, **context)

    if typed_city:
        area = plan_services.coverage_area(context["product"]) if context["product"] else None
        resolution = names.resolve(typed_city, area)
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
        context["summary"] = presenters.search_summary(params, by_slug[params.plano].name, f"em “{typed_city}”")
        if area is not None and area.kind != "national" and not resolution.any_in_area:
            largest = names.largest_in(area)
            context["area_example"] = largest and (largest, params.query(municipio=largest, lat=None, lon=None))
        return render_page("network/search.html", **context)

    if params.ready:
        product = by_slug[params.plano]
        only_page = params.pagina > 1 and request.headers.get("HX-Target") == RESULTS_TARGET
        outcome = services.find(session, product, params, clock.today(), only_page=only_page,
                                max_age_days=current_app.config["NETWORK_VERIFIED_MAX_AGE_DAYS"])
        if outcome.outside_brazil:
            params.errors["lat"] = "A localização informada fica fora do Brasil. Digite o nome da sua cidade."
            return render_page("network/search.html", status=400, **context)
        context["outcome"] = outcome
        context["result_views"] = outcome.views(presenters.MapLinks.from_config(current_app.config))
        # A result's link carries the search, so its page can say how far it is and lead back.
        context["search_query"] = "?" + urlencode(params.query())
        if not only_page:  # the "Carregar mais" fragment has no map
            context["map_svg"] = _map(outcome)
            place = outcome.origin_municipality.label
            context["summary"] = presenters.search_summary(
                params, product.name, f"perto de você, em {place}" if outcome.from_point else f"perto de {place}")
    return render_page("network/search.html", fragments={RESULTS_TARGET: "results_page"}, **context)


def _map(outcome) -> str:
    if not outcome.in_area:
        return svgmap.area_svg(plan_services.coverage_area(outcome.product))
    points = [(r.latitude, r.longitude, r.provider_name) for r in outcome.results[:20]]
    origin = (outcome.origin_lat, outcome.origin_lon, "o local da busca") if outcome.from_point else None
    # Not numbered: twenty pins in a town centre overlap, numbers would be unreadable.
    return svgmap.municipality_svg(outcome.origin_municipality.ibge_code, points=points, origin=origin)


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
    return _provider_page(view, sent=request.args.get("enviado") == "1")


def _provider_page(view, status: int = 200, **report):
    """The provider page, or its "Informar erro" section alone when htmx posts that form
    (*report*: ``sent``, ``report_errors``, ``report_values``, ``report_blocked``).
    Opened from a result, the URL carries that search (its own parameters): the distances from
    its origin, the nearest location first and the way back to it."""
    session = get_session()
    products = {p.slug: p for p in plan_services.list_products(session)}
    searched = params_module.parse(request.args, set(products))
    places = services.provider_places(view, searched, products, presenters.MapLinks.from_config(current_app.config),
                                      current_app.config["NETWORK_VERIFIED_MAX_AGE_DAYS"])
    back = url_for("network.search", **searched.query()) + "#resultados" if places.origin else None
    map_svg = "" if wants_fragment(REPORT_TARGET) else _provider_map(places)
    context = dict(sent=False, report_errors={}, report_values={}, report_blocked=False) | report
    departure = None if wants_fragment(REPORT_TARGET) else _departure(session, view.provider.id)
    response = render_page("network/provider.html", fragments={REPORT_TARGET: "report_error"}, status=status,
                           view=view, locations=places.locations, origin=places.origin, back=back,
                           specialties=SPECIALTIES, map_svg=map_svg, municipality=municipalities.get,
                           departure=departure, **context)
    if status >= 400 and wants_fragment(REPORT_TARGET):
        response.headers["HX-Reswap"] = "outerHTML"  # app.js swaps a 4xx answer that says how
    return response


def _departure(session, provider_id: int):
    """For a signed-in member whose family went to this provider: its exit from their plan, if
    announced (or recent); None for everybody else."""
    member = g.get("member")
    if member is None:
        return None
    product = plan_services.member_product(session, member.product_id)
    found = departures.departures(session, visible_family(session, member), product, clock.today(),
                                  current_app.config["DEPARTURE_NOTICE_DAYS_AFTER"], provider_id=provider_id)
    return found[0] if found else None


def _provider_map(places) -> str:
    """The provider's locations, pins numbered as the list when there are several, and where the
    search started."""
    if not places.locations:
        return ""
    points = [(lv.location.latitude, lv.location.longitude, f"{n}. {presenters.street_line(lv.location)}")
              for n, lv in enumerate(places.locations, start=1)]
    origin = places.origin
    return svgmap.municipality_svg(places.locations[0].location.municipality_ibge, points=points,
                                   numbered=len(points) > 1,
                                   origin=(origin.lat, origin.lon, origin.name) if origin else None)


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
    """"Informar erro nestes dados": post/redirect/get to the confirmation, in the form's place."""
    session = get_session()
    view = services.get_provider(session, provider_id, clock.today())
    if view is None:
        abort(404)
    values = {name: request.form.get(name) or "" for name in ("motivo", "detalhe", "local")}
    raw = values["detalhe"]
    # A textarea: line breaks are folded into spaces; any other control character (NUL...) is refused.
    detail = " ".join(raw.split()) or None
    errors = {}
    if values["motivo"] not in REPORT_REASONS:
        errors["motivo"] = "Escolha o que está errado."
    if control_characters(raw, allow_newlines=True):
        errors["detalhe"] = "Use nos detalhes só texto."
    elif detail and len(detail) > MAX_DETAIL:
        errors["detalhe"] = f"Escreva nos detalhes no máximo {MAX_DETAIL} caracteres."
    location_id = None
    if values["local"].strip():
        try:
            location_id = parse_int(values["local"], minimum=1, maximum=2**31 - 1, what="O endereço")
        except ParseError:
            location_id = None
        if location_id not in {loc.id for loc in view.locations}:
            errors["local"] = "Escolha um dos endereços da lista."
            location_id = None
    if errors:
        return _provider_page(view, status=400, report_errors=errors, report_values=values)
    slug = services.provider_slug(view.provider)
    try:
        with writing(session):
            record_report(session, provider_id, values["motivo"], detail,
                          client_hash(current_app.config["SECRET_KEY"], request.remote_addr), clock.utcnow(),
                          location_id=location_id)
    except TooManyReports:
        return _provider_page(view, status=429, report_blocked=True, report_values=values)
    return redirect(url_for("network.provider", provider_id=provider_id, slug=slug, enviado="1") + "#erro-enviado",
                    code=303)


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


