"""Sign-in, first access, sign-out, the member card, the family's waiting periods, card
verification and the privacy page."""

from __future__ import annotations

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, session, url_for

from ..core import clock, passwords
from ..core.access import MEMBER_SESSION_KEY, member_required
from ..core.forms import errors_of, values_of
from ..core.lockout import attempts, burst_limit
from ..core.qr import qr_svg
from ..core.responses import clearing_site_data, private
from ..core.urls import external_url, safe_next
from ..core.views import ignores_session
from ..db import get_session, writing
from ..plans import services as plan_services
from ..plans.releases import family_releases
from . import services
from .current import FamilyMember, SignedInMember, current_member
from .demo import DEMO_PASSWORD, demo_logins
from .forms import FirstAccessForm, SignInForm

bp = Blueprint("members", __name__)
bp.add_app_template_global(services.status_notice, "status_notice")

CARD_QR_TITLE = "Código QR de verificação da carteirinha"


@bp.before_app_request
def load_signed_in_member() -> None:
    data = session.get(MEMBER_SESSION_KEY)
    if not data or ignores_session():
        return
    member = services.load_for_session(get_session(), data.get("id"))
    if member is None or member.session_version != data.get("v") or member.status == "cancelado":
        session.pop(MEMBER_SESSION_KEY, None)
        return
    db = get_session()
    holder = services.holder_of(db, member)
    g.member = member
    g.signed_in_member = SignedInMember(
        member_id=member.id, name=member.name, product_slug=plan_services.product_slug(db, member.product_id),
        family=tuple(
            FamilyMember(member_id=p.id, name=p.name, relationship=p.kinship,
                         inclusion_at=clock.local(p.inclusion_at), exemption=p.exemption,
                         holder_inclusion_at=clock.local(holder.inclusion_at), sex=p.sex)
            for p in services.visible_family(db, member)
        ),
    )


def _start_session(member) -> None:
    session.clear()
    session.permanent = True
    session[MEMBER_SESSION_KEY] = {"id": member.id, "v": member.session_version}


def _refused(response, error: services.SignInError):
    """429 with ``Retry-After`` when locked, else 400."""
    if error.locked:
        response.status_code = 429
        response.headers["Retry-After"] = str(error.retry_after)
    else:
        response.status_code = 400
    return private(response)


@bp.route("/entrar", methods=["GET", "POST"])
@burst_limit("members")
def sign_in():
    form = SignInForm(formdata=request.form)
    if request.method == "GET":
        return private(make_response(_render_sign_in({}, form.login.data)))
    if not form.validate():
        return private(make_response(_render_sign_in(errors_of(form), form.login.data), 400))
    login, password = form.login.data, form.senha.data
    db = get_session()
    try:
        member = services.sign_in(db, login, password, attempts("members"))
    except services.SignInError as error:
        return _refused(make_response(_render_sign_in({"login": str(error)}, login)), error)
    new_hash = passwords.upgraded_hash(member.password_hash, password)  # slow: before the lock
    if new_hash is not None:
        with writing(db):
            passwords.replace_password_hash(db, member, new_hash)
    _start_session(member)
    return clearing_site_data(
        redirect(safe_next(request.args.get("next"), default=url_for("members.card")), code=303))


def _render_sign_in(errors, login):
    demo = None
    if current_app.config.get("DEMO"):
        demo = {"password": DEMO_PASSWORD, "logins": demo_logins(get_session())}
    return render_template("members/sign_in.html", errors=errors, login=login, demo=demo,
                           signed_out=request.args.get("saiu") == "1", next=request.args.get("next") or "")


@bp.route("/primeiro-acesso", methods=["GET", "POST"])
@burst_limit("first_access")
def first_access():
    form = FirstAccessForm(formdata=request.form)
    values = values_of(form, "cpf", "nascimento", "carteirinha")

    def page(errors, status=200):
        return make_response(render_template("members/first_access.html", errors=errors, values=values), status)

    if request.method == "GET":
        return private(page({}))
    if not form.validate():
        return private(page(errors_of(form), 400))
    db = get_session()
    try:
        member = services.first_access(db, form.cpf.data, form.nascimento.parsed, form.carteirinha.data,
                                       attempts("first_access"))
        password_hash = passwords.hash_password(form.senha.data)  # slow: before the lock
        with writing(db):
            services.set_first_password(db, member, password_hash, clock.utcnow())
    except services.SignInError as error:
        return _refused(page({"cpf": str(error)}), error)
    _start_session(member)
    return clearing_site_data(redirect(url_for("members.card"), code=303))


@bp.post("/sair")
def sign_out():
    member = g.get("member")
    if member is not None:
        with writing(get_session()) as db:
            services.end_sessions(db, member)  # any copy of the old cookie stops working
    session.clear()
    return clearing_site_data(redirect(url_for("members.sign_in", saiu="1"), code=303))


@bp.get("/carteirinha")
@member_required
def card():
    now = clock.now()
    views = services.card_views(get_session(), g.member, current_app.config["SECRET_KEY"], now)
    qrs = {v.member.id: qr_svg(external_url("members.verify", token=v.verify_token), CARD_QR_TITLE) for v in views}
    return render_template("members/card.html", views=views, qrs=qrs, now=now)

@bp.get("/minhas-carencias")
@member_required
def waiting_periods():
    """Every waiting period of the signed-in member and of the family they may see, by the date
    it ends; built from the session alone (no id in the URL to try another family's)."""
    signed_in = current_member()
    product = plan_services.get_product(get_session(), signed_in.product_slug)
    now = clock.now()
    return render_template("members/waiting_periods.html", product=product, doc=product.document,
                           people=family_releases(product, signed_in.family, now), now=now)


@bp.get("/verificar/<token>")
def verify(token: str):
    db = get_session()
    try:
        member = services.verify_token(db, token[:400], current_app.config["SECRET_KEY"])
    except services.VerificationExpired:
        return private(make_response(render_template("members/verify_expired.html"), 410))
    except LookupError:
        return private(make_response(render_template(
            "core/error.html", status=400, title="Código inválido",
            text="Este código de verificação não é válido. Peça ao beneficiário para abrir a carteirinha de novo."),
            400))
    product = plan_services.member_product(db, member.product_id)
    holder = services.holder_of(db, member)
    now = clock.now()
    running = services.running_periods(db, product, member, holder, now)
    return private(make_response(render_template("members/verify.html", member=member, product=product,
                                                  running=running, now=now)))


@bp.get("/privacidade")
def privacy():
    return render_template("members/privacy.html")


@bp.app_context_processor
def _member_context():
    return {"signed_in": g.get("signed_in_member")}
