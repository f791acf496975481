"""Agent pages under /atendimento, and the public short links under /s/.

Agents are a role of their own: their session lives under ``session["agent"]``, a member
session never reaches an agent page and an agent session never reaches a member page (both
refused with 403). Every look at a member's data goes through a POST that appends to the audit
log first; the GET pages that show it are authorised by that log row (reads do not write).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..core import clock, passwords
from ..core.access import (
    AGENT_SESSION_KEY,
    agent_area_guard,
    keep_agents_out_of_member_pages,
    supervisor_required,
)
from ..core.formatting import data_hora
from ..core.forms import errors_of, values_of
from ..core.lockout import attempts, burst_limit, misses
from ..core.qr import qr_svg
from ..core.ratelimit import wait_text
from ..core.responses import clearing_site_data, private
from ..core.urls import absolute, external_url, safe_next
from ..core.views import ignores_session
from ..db import get_session, writing
from ..history import services as history_services
from ..history.params import StatementParams
from ..members import recovery
from ..members.services import holder_of, visible_family
from ..plans import services as plan_services
from . import audit_log, services
from . import share as share_module
from .demo import DEMO_AGENTS, DEMO_PASSWORD
from .forms import AuditFilterForm, AuditMemberForm, LookupForm, SignInForm

bp = Blueprint("agents", __name__, url_prefix="/atendimento")
links_bp = Blueprint("links", __name__)

SHORT_LINK_QR_TITLE = "Código QR do link curto"
MAX_OPEN_LOOKUPS = 10


@bp.before_app_request
def load_signed_in_agent():
    data = session.get(AGENT_SESSION_KEY)
    if data and not ignores_session():
        agent = None
        if isinstance(data, dict):
            agent = services.load_for_session(get_session(), data.get("id"), data.get("v"), data.get("t"), clock.utcnow())
        if agent is None:
            session.pop(AGENT_SESSION_KEY, None)
        else:
            g.agent = agent
    return keep_agents_out_of_member_pages()


bp.before_request(agent_area_guard)


@bp.after_request
def _kept_by_no_cache_nor_robot(response):
    return private(response, noindex=True)


@bp.app_context_processor
def _agent_context():
    return {"signed_in_agent": g.get("agent")}


# --- sign-in and sign-out -------------------------------------------------------------------


@bp.route("/entrar", methods=["GET", "POST"])
@burst_limit("agents")
def sign_in():
    if g.get("agent") is not None:
        return redirect(url_for("agents.lookup"), code=303)
    form = SignInForm(formdata=request.form)
    username, password = form.usuario.data, form.senha.data
    errors: dict[str, str] = {}
    status = 200
    retry_after = None
    if request.method == "POST":
        status = 400
        if not form.validate():
            errors = errors_of(form)
        else:
            db = get_session()
            try:
                agent = services.sign_in(db, username, password, attempts("agents"))
            except services.SignInError as error:
                errors["usuario"] = str(error)
                status = 429 if error.locked else 400
                retry_after = error.retry_after if error.locked else None
            else:
                new_hash = passwords.upgraded_hash(agent.password_hash, password)  # slow: before the lock
                if new_hash is not None:
                    with writing(db):
                        passwords.replace_password_hash(db, agent, new_hash)
                session.clear()
                session.permanent = True
                session[AGENT_SESSION_KEY] = {"id": agent.id, "v": agent.session_version,
                                              "t": int(clock.utcnow().timestamp())}
                return clearing_site_data(redirect(
                    safe_next(request.args.get("next"), default=url_for("agents.lookup"), under=bp.url_prefix),
                    code=303))
    demo = None
    if current_app.config.get("DEMO"):
        demo = {"password": DEMO_PASSWORD, "agents": DEMO_AGENTS}
    response = make_response(render_template(
        "agents/sign_in.html", errors=errors, username=username, demo=demo, next=request.args.get("next") or "",
        signed_out=request.args.get("saiu") == "1", minutes=services.LOOKUP_MINUTES), status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/sair")
def sign_out():
    with writing(get_session()) as db:
        services.end_sessions(db, g.agent)  # any copy of the old cookie stops working
    session.clear()
    return clearing_site_data(redirect(url_for("agents.sign_in", saiu="1"), code=303))


# --- look-up --------------------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
def lookup():
    db = get_session()
    form = LookupForm(formdata=request.form)
    values = values_of(form, "identificador", "motivo", "protocolo")
    errors: dict[str, str] = {}
    status = 200
    wait = 0
    if request.method == "POST":
        status = 400
        if not form.validate():
            errors = errors_of(form)
        else:
            missed = misses("consultas", str(g.agent.id))
            wait = missed.paused()
            if wait:
                errors["identificador"] = ("Muitas consultas sem resultado seguidas. Por segurança, as consultas "
                                           f"estão pausadas. Tente de novo em {wait_text(wait)}.")
                status = 429
            else:
                protocol = services.clean_protocol(values["protocolo"])
                with writing(db):
                    member = services.find_member(db, values["identificador"])
                    action = "nao-encontrado" if member is None else "consulta"
                    entry = services.record(db, g.agent, action, values["motivo"], request.remote_addr, clock.utcnow(),
                                            member=member, protocol=protocol)
                if member is not None:
                    return redirect(url_for("agents.member", lookup_id=entry.id), code=303)
                missed.missed()
                errors["identificador"] = ("Nenhum beneficiário com esse CPF ou número de carteirinha. "
                                           "A busca é exata: confira os números com o beneficiário.")
                status = 404
    response = make_response(render_template(
        "agents/lookup.html", values=values, errors=errors, reasons=services.LOOKUP_REASONS,
        open_lookups=services.open_lookups(db, g.agent, clock.utcnow(), limit=MAX_OPEN_LOOKUPS),
        minutes=services.LOOKUP_MINUTES), status)
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


def with_open_lookup(view):
    """The view runs with the agent's own open look-up and its member (instead of the URL's
    ``lookup_id``); a closed look-up answers 410, anybody else's or none 404."""

    @wraps(view)
    def guarded(lookup_id: int, **kwargs):
        db = get_session()
        try:
            entry = services.open_lookup(db, g.agent, lookup_id, clock.utcnow())
        except services.LookupClosed as closed:
            return make_response(render_template("agents/lookup_closed.html", text=str(closed)), 410)
        except LookupError:
            abort(404)
        return view(entry, services.lookup_member(db, entry), **kwargs)

    return guarded


