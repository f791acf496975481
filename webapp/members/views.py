"""Sign-in, first access, getting back in ("Esqueci minha senha"), sign-out, the member card and
the devices it lives on, the family's waiting periods, the clinic's card check and the privacy page."""

from __future__ import annotations

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, session, url_for

from ..core import clock, mail, passwords
from ..core.access import MEMBER_SESSION_KEY, member_required
from ..core.forms import errors_of, values_of
from ..core.lockout import attempts, burst_limit
from ..core.ratelimit import wait_text
from ..core.qr import qr_svg
from ..core.responses import clearing_site_data, private
from ..core.urls import external_url, safe_next
from ..core.views import ignores_session, render_error
from ..db import get_session, writing
from ..plans import services as plan_services
from ..plans.releases import family_releases
from . import devices, recovery, services
from .current import FamilyMember, SignedInMember, current_member
from .demo import DEMO_PASSWORD, demo_logins
from .forms import FirstAccessForm, IdentityForm, ResetCodeForm, ResetLinkForm, SignInForm, VerifyForm
from .models import Member

bp = Blueprint("members", __name__)
bp.add_app_template_global(services.status_notice, "status_notice")

CARD_QR_TITLE = "Código QR de verificação da carteirinha"
# Whom "Esqueci minha senha" is for, between asking and typing the code: {"m": member id, "r": reset id}.
RESET_SESSION_KEY = "password_reset"
CODE_REFUSED = ("Código inválido ou vencido. Confira o número da carteirinha e peça ao beneficiário o código que "
                "aparece agora na carteirinha (ele muda a cada minuto).")


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
    device = None
    if "d" in data:  # sessions from before devices have none: the card page gives them one
        device = devices.live_device(db, data.get("d"), member)
        if device is None:  # revoked (by the member elsewhere, an agent, a new password): signed out here
            session.pop(MEMBER_SESSION_KEY, None)
            return
    g.member_device = device
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
    """Every sign-in path ends here: a new session cookie, and a new device (this phone's secret
    for the card's offline code)."""
    with writing(get_session()) as db:
        device = devices.register_device(db, member, request.headers.get("User-Agent"))
    session.clear()
    session.permanent = True
    session[MEMBER_SESSION_KEY] = {"id": member.id, "v": member.session_version, "d": device.id}


def _this_device(member):
    """The device of this session; a session from before devices gets one now (a write on a GET:
    once per such session, so its card can make codes)."""
    device = g.get("member_device")
    if device is None:
        with writing(get_session()) as db:
            device = devices.register_device(db, member, request.headers.get("User-Agent"))
        session[MEMBER_SESSION_KEY] = {**session[MEMBER_SESSION_KEY], "d": device.id}
        g.member_device = device
    return device


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

    def page(errors, status=200, has_password=False):
        return make_response(render_template("members/first_access.html", errors=errors, values=values,
                                             has_password=has_password), status)

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
        return _refused(page({"cpf": str(error)}, has_password=isinstance(error, services.AlreadyHasPassword)), error)
    _start_session(member)
    return clearing_site_data(redirect(url_for("members.card"), code=303))


# --- getting back in ---------------------------------------------------------------------------


@bp.route("/esqueci-senha", methods=["GET", "POST"])
@burst_limit("password_reset")
def forgot_password():
    """Who you are (as at first access); then a code to the e-mail on file, or — with none — the
    operator's contacts."""
    form = IdentityForm(formdata=request.form)
    values = values_of(form, "cpf", "nascimento", "carteirinha")

    def page(errors, status=200, product=None):
        return private(make_response(render_template("members/forgot_password.html", errors=errors, values=values,
                                                     product=product), status))

    if request.method == "GET":
        return page({})
    if not form.validate():
        return page(errors_of(form), 400)
    db = get_session()
    try:
        member = services.prove_identity(db, form.cpf.data, form.nascimento.parsed, form.carteirinha.data,
                                         attempts("password_reset"))
    except services.SignInError as error:
        return _refused(page({"cpf": str(error)}), error)
    email = member.email
    if not email:
        return page({}, product=plan_services.member_product(db, member.product_id))
    try:
        with writing(db):
            issued = recovery.request_code(db, member, current_app.config["SECRET_KEY"], clock.utcnow())
    except recovery.TooManyCodes as too_many:
        response = page({"cpf": f"Já enviamos {recovery.CODES_PER_HOUR} códigos na última hora. Por segurança, "
                                f"peça outro em {wait_text(too_many.retry_after)}."}, 429)
        response.headers["Retry-After"] = str(too_many.retry_after)
        return response
    try:
        mail.send(email, *recovery.code_message(issued.secret, issued.expires_at))
    except mail.MailError:
        with writing(db):
            recovery.discard(db, issued.reset_id)  # nobody received it: it must not stay open
        return private(make_response(render_template(
            "core/error.html", status=503, title="E-mail indisponível no momento",
            text="Não conseguimos enviar o código agora. Tente de novo em alguns minutos, ou fale com a "
                 "operadora do seu plano."), 503))
    session[RESET_SESSION_KEY] = {"m": member.id, "r": issued.reset_id}
    return redirect(url_for("members.reset_with_code"), code=303)


