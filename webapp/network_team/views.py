"""The network team's pages under /atendimento/rede: the queue of members' data reports, a report
beside the provider's data with the actions that settle it, and the export for the operator.

Agents with the ``rede`` permission only (``core.access.network_team_guard``): a member session
and other agents get a 403, nobody signed in goes to the agents' sign-in. Actions are POSTs
(CSRF) that redirect (303) back to the report; each is appended to the audit log.
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, Response, abort, g, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..core import clock
from ..core.access import network_team_guard
from ..core.forms import errors_of
from ..core.parsing import parse_id
from ..core.responses import private
from ..db import get_session, writing
from ..geo import municipalities
from ..network.services import REPORT_REASONS
from ..plans import services as plan_services
from . import services
from .forms import CorrectionForm, ExportForm, LeaveForm, QueueForm, RejectForm, VerifyForm

bp = Blueprint("network_team", __name__, url_prefix="/atendimento/rede")
bp.before_request(network_team_guard)

QUEUE_FIELDS = ("plano", "municipio", "motivo", "ordem", "pagina", "operadora")
# Each action's form: its fields in page order (the error summary's order) and the ids of those
# whose id is not their name (two forms on the page have a field "local").
ACTION_FIELDS = {
    "corrigir": ("local", "telefones", "whatsapp", "logradouro", "numero", "complemento", "bairro", "cep"),
    "saiu": ("plano",),
    "verificar": ("local",),
    "rejeitar": ("justificativa",),
}
FIELD_IDS = {"corrigir": {"local": "corrigir-local"}, "verificar": {"local": "verificar-local"},
             "saiu": {"plano": "saiu-plano"}}


@bp.after_request
def _kept_by_no_cache_nor_robot(response):
    return private(response, noindex=True)


@bp.context_processor
def _words():
    return {"reasons": REPORT_REASONS, "resolutions": services.RESOLUTIONS, "sources": services.SOURCES,
            "field_names": services.FIELD_NAMES, "orders": services.ORDERS, "municipality": municipalities.get,
            "ago": _ago}


def _ago(moment) -> str:
    """"hoje", "há 1 dia", "há 12 dias" (local dates)."""
    days = services.days_ago(moment, clock.today())
    if days is None:
        return ""
    return "hoje" if days <= 0 else "há 1 dia" if days == 1 else f"há {days} dias"


# --- the queue ---------------------------------------------------------------------------------


def _queue_page(db, form: QueueForm, errors: dict, status: int = 200, export_errors: dict | None = None,
                export_value: str = ""):
    """The queue as *form* (its URL's filters) asks; a filter in error shows no cases (400)."""
    products = plan_services.list_products(db)
    by_slug = {p.slug: p for p in products}
    product = by_slug.get(form.plano.data) if form.plano.data else None
    if form.plano.data and product is None:
        errors["plano"] = "Plano desconhecido: escolha um da lista."
    errors = {name: errors[name] for name in QUEUE_FIELDS if name in errors}
    status = 400 if errors else status
    values = {name: form[name].data or "" for name in QUEUE_FIELDS if name != "operadora"}
    filters = services.QueueFilter(product.id if product else None, form.municipio.parsed,
                                   form.motivo.data or None)
    order = form.ordem.data or "relevancia"
    page = form.pagina.parsed or 1
    cases, total, counts = [], 0, None
    everything = services.queue_counts(db, services.QueueFilter())
    if not errors:
        counts = services.queue_counts(db, filters) if filters.any else everything
        cases, total = services.queue(db, filters, order, page)
    places = services.municipality_choices(db)
    if filters.municipality and filters.municipality not in {code for code, _, _ in places}:
        places.append((filters.municipality, municipalities.get(filters.municipality).label, 0))
    query = {k: v for k, v in values.items() if v and k != "pagina"}
    errors |= export_errors or {}
    return make_response(render_template(
        "network_team/queue.html", cases=cases, total=total, counts=counts, everything=everything,
        filtered=filters.any, values=values, errors=errors, products=products, places=places, page=page,
        first=(page - 1) * services.PAGE_SIZE + 1,
        pages=max(1, -(-total // services.PAGE_SIZE)), query=query, operators=services.list_operators(db),
        export_value=export_value, today=clock.today()), status)


@bp.get("")
def queue():
    form = QueueForm(formdata=request.args)
    form.validate()
    return _queue_page(get_session(), form, errors_of(form))


def _shown(typed: str) -> str:
    """What was typed, to show back in its field: without the control characters the field's
    error refuses (a NUL is not even valid HTML), and no longer than any field takes."""
    return "".join(ch for ch in typed[:600] if ch in "\n\t" or unicodedata.category(ch) != "Cc")


# --- a report ----------------------------------------------------------------------------------


def _edited_location(view, requested: int | None):
    """The location the correction form edits: the one asked for (``?local=``), else the report's,
    else the provider's first; always an active one of this provider."""
    active = view.active_locations
    for wanted in (requested, view.report.location_id):
        found = next((loc for loc in active if loc.id == wanted), None)
        if found is not None:
            return found
    return active[0] if active else None


def _correction_values(location) -> dict:
    if location is None:
        return {}
    return {"local": str(location.id), "telefones": " | ".join(location.phones or []),
            "whatsapp": location.whatsapp or "", "logradouro": location.street, "numero": location.number or "",
            "complemento": location.complement or "", "bairro": location.neighbourhood or "",
            "cep": f"{location.cep[:5]}-{location.cep[5:]}" if location.cep else ""}


def _report_page(report_id: int, status: int = 200, *, action: str | None = None, errors: dict | None = None,
                 posted: dict | None = None, conflict: str | None = None):
    db = get_session()
    view = services.report_view(db, report_id, clock.today())
    if view is None:
        abort(404)
    requested = parse_id(request.args.get("local") or "") if request.method == "GET" else None
    if action == "corrigir" and posted:
        requested = parse_id(posted.get("local") or "")
    edited = _edited_location(view, requested)
    values = {"corrigir": _correction_values(edited),
              "saiu": {"plano": ""}, "verificar": {"local": str(view.report.location_id or "")},
              "rejeitar": {"justificativa": ""}}
    if action and posted is not None:
        values[action] = {name: _shown(posted.get(name, "")) for name in ACTION_FIELDS[action]}
    errors = errors or {}
    ordered = {name: errors[name] for name in ACTION_FIELDS.get(action or "", ()) if name in errors}
    done = request.args.get("feito") == "1" and not view.open
    return make_response(render_template(
        "network_team/report.html", v=view, edited=edited, values=values, action=action, errors=ordered,
        labels=FIELD_IDS.get(action or "", {}), conflict=conflict, done=done,
        next_report=services.next_case(db, view.provider.id) if done else None,
        settled_by=view.agents.get(view.report.resolved_by), today=clock.today()), status)


@bp.get("/relatos/<id:report_id>")
def report(report_id: int):
    return _report_page(report_id)


def _act(report_id: int, action: str, form, check, perform):
    """Validate *form* and the view's own rules (*check*: the page's view and the errors so far →
    what the action needs, adding to the errors), run *perform* with that in one write
    transaction, and go back to the report (303). A report somebody settled first is a 409 that
    says so, nothing changed."""
    db = get_session()
    view = services.report_view(db, report_id, clock.today())
    if view is None:
        abort(404)
    form.validate()
    errors = errors_of(form)
    checked = check(view, errors)
    if errors:  # wrong whatever became of the report meanwhile
        posted = {k: request.form.get(k, "") for k in ACTION_FIELDS[action]}
        return _report_page(report_id, 400, action=action, errors=errors, posted=posted)
    if not view.open:
        return _report_page(report_id, 409, conflict=services.settled_message(db, view.report))
    try:
        with writing(db):
            perform(db, checked)
    except services.AlreadySettled as settled:
        return _report_page(report_id, 409, conflict=str(settled))
    return redirect(url_for("network_team.report", report_id=report_id, feito="1") + "#resultado", code=303)


def _location_of(view, form_field, errors: dict):
    """The provider's active location the form names, or an error on ``local``."""
    if "local" in errors:
        return None
    location = next((loc for loc in view.active_locations if loc.id == form_field.parsed), None)
    if location is None:
        errors["local"] = "Escolha um dos endereços do prestador."
    return location


@bp.post("/relatos/<id:report_id>/corrigir")
def correct(report_id: int):
    form = CorrectionForm(formdata=request.form)

    def check(view, errors):
        location = _location_of(view, form.local, errors)
        if location is not None and not errors and not services.changed_fields(location, form.values()):
            errors["telefones"] = ("Nada mudou: altere o que está errado antes de salvar a correção "
                                   "(se os dados estão certos, use “Dados conferidos”).")
        return location

    return _act(report_id, "corrigir", form, check, lambda db, location: services.apply_corrections(
        db, report_id, g.agent, location.id, form.values(), request.remote_addr, clock.utcnow()))


@bp.post("/relatos/<id:report_id>/saiu")
def leave(report_id: int):
    form = LeaveForm(formdata=request.form)

    def check(view, errors):
        row = next((m for m in view.open_memberships if m.product.slug == form.plano.data), None)
        if row is None:
            errors["plano"] = "Escolha um dos planos em que o prestador está hoje."
        return row

    return _act(report_id, "saiu", form, check, lambda db, row: services.leave_product(
        db, report_id, g.agent, row.product.id, request.remote_addr, clock.utcnow(), clock.today()))


@bp.post("/relatos/<id:report_id>/verificar")
def verify(report_id: int):
    form = VerifyForm(formdata=request.form)
    return _act(report_id, "verificar", form, lambda view, errors: _location_of(view, form.local, errors),
                lambda db, location: services.verify(db, report_id, g.agent, location.id, request.remote_addr,
                                                     clock.utcnow()))


@bp.post("/relatos/<id:report_id>/rejeitar")
def reject(report_id: int):
    form = RejectForm(formdata=request.form)
    return _act(report_id, "rejeitar", form, lambda view, errors: None,
                lambda db, _: services.reject(db, report_id, g.agent, form.justificativa.parsed,
                                              request.remote_addr, clock.utcnow()))


def _no_filters() -> QueueForm:
    form = QueueForm(formdata=MultiDict())
    form.validate()
    return form


# --- the export --------------------------------------------------------------------------------


@bp.post("/exportar")
def export():
    """Record the export in the audit log, then download it (a GET that the log row authorises:
    a GET never writes)."""
    db = get_session()
    form = ExportForm(formdata=request.form)
    operator = services.operator_by_slug(db, form.operadora.data) if form.operadora.data else None
    if operator is None:
        return _queue_page(db, _no_filters(), {}, 400,
                           export_errors={"operadora": "Escolha a operadora do arquivo da rede."},
                           export_value=form.operadora.data[:80])
    with writing(db):
        entry = services.record_export(db, g.agent, services.export_rows(db, operator), request.remote_addr,
                                       clock.utcnow())
    return redirect(url_for("network_team.export_csv", operadora=operator.slug, registro=entry.id), code=303)


@bp.get("/exportar.csv")
def export_csv():
    db = get_session()
    slug = (request.args.get("operadora") or "").strip()
    operator = services.operator_by_slug(db, slug[:80]) if slug else None
    if operator is None:
        return _queue_page(db, _no_filters(), {}, 400,
                           export_errors={"operadora": "Escolha a operadora do arquivo da rede."})
    entry_id = parse_id(request.args.get("registro") or "")
    if not services.export_allowed(db, g.agent, entry_id, operator, clock.utcnow()):
        # Not recorded yet (or long ago, or by somebody else): the export starts at its form.
        return redirect(url_for("network_team.queue", _anchor="exportar"), code=303)
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    body = services.export_csv(db, services.export_rows(db, operator))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="rede-relatos-{operator.slug}-{stamp}.csv"'})
