"""Every answer names the member session it was made in (the service worker's cue to drop the
pages it kept from another session) — through HTTP; the worker itself is exercised in
tests/browser/test_card_purge_browser.py."""

import re
from datetime import timedelta

from tests.support.members import CASSEMS_HOLDER_CPF as HOLDER_CPF
from tests.support.members import CASSEMS_SPOUSE_CPF as SPOUSE_CPF
from tests.support.members import member_by_cpf, sign_in
from tests.support.pages import csrf
from webapp.core import clock
from webapp.core.responses import SESSION_HEADER, session_marker

MARKER = re.compile(r"^[0-9a-f]{32}$")


def named(response) -> str:
    return response.headers[SESSION_HEADER]


def test_signed_out_every_answer_says_none(client):
    for path in ("/", "/rede", "/planos", "/entrar", "/offline", "/api/v1/rede?plano=cassems-odonto"):
        assert named(client.get(path)) == "none", path
    assert named(client.get("/carteirinha")) == "none"  # the redirect to the sign-in page
    assert named(client.get("/nao-existe")) == "none"


def test_signed_in_every_answer_names_the_same_session_and_nothing_about_the_member(client, families, app):
    sign_in(client, HOLDER_CPF)
    markers = {named(client.get(path)) for path in ("/carteirinha", "/", "/rede", "/planos/cassems-odonto",
                                                    "/planos/cassems-odonto/coberturas?q=canal", "/extrato")}
    assert len(markers) == 1
    (marker,) = markers
    holder = member_by_cpf(families, HOLDER_CPF)
    assert marker == session_marker(app.secret_key, holder.id, holder.session_version)  # keyed: no id to read

    sign_in(client, SPOUSE_CPF)  # another person on the same phone: another session
    assert named(client.get("/carteirinha")) not in {marker, "none"}


def test_answers_shared_caches_may_keep_name_no_session(client, families):
    sign_in(client, HOLDER_CPF)
    manifest = client.get("/manifest.webmanifest")
    assert manifest.cache_control.public and SESSION_HEADER not in manifest.headers


def test_signing_out_on_another_device_ends_the_session_named_on_this_one(client, families, app):
    sign_in(client, HOLDER_CPF)
    marker = named(client.get("/carteirinha"))
    laptop = app.test_client()
    sign_in(laptop, HOLDER_CPF)
    assert named(laptop.get("/carteirinha")) == marker  # one session, two devices

    signed_out = laptop.post("/sair", data={"csrf_token": csrf(laptop, "/carteirinha")})
    assert signed_out.status_code == 303 and named(signed_out) == "none"
    assert named(client.get("/rede")) == "none"  # the phone's next contact, whatever the page

    sign_in(client, HOLDER_CPF)
    assert named(client.get("/carteirinha")) not in {marker, "none"}  # a new session, a new name


def test_a_cancelled_member_has_no_session(client, families):
    sign_in(client, HOLDER_CPF)
    assert named(client.get("/")) != "none"
    member_by_cpf(families, HOLDER_CPF).status = "cancelado"
    families.flush()
    assert named(client.get("/")) == "none"


def test_an_expired_session_is_named_none_even_when_the_browser_still_sends_it(client, families, app,
                                                                               frozen_clock):
    start = frozen_clock(clock.now())
    sign_in(client, HOLDER_CPF)
    cookie = client.get_cookie("guia_sessao").value
    frozen_clock(start + app.permanent_session_lifetime - timedelta(minutes=1))
    assert named(client.get("/")) != "none"  # still alive, and refreshed by this request
    cookie = client.get_cookie("guia_sessao").value

    frozen_clock(start + 2 * app.permanent_session_lifetime)
    stale = app.test_client()
    stale.set_cookie("guia_sessao", cookie)  # a browser whose clock says the cookie is still good
    assert named(stale.get("/")) == "none"
    assert named(client.get("/")) == "none"


def test_the_marker_depends_on_the_key_the_member_and_the_sign_out_count():
    base = session_marker("chave", 7, 0)
    assert MARKER.match(base) and base == session_marker(b"chave", 7, 0)
    assert len({base, session_marker("outra", 7, 0), session_marker("chave", 8, 0),
                session_marker("chave", 7, 1)}) == 4