def _new_password_set(member):
    """The new password is in: signed in on this device (every other session has ended), to the card."""
    _start_session(member)
    return clearing_site_data(redirect(url_for("members.card"), code=303))


@bp.route("/esqueci-senha/codigo", methods=["GET", "POST"])
@burst_limit("password_reset")
def reset_with_code():
    """The code from the e-mail and the new password, for the member named in the session."""
    db = get_session()
    pending = session.get(RESET_SESSION_KEY) or {}
    reset = None
    if isinstance(pending.get("m"), int) and isinstance(pending.get("r"), int):
        reset = recovery.pending_code(db, pending["m"], pending["r"], clock.utcnow())
    form = ResetCodeForm(formdata=request.form)

    def page(errors, status=200, gone=""):
        address = None
        if reset is not None and not gone:
            address = mail.mask_address(db.get(Member, reset.member_id).email or "")
        return private(make_response(render_template(
            "members/reset_code.html", errors=errors, address=address, gone=gone,
            minutes=recovery.CODE_MINUTES), status))

    # No code asked on this device (or the session ended), or one that cannot be used any more.
    missing = recovery.GONE_CODE if pending else recovery.NO_CODE
    if request.method == "GET":
        return page({}, gone="" if reset is not None else missing)
    if not form.validate():
        return page(errors_of(form), 400)
    if reset is None:
        return page({}, 410, gone=missing)
    password_hash = passwords.hash_password(form.senha.data)  # slow: before the lock
    with writing(db):
        outcome = recovery.redeem_code(db, pending["m"], pending["r"], form.codigo.data,
                                       current_app.config["SECRET_KEY"], password_hash, clock.utcnow())
    if outcome.member is not None:
        return _new_password_set(outcome.member)
    if outcome.gone:
        return page({}, 410, gone=outcome.message)
    return page({"codigo": outcome.message}, 400)


def _unreferred(response):
    """A page whose URL holds a secret: kept by no cache nor search engine, and its address sent
    to nobody as a ``Referer`` (not even this site's own stylesheets and scripts, whose requests
    are logged)."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return private(response, noindex=True)


@bp.route("/nova-senha/<token>", methods=["GET", "POST"])
@burst_limit("password_reset")
def reset_with_link(token: str):
    """The link an agent sent by WhatsApp: the birth date, then the new password. The token is
    not personal data, but it opens an account: the page is private and kept out of search engines."""
    db = get_session()
    try:
        reset = recovery.open_link(db, token[:100], current_app.config["SECRET_KEY"], clock.utcnow())
    except LookupError:
        return _unreferred(make_response(render_template(
            "core/error.html", status=404, title="Link inválido",
            text="Este link para criar uma nova senha não existe. Confira se ele foi copiado inteiro, peça um "
                 "novo ao atendimento ou use “Esqueci minha senha” na página Entrar."), 404))
    except recovery.ResetGone:
        reset = None
    form = ResetLinkForm(formdata=request.form)
    values = values_of(form, "nascimento")

    def page(errors, status=200, gone=""):
        return _unreferred(make_response(render_template(
            "members/reset_link.html", errors=errors, values=values, gone=gone, token=token), status))

    if reset is None:
        return page({}, 410, gone=recovery.GONE_LINK)
    if request.method == "GET":
        return page({})
    if not form.validate():
        return page(errors_of(form), 400)
    reset_id, member_id = reset.id, reset.member_id
    password_hash = passwords.hash_password(form.senha.data)  # slow: before the lock
    with writing(db):
        outcome = recovery.redeem_link(db, reset_id, member_id, form.nascimento.parsed, password_hash, clock.utcnow())
    if outcome.member is not None:
        return _new_password_set(outcome.member)
    if outcome.gone:
        return page({}, 410, gone=outcome.message)
    return page({"nascimento": outcome.message}, 400)


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
    device = _this_device(g.member)
    now = clock.now()
    views = services.card_views(get_session(), g.member, current_app.config["SECRET_KEY"], now, device=device)
    qrs = {v.member.id: qr_svg(external_url("members.verify", token=v.verify_token), CARD_QR_TITLE) for v in views}
    return render_template("members/card.html", views=views, qrs=qrs, now=now)


@bp.get("/aparelhos")
@member_required
def devices_page():
    db = get_session()
    return render_template("members/devices.html", devices=devices.devices_of(db, g.member),
                           this_device=g.get("member_device"), revoked=request.args.get("desconectado") == "1")


@bp.post("/aparelhos/<id:device_id>/desconectar")
@member_required
def revoke_device(device_id: int):
    """Signs one of the member's devices out; this one is signing out here."""
    this_one = g.get("member_device") is not None and g.member_device.id == device_id
    with writing(get_session()) as db:
        revoked = devices.revoke_device(db, device_id, [g.member.id], "membro")
    if revoked is None:
        return render_error(404, "Este aparelho não está entre os seus aparelhos conectados.")
    if this_one:
        session.clear()
        return clearing_site_data(redirect(url_for("members.sign_in", saiu="1"), code=303))
    return redirect(url_for("members.devices_page", desconectado="1"), code=303)


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


