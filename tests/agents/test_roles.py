"""Two roles that never meet: no member page with an agent session, no agent page with a member
session. The routes come from the app's URL map, so a new page is covered the day it appears."""

import re

import pytest

from tests.support.agents import AGENT, agent_named, agent_session, sign_in
from tests.support.members import CASSEMS_HOLDER_CPF, member_by_cpf, member_session
from tests.support.pages import csrf
from webapp.core.access import is_member_endpoint

ARGS = {"lookup_id": 1, "code": "abcdefghijkmnopq", "token": "x", "provider_id": 1, "slug": "x", "device_id": 1,
        "payload": "1.1.123456", "event_id": 1, "report_id": 1}
# The agents' pages: the look-up, the audit log... and the network team's (an agent permission).
AGENT_AREAS = ("agents.", "network_team.")


def routes(app, predicate):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not predicate(rule.endpoint):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(ARGS[name]), path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, path, rule.endpoint))
    return out


def test_the_member_areas_are_the_expected_ones(app):
    member_pages = {endpoint for _, _, endpoint in routes(app, is_member_endpoint)}
    assert {"members.card", "members.sign_in", "members.first_access", "members.sign_out"} <= member_pages
    paths = {path for _, path, _ in routes(app, is_member_endpoint)}
    assert {"/carteirinha", "/minhas-carencias", "/extrato", "/autorizacoes"} <= paths  # the usage history too
    assert not member_pages & {"members.verify", "members.verify_form", "members.verify_code", "members.privacy",
                               "network.search", "plans.detail"}  # a clinic's card check is public


def test_no_member_page_with_an_agent_session(app, client, families):
    agent_session(client, agent_named(families, AGENT))
    token = csrf(client, "/atendimento")
    checked = 0
    for method, path, endpoint in routes(app, is_member_endpoint):
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
        text = response.get_data(as_text=True)
        assert "Você está conectado como atendente" in text, path
        assert response.headers["Cache-Control"] == "private, no-store"
        checked += 1
    assert checked >= 5
    client.page("/carteirinha", status=403)  # a valid page, in pt-BR


def test_no_agent_page_with_a_member_session(app, client, families):
    member_session(client, member_by_cpf(families, CASSEMS_HOLDER_CPF))
    assert client.get("/carteirinha").status_code == 200
    token = csrf(client, "/carteirinha")
    agent_pages = routes(app, lambda e: e.startswith(AGENT_AREAS))
    assert len(agent_pages) >= 18
    for method, path, endpoint in agent_pages:
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Você está conectado como beneficiário" in response.get_data(as_text=True), path
    page = client.page("/atendimento/entrar", status=403)
    assert page.select_one("form[action='/sair']") is not None  # the way out is on the page


def test_agent_pages_need_an_agent(app, client, families):
    token = csrf(client, "/atendimento/entrar")
    for method, path, endpoint in routes(app, lambda e: e.startswith(AGENT_AREAS) and e != "agents.sign_in"):
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 303, (method, path)
        assert response.headers["Location"].startswith("/atendimento/entrar"), path
    assert client.get("/atendimento/auditoria?de=2026-01-01").headers["Location"] == (
        "/atendimento/entrar?next=/atendimento/auditoria?de%3D2026-01-01")


def test_a_member_signing_in_drops_the_agent_session_and_vice_versa(client, families):
    from webapp.members.demo import DEMO_PASSWORD

    agent_session(client, agent_named(families, AGENT))
    # The member sign-in page is refused while an agent is signed in: sign out first.
    assert client.get("/entrar").status_code == 403
    client.post("/atendimento/sair", data={"csrf_token": csrf(client, "/atendimento")})
    token = csrf(client, "/entrar")
    assert client.post("/entrar", data={"login": CASSEMS_HOLDER_CPF, "senha": DEMO_PASSWORD,
                                        "csrf_token": token}).status_code == 303
    with client.session_transaction() as sess:
        assert "agent" not in sess
    assert client.get("/atendimento/entrar").status_code == 403
    client.post("/sair", data={"csrf_token": csrf(client, "/carteirinha")})
    assert sign_in(client).status_code == 303
    with client.session_transaction() as sess:
        assert "member" not in sess and "agent" in sess


@pytest.mark.parametrize("who", ["agent", "member", "nobody"])
def test_public_pages_and_short_links_open_for_everyone(client, families, who):
    if who == "agent":
        agent_session(client, agent_named(families, AGENT))
    elif who == "member":
        member_session(client, member_by_cpf(families, CASSEMS_HOLDER_CPF))
    for url in ("/", "/rede", "/planos", "/planos/cassems-odonto", "/privacidade"):
        assert client.get(url).status_code == 200, url
    assert client.get("/s/abcdefghijkmnopq").status_code == 404


def test_a_forged_cookie_with_both_roles_reaches_neither_area(client, families):
    agent_session(client, agent_named(families, AGENT))
    member = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    with client.session_transaction() as sess:
        sess["member"] = {"id": member.id, "v": member.session_version}
    assert client.get("/carteirinha").status_code == 403
    assert client.get("/atendimento").status_code == 403


def test_pages_show_an_agent_only_the_links_an_agent_can_follow(app, agent_client, client):
    """With an agent session, the header and the bottom navigation offer the agent's pages, not
    the member's sign-in, card or statement (which would answer 403)."""
    from bs4 import BeautifulSoup

    for url in ("/atendimento", "/rede", "/planos"):
        html = BeautifulSoup(agent_client.get(url).get_data(as_text=True), "html.parser")
        hrefs = {a.get("href") for a in html.select("header a, nav.go-nav a")}
        assert "/atendimento" in hrefs, url
        assert not hrefs & {"/entrar", "/carteirinha", "/extrato"}, (url, hrefs)
    agent_client.post("/atendimento/sair", data={"csrf_token": csrf(agent_client, "/atendimento")})
    html = BeautifulSoup(client.get("/rede").get_data(as_text=True), "html.parser")
    hrefs = {a.get("href") for a in html.select("header a, nav.go-nav a")}
    assert {"/entrar", "/carteirinha", "/extrato"} <= hrefs and "/atendimento" not in hrefs