@bp.get("/consultas/<id:lookup_id>")
@with_open_lookup
def member(entry, person):
    db = get_session()
    overview = services.member_overview(db, person, current_app.config["SECRET_KEY"], clock.now())
    return render_template("agents/member.html", entry=entry, o=overview, reasons=services.REASONS,
                           closes_at=entry.at + timedelta(minutes=services.LOOKUP_MINUTES),
                           kinds=services.KINDS, now=clock.utcnow(), reset_phone=services.reset_phone(person),
                           device_revoked=request.args.get("desconectado") == "1")


@bp.post("/consultas/<id:lookup_id>/aparelhos/<id:device_id>/desconectar")
@with_open_lookup
def revoke_device(entry, person, device_id: int):
    """Signs one of the family's phones out (a lost phone, on the member's request); audited."""
    with writing(get_session()) as db:
        revoked = services.revoke_device(db, g.agent, entry, device_id, request.remote_addr, clock.utcnow())
    if revoked is None:
        abort(404)
    return redirect(url_for("agents.member", lookup_id=entry.id, desconectado="1", _anchor="aparelhos"), code=303)


@bp.route("/consultas/<id:lookup_id>/extrato", methods=["GET", "POST"])
@with_open_lookup
def statement(entry, person):
    """The family's usage statement and authorizations, read-only: opened by a POST that is
    recorded in the audit log; the GET shows it while the look-up is open."""
    db = get_session()
    if request.method == "POST":
        with writing(db):
            services.record(db, g.agent, "extrato", entry.reason, request.remote_addr, clock.utcnow(), member=person,
                            lookup=entry, protocol=entry.protocol)
        return redirect(url_for("agents.statement", lookup_id=entry.id), code=303)
    if services.opened_in_lookup(db, entry, "extrato") is None:
        return redirect(url_for("agents.member", lookup_id=entry.id, _anchor="extrato"), code=303)
    people = visible_family(db, holder_of(db, person))
    return render_template(
        "agents/statement.html", entry=entry, member=person,
        statement=history_services.statement(db, people, StatementParams()),
        authorizations=history_services.authorizations(db, people, clock.today()))