@bp.route("/verificar", methods=["GET", "POST"])
@burst_limit("verify")
def verify_form():
    """The clinic types the card number and the code on the member's phone (POST: a card number
    is personal data, kept out of the URL)."""
    form = VerifyForm(formdata=request.form)
    values = values_of(form, "carteirinha", "codigo")

    def page(errors, status):
        return private(make_response(render_template("members/verify_form.html", errors=errors, values=values),
                                     status))

    if request.method == "GET":
        return page({}, 200)
    if not form.validate():
        return page(errors_of(form), 400)
    try:
        member = _check_code(devices.CodeCheck(code=form.codigo.parsed, card_number=form.carteirinha.parsed))
    except _Refused as refused:
        return refused.answer(page({"codigo": str(refused)}, refused.status))
    return _verified(member)


@bp.get("/verificar/c/<payload>")
def verify_code(payload: str):
    """The URL in the QR code the phone draws: the member's and the device's ids and the code —
    nothing personal."""
    try:
        check = devices.parse_qr_payload(payload[:100])
        if check is None:
            raise _Refused(CODE_REFUSED, 400)
        member = _check_code(check)
    except _Refused as refused:
        return refused.answer(private(make_response(render_template(
            "core/error.html", status=refused.status, text=str(refused),
            title="Código inválido ou vencido" if refused.status == 400 else "Muitas tentativas"), refused.status)))
    return _verified(member)


class _Refused(Exception):
    """A card check refused: its pt-BR message, status and, when locked, seconds to wait."""

    def __init__(self, message: str, status: int, retry_after: int = 0):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after

    def answer(self, response):
        if self.retry_after:
            response.headers["Retry-After"] = str(self.retry_after)
        return response


def _check_code(check: devices.CodeCheck):
    """The member whose live code *check* is (the device marked as seen); ``_Refused`` otherwise.
    Counted per card and per client address, like a sign-in."""
    db = get_session()
    counters = attempts("verify")
    person = devices.attempt_key(db, check)
    wait = counters.start(person)
    if wait:
        raise _Refused(f"Muitas tentativas com esta carteirinha. Por segurança, tente de novo em {wait_text(wait)}.",
                       429, wait)
    now = clock.utcnow()
    try:
        member, device = devices.check_code(db, check, current_app.config["SECRET_KEY"], now)
    except devices.CodeRefused:
        counters.failed()
        raise _Refused(CODE_REFUSED, 400) from None
    counters.succeeded(person)
    with writing(db):
        devices.seen(db, device.id, now)
    return member


def _verified(member):
    """Only what the clinic needs: name, plan, status and the waiting periods still running."""
    db = get_session()
    product = plan_services.member_product(db, member.product_id)
    now = clock.now()
    running = services.running_periods(db, product, member, services.holder_of(db, member), now)
    return private(make_response(render_template("members/verify.html", member=member, product=product,
                                                  running=running, now=now, by_code=True)))


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
                                                  running=running, now=now, by_code=False)))


@bp.get("/privacidade")
def privacy():
    return render_template("members/privacy.html")


@bp.app_context_processor
def _member_context():
    return {"signed_in": g.get("signed_in_member")}
