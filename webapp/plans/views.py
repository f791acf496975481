"""Public plan pages: the list of products, one product's page, "posso fazer?" and the
waiting-period calculator.

Public pages (agents link to them); personalised when a member of that product is signed in
(``current_member()``); such pages are marked private, no-store in one place (``create_app``).
"""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, make_response, render_template, request

from ..core import clock
from ..core.formatting import data, data_hora
from ..core.parsing import control_characters
from ..core.places import STATE_NAMES
from ..core.rendering import render_page
from ..db import get_session
from ..geo import svgmap
from ..members.current import current_member
from . import services
from .answers import MAX_QUERY, STATUS_LABELS, count_text, coverage_answers, period_text
from .schedules import InvalidInclusion, family_schedules, group_schedule, parse_inclusion, waiting_schedule
from .waiting import describe_period

bp = Blueprint("plans", __name__, url_prefix="/planos")

COVERAGE_RESULTS = "resultados-cobertura"  # htmx target of the live "posso fazer?" results


def _product_or_404(slug: str):
    product = services.get_product(get_session(), slug)
    if product is None:
        abort(404)
    return product


def _member_of(product):
    """The signed-in member when they belong to *product*; None otherwise."""
    member = current_member()
    return member if member is not None and member.product_slug == product.slug else None


def _other_plan(product):
    """The slug of the signed-in member's own plan when they are looking at another one."""
    member = current_member()
    return member.product_slug if member is not None and member.product_slug != product.slug else None


@bp.get("")
def index():
    products = services.list_products(get_session(), with_document=True)
    return render_template("plans/index.html", products=products)


@bp.get("/<slug>")
def detail(slug: str):
    product = _product_or_404(slug)
    member = _member_of(product)
    response = make_response(render_template(
        "plans/detail.html",
        product=product,
        doc=product.document,
        sections=services.product_sections(product),
        section_titles=services.SECTION_TITLES,
        waiting=services.waiting_overview(product),
        coverage=services.coverage_overview(product),
        money=services.payment_and_leaving(product),
        not_addressed=services.NOT_ADDRESSED,
        map_svg=svgmap.area_svg(services.coverage_area(product)),
        member=member,
        other_plan=_other_plan(product),
        category_names=services.CATEGORY_NAMES,
        contract_type_names=services.CONTRACT_TYPE_NAMES,
    ))
    return response


@bp.get("/<slug>/coberturas")
def coverage(slug: str):
    """"Posso fazer?": a GET form; htmx asks for the results block alone while typing."""
    session = get_session()
    product = _product_or_404(slug)
    member = _member_of(product)
    raw = request.args.get("q") or ""
    query = " ".join(raw.split())
    errors, answers = {}, None
    if control_characters(raw):
        errors["q"] = "A busca tem caracteres de controle; digite de novo só o nome do tratamento."
        query = ""
    elif len(query) > MAX_QUERY:
        errors["q"] = (f"A busca pode ter no máximo {MAX_QUERY} caracteres. "
                       "Use poucas palavras, por exemplo “canal” ou “aparelho”.")
    elif query:
        answers = coverage_answers(session, product, query, member.family if member else ())
    response = render_page(
        "plans/coverage.html",
        fragments={COVERAGE_RESULTS: "results"},
        status=400 if errors else 200,
        product=product,
        query=query,
        errors=errors,
        answers=answers,
        member=member,
        now=clock.now(),
        results_target=COVERAGE_RESULTS,
        max_query=MAX_QUERY,
        category_names=services.CATEGORY_NAMES,
        status_labels=STATUS_LABELS,
        count_text=count_text,
        period_text=period_text,
    )
    return response


@bp.get("/<slug>/carencias")
def waiting(slug: str):
    """The waiting-period calculator: the date each statement ends for an inclusion date;
    a signed-in member of the product without ``inclusao`` sees their family's own dates."""
    session = get_session()
    product = _product_or_404(slug)
    member = _member_of(product)
    raw = (request.args.get("inclusao") or "").strip()
    context = dict(product=product, doc=product.document, raw=raw, inclusion=None, rows=None, groups=None,
                   schedules=None, errors={}, member=member, other_plan=_other_plan(product), now=clock.now())
    if not raw and member is not None:
        context["schedules"] = family_schedules(product, member.family, session)
    else:
        try:
            context["inclusion"] = parse_inclusion(raw)
        except InvalidInclusion as exc:
            context["errors"] = {"inclusao": str(exc)}
        else:
            context["rows"] = waiting_schedule(product, context["inclusion"], session=session)
            context["groups"] = group_schedule(context["rows"])
    response = make_response(render_template("plans/waiting.html", **context), 400 if context["errors"] else 200)
    return response


@bp.app_template_global()
def contract_type_label(product) -> str:
    return services.CONTRACT_TYPE_NAMES.get(product.contract_type or "", product.contract_type_text)


bp.add_app_template_global(describe_period)
bp.add_app_template_global(services.coverage_text, "coverage_text")


@bp.app_template_global()
def state_names(states) -> str:
    names = [STATE_NAMES.get(s.uf, s.uf) for s in states]
    return ", ".join(names)


@bp.app_template_global()
def release_text(moment: datetime | None, current: datetime) -> str:
    """ "liberado", "liberado a partir de dd/mm/aaaa" (with the time when it is not 00:00),
    or that the document states no period."""
    if moment is None:
        return "o documento não informa a carência"
    if current >= moment:
        return "liberado"
    return "liberado a partir de " + moment_text(moment)


@bp.app_template_global()
def moment_text(moment: datetime) -> str:
    """dd/mm/aaaa, with the time when it is not 00:00 (periods in hours from a known moment)."""
    local = clock.local(moment)
    return data(local) if local.time() == time(0) else data_hora(local)


bp.add_app_template_global(services.kinship_name, "kinship_name")


bp.add_app_template_global(services.enrolment_summary, "enrolment_answer")


@bp.app_template_global()
def copayment_text(copayment: dict | None) -> str:
    """The document's words on co-payment, led by "Sem coparticipação" when it says none applies."""
    if not copayment:
        return "O documento não trata de coparticipação"
    if copayment.get("applies") is False:
        return f"Sem coparticipação. {copayment['text']}"
    return copayment["text"]