# --- a link for a new password -----------------------------------------------------------------

RESET_LINK_KEY = "reset_link"  # the link just made, shown to the agent who made it: {"c": lookup, "t": token...}


@bp.route("/consultas/<id:lookup_id>/nova-senha", methods=["GET", "POST"])
@with_open_lookup
def reset_link(entry, person):
    """"Enviar link para nova senha": a POST makes the link (recorded in the audit log) for the
    member's own phone; the GET shows it, with the WhatsApp button, to the agent who made it. The
    token is only in that agent's session cookie, never in a URL or the log."""
    db = get_session()
    if request.method == "POST":
        if services.reset_phone(person) is None:
            abort(400)
        now = clock.utcnow()
        with writing(db):
            issued = recovery.issue_link(db, person, g.agent.id, current_app.config["SECRET_KEY"], now)
            services.record(db, g.agent, "nova-senha", entry.reason, request.remote_addr, now, member=person,
                            lookup=entry, protocol=entry.protocol,
                            detail=f"WhatsApp; válido até {data_hora(issued.expires_at)}")
        session[RESET_LINK_KEY] = {"c": entry.id, "t": issued.secret, "x": int(issued.expires_at.timestamp())}
        return redirect(url_for("agents.reset_link", lookup_id=entry.id), code=303)
    made = session.get(RESET_LINK_KEY) or {}
    if made.get("c") != entry.id or not isinstance(made.get("t"), str):
        return redirect(url_for("agents.member", lookup_id=entry.id), code=303)
    expires_at = datetime.fromtimestamp(made["x"], tz=timezone.utc)
    url = external_url("members.reset_with_link", token=made["t"])
    message = services.reset_message(url, expires_at)
    return render_template("agents/reset_link.html", entry=entry, member=person, expires_at=expires_at,
                           whatsapp=services.whatsapp_url(services.reset_phone(person), message),
                           phone=person.phone)


# --- the share builder ----------------------------------------------------------------------


@bp.route("/consultas/<id:lookup_id>/enviar-link", methods=["GET", "POST"])
@with_open_lookup
def share(entry, person):
    db = get_session()
    overview = services.member_overview(db, person, current_app.config["SECRET_KEY"], clock.now())
    kind = request.values.get("tipo") or "busca"
    if kind not in services.KINDS:
        if request.method == "POST":
            abort(400)
        kind = "busca"
    products = plan_services.list_products(db, with_document=True)
    by_slug = {p.slug: p for p in products}
    status, errors = 200, {}
    if request.method == "POST":

        req = share_module.parse(request.form, kind, db, by_slug, clock.today())
        if not req.errors:
            target, title = share_module.build(req, url_for)
            with writing(db):
                link = services.create_short_link(db, g.agent, kind, target, title, req.days, clock.utcnow())
                services.record(db, g.agent, "link", entry.reason, request.remote_addr, clock.utcnow(), member=person,
                                lookup=entry, protocol=entry.protocol, detail=f"{link.code} — {title}",
                                short_link=link)
            return redirect(url_for("agents.shared", lookup_id=entry.id, code=link.code), code=303)
        errors, status = req.errors, 400
        values = {k: " ".join((request.form.get(k) or "").split()) for k in request.form}
    else:
        suggested = overview.suggested_municipality
        values = {"plano": overview.product.slug, "cidade": suggested.label if suggested else "",
                  "validade": str(services.DEFAULT_LINK_DAYS)}
    sections = {p.slug: plan_services.product_sections(p) for p in products}
    return make_response(render_template(
        "agents/share.html", entry=entry, o=overview, kind=kind, kinds=services.KINDS, values=values,
        errors=errors, products=products, sections=sections, section_titles=plan_services.SECTION_TITLES,
        link_days=services.LINK_DAYS, specialties=share_module.SPECIALTIES, flag_labels=share_module.FLAG_LABELS,
    ), status)


@bp.get("/consultas/<id:lookup_id>/links/<code>")
@with_open_lookup
def shared(entry, person, code: str):
    db = get_session()
    link = services.link_made_in_lookup(db, entry, code)
    if link is None:
        abort(404)
    overview = services.member_overview(db, person, current_app.config["SECRET_KEY"], clock.now())
    short_url = external_url("links.follow", code=link.code)
    message = services.whatsapp_message(link.title, short_url, link.expires_at)
    return render_template(
        "agents/shared.html", entry=entry, o=overview, link=link, short_url=short_url, message=message,
        whatsapp=services.whatsapp_url(overview.phone, message), qr=qr_svg(short_url, SHORT_LINK_QR_TITLE),
        public_url=absolute(link.target), kinds=services.KINDS)


