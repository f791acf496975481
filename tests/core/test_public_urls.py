"""Every absolute URL the app writes is on the configured PUBLIC_BASE_URL, whatever ``Host`` a
request forged: the card's QR code, short links (shown, copied, sent by WhatsApp, in their QR),
canonical and Open Graph tags, the API's links and the OpenAPI ``servers``."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.support.agents import agent_named, agent_session, look_up, lookup_id
from tests.support.members import CASSEMS_HOLDER_CPF, LEVE_HOLDER_CPF, member_by_cpf, member_session
from tests.support.pages import csrf
from webapp.agents.views import SHORT_LINK_QR_TITLE
from webapp.core.qr import qr_svg
from webapp.members.views import CARD_QR_TITLE
from webapp.members.services import VERIFY_SALT

PUBLIC = "https://guia.exemplo.com.br"
FORGED = {"Host": "evil.example"}
LEVE = "leve-dental-rj-1-adesao"


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    return app


def test_the_forged_host_reaches_the_app(public_app):
    # The premise of this file: without the setting, a URL would be built on the forged host.
    from flask import request

    with public_app.test_request_context("/", headers=FORGED):
        assert request.host_url == "http://evil.example/"


def session_on_forged_host(app, client) -> None:
    """The client's session cookie, also sent to the forged host (cookies follow the Host)."""
    name = app.config["SESSION_COOKIE_NAME"]
    client.set_cookie(name, client.get_cookie(name).value, domain=FORGED["Host"])


def test_the_card_qr_code_verifies_on_the_public_origin(public_app, client, families):
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    member_session(client, holder)
    session_on_forged_host(public_app, client)
    page = client.get("/carteirinha", headers=FORGED).get_data(as_text=True)
    token = URLSafeTimedSerializer(public_app.config["SECRET_KEY"], salt=VERIFY_SALT).dumps({"m": holder.id})
    assert qr_svg(f"{PUBLIC}/verificar/{token}", CARD_QR_TITLE) in page
    assert qr_svg(f"http://evil.example/verificar/{token}", CARD_QR_TITLE) not in page


def test_short_links_are_on_the_public_origin(public_app, client, families):
    agent_session(client, agent_named(families, "atendente"))
    entry = lookup_id(look_up(client, LEVE_HOLDER_CPF))
    url = f"/atendimento/consultas/{entry}/enviar-link"
    response = client.post(url, data={
        "csrf_token": csrf(client, url), "tipo": "busca", "plano": LEVE, "cidade": "Niterói/RJ", "validade": "7"})
    assert response.status_code == 303
    session_on_forged_host(public_app, client)
    page = client.page(response.headers["Location"], headers=FORGED)
    html = client.get(response.headers["Location"], headers=FORGED).get_data(as_text=True)
    short = page.select_one("#link-curto").get_text()
    assert short.startswith(f"{PUBLIC}/s/")
    assert page.select_one(".js-copy-link")["data-copy"] == short
    message = unquote(page.select_one("a[href^='https://wa.me/']")["href"].split("?text=", 1)[1])
    assert short in message
    assert f"{PUBLIC}/rede?plano={LEVE}&municipio=3303302" in page.get_text()
    assert qr_svg(short, SHORT_LINK_QR_TITLE) in html  # the QR draws the same URL
    assert "evil.example" not in html and "evil.example" not in message


def canonical_and_og(page) -> tuple[str, str]:
    return page.select_one("link[rel=canonical]")["href"], page.select_one("meta[property='og:url']")["content"]


@pytest.mark.parametrize("url", [f"/rede?plano={LEVE}&municipio=3303302", "/rede", f"/planos/{LEVE}",
                                 f"/planos/{LEVE}/coberturas?q=canal", "provider"])
def test_canonical_and_open_graph_urls_are_on_the_public_origin(public_app, client, small_network, url):
    if url == "provider":
        url = f"/rede/dentista/{small_network['R1']}-dr-carlos-rio"
    canonical, og = canonical_and_og(client.page(url, headers=FORGED))
    path = url.split("#")[0]
    assert canonical == og and canonical.startswith(PUBLIC + path.split("?")[0])


def test_api_links_and_servers_are_on_the_public_origin(public_app, client, small_network):
    spec = client.get("/api/v1/openapi.json", headers=FORGED).get_json()
    assert spec["servers"] == [{"url": PUBLIC}]
    plan = client.get(f"/api/v1/planos/{LEVE}", headers=FORGED).get_json()
    assert plan["url"] == f"{PUBLIC}/planos/{LEVE}"
    assert plan["carencias_url"] == f"{PUBLIC}/api/v1/planos/{LEVE}/carencias"
    found = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302", headers=FORGED).get_json()
    assert found["resultados"] and all(r["url"].startswith(f"{PUBLIC}/rede/dentista/") for r in found["resultados"])
    provider = client.get(f"/api/v1/rede/dentista/{small_network['R1']}", headers=FORGED).get_json()
    assert provider["url"] == f"{PUBLIC}/rede/dentista/{small_network['R1']}-dr-carlos-rio"