# --- the audit log --------------------------------------------------------------------------


AUDIT_FILTERS = ("agente", "beneficiario", "de", "ate")


# The error summary lists the errors in the order of the fields on the page.
AUDIT_FIELDS = ("agente", "carteirinha", "de", "ate", "pagina")


def _audit_filters(db):
    """The filters of the audit log from its URL, the values to show back, the errors, the page."""
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    errors = errors_of(form)
    values = {**values_of(form, *AUDIT_FILTERS, "pagina"), "carteirinha": ""}
    filters = audit_log.AuditFilter(agent_id=form.agente.parsed, since=form.de.parsed, until=form.ate.parsed)
    if form.beneficiario.data:
        member_id = form.beneficiario.parsed
        found = audit_log.member_by_id(db, member_id) if member_id is not None else None
        if found is None:
            errors["carteirinha"] = "Nenhum beneficiário com esse número de carteirinha."
        else:
            filters.member_id = found.id
            values["carteirinha"] = found.card_number  # shown in the field, from the database
    errors = {name: errors[name] for name in AUDIT_FIELDS if name in errors}
    return filters, values, errors, form.pagina.parsed or 1


def _audit_page(db, filters, values, errors, page):
    rows, total = [], 0
    if not errors:
        total = audit_log.audit_count(db, filters)
        size = audit_log.PAGE_SIZE
        rows = audit_log.audit_rows(db, filters, limit=size, offset=(page - 1) * size)
    agents, members = audit_log.names_for(db, rows)
    query = {k: values[k] for k in AUDIT_FILTERS if values.get(k)}
    return make_response(render_template(
        "agents/audit.html", rows=rows, total=total, page=page, pages=max(1, -(-total // audit_log.PAGE_SIZE)),
        agents=agents, members=members, all_agents=audit_log.list_agents(db), values=values, errors=errors,
        query=query, reasons=services.REASONS, actions=services.ACTIONS), 400 if errors else 200)


def audit_member_filter(db):
    """The filter form, posted with a card number (see ``AuditMemberForm``): on to the page that
    names the member by internal id."""
    form = AuditMemberForm(formdata=request.form)
    query = values_of(form, "agente", "de", "ate")
    card = form.carteirinha.data
    if card:
        found = audit_log.member_by_card(db, card)
        if found is None:
            values = {**query, "beneficiario": "", "pagina": "", "carteirinha": card}
            errors = {"carteirinha": "Nenhum beneficiário com esse número de carteirinha."}
            return _audit_page(db, audit_log.AuditFilter(), values, errors, 1)
        query["beneficiario"] = str(found.id)
    return redirect(url_for("agents.audit", **{k: v for k, v in query.items() if v}), code=303)


@bp.route("/auditoria", methods=["GET", "POST"])
@supervisor_required
def audit():
    db = get_session()
    if request.method == "POST":
        return audit_member_filter(db)
    return _audit_page(db, *_audit_filters(db))


@bp.get("/auditoria.csv")
@supervisor_required
def audit_csv():
    db = get_session()
    filters, values, errors, page = _audit_filters(db)
    if errors:
        return _audit_page(db, filters, values, errors, page)
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return Response(audit_log.audit_csv(db, filters), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="auditoria-atendimento-{stamp}.csv"'})


# --- public short links ---------------------------------------------------------------------


@links_bp.get("/s/<code>")
def follow(code: str):
    db = get_session()
    try:
        link = services.resolve(db, code, clock.utcnow())
    except services.LinkExpired as gone:
        response = make_response(render_template("agents/link_missing.html", status=410,
                                                 expired_at=gone.link.expires_at), 410)
    except LookupError:
        response = make_response(render_template("agents/link_missing.html", status=404, expired_at=None), 404)
    else:
        if request.method == "GET" and not services.is_preview_fetch(request.headers.get("User-Agent")):
            with writing(db):  # the lookup's read ends; the UPDATE is a transaction of its own
                services.count_visit(db, link, clock.utcnow())
        response = redirect(link.target, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
