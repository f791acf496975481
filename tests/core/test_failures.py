"""Honest failures, through HTTP: a database that cannot be reached is a 503 (JSON under /api/),
every error under /api/ is JSON with ``erro``, a 405 says which methods work, big bodies are a
413, failing statements never log their bound values, and pages built for a signed-in person
are never stored by a cache."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from tests.support.agents import agent_named, agent_session
from tests.support.databases import BACKENDS, PG_ADMIN_URL
from tests.support.members import CASSEMS_HOLDER_CPF, member_by_cpf, member_session
from tests.support.server import free_port
from webapp import create_app
from webapp.core.views import RETRY_AFTER_SECONDS

LEVE = "leve-dental-rj-1-adesao"


def unreachable_app(url: str):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "SERVER_NAME": None})


NOBODY_LISTENING = "nobody-listening"
UNKNOWN_DATABASE = "unknown-database"
SQLITE_FILE_MISSING = "sqlite-file-missing"


@pytest.fixture(params=[NOBODY_LISTENING, UNKNOWN_DATABASE, SQLITE_FILE_MISSING])
def down_app(request, tmp_path):
    """An app whose database refuses it: no PostgreSQL server on the port, no such PostgreSQL
    database, or an SQLite file in a folder that does not exist."""
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    url = {NOBODY_LISTENING: f"postgresql://postgres@127.0.0.1:{free_port()}/guia",
           UNKNOWN_DATABASE: f"{base}/guia_odonto_nao_existe",
           SQLITE_FILE_MISSING: f"sqlite:///{tmp_path}/nao-existe/guia.sqlite3"}[request.param]
    app = unreachable_app(url)
    yield app
    app.extensions["db"].engine.dispose()


def test_unreachable_database_is_a_503_page_in_portuguese(down_app, caplog):
    client = down_app.test_client()
    for url in ("/planos", f"/rede?plano={LEVE}&municipio=3303302", f"/planos/{LEVE}"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert response.headers["Cache-Control"] == "no-store" and response.mimetype == "text/html"
        body = response.get_data(as_text=True)
        assert "Serviço indisponível no momento" in body and "Tente de novo em alguns minutos" in body
        assert "psycopg" not in body and "OperationalError" not in body
    assert "banco de dados indisponível" in caplog.text


@pytest.mark.parametrize("url", ["/api/v1/planos/cassems-odonto", f"/api/v1/rede?plano={LEVE}&municipio=3303302",
                                 "/api/v1/planos/cassems-odonto/carencias?inclusao=2026-01-10",
                                 "/api/v1/rede/dentista/1"])
def test_unreachable_database_is_a_json_503_under_api(down_app, url):
    response = down_app.test_client().get(url)
    assert response.status_code == 503 and response.mimetype == "application/json"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.get_json() == {"erro": "Serviço indisponível no momento. Tente de novo em alguns minutos."}


def test_the_installed_app_still_loads_while_the_database_is_down(down_app):
    client = down_app.test_client()
    # Signed in as a member and as an agent: the service worker, its offline page, the manifest
    # and the static files must not wait for the database that holds those sessions.
    with client.session_transaction() as sess:
        sess["member"] = {"id": 1, "v": 0}
        sess["agent"] = {"id": 1, "v": 0, "t": 0}
    for url in ("/sw.js", "/offline", "/manifest.webmanifest", "/api/v1/openapi.json"):
        assert client.get(url).status_code == 200, url
    worker = client.get("/sw.js").get_data(as_text=True)
    static = next(u for u in worker.split('"') if u.startswith("/static/dist/css/app."))
    assert client.get(static).status_code == 200
    assert client.get("/carteirinha").status_code == 503  # a page that does need it


# --- errors under /api/ ---------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url", "status"), [
    ("get", "/api/v1/nada-aqui", 404),
    ("get", "/api/v2/rede", 404),
    ("get", "/api/v1/planos/cassems-odonto/nada", 404),
    ("get", "/api/v1/rede/dentista/abc", 404),
    ("post", "/api/v1/rede", 405),
    ("delete", "/api/v1/planos/cassems-odonto", 405),
    ("put", "/api/v1/openapi.json", 405),
    ("get", "/api/v1/rede?pagina=0&plano=" + LEVE, 400),
])
def test_every_api_error_is_json_with_erro(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"erro"} and body["erro"]
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
        assert "use GET" in body["erro"]


def test_a_405_page_says_which_methods_work(client):
    response = client.delete("/planos")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]
    assert "Esta página não aceita esse tipo de pedido" in response.get_data(as_text=True)


def test_an_unexpected_api_error_is_a_json_500_without_details(app):
    @app.get("/api/v1/explode-para-teste")
    def explode():
        raise RuntimeError("segredo interno")

    response = app.test_client().get("/api/v1/explode-para-teste")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert "segredo" not in response.get_data(as_text=True) and response.get_json()["erro"]


# --- request size ---------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "content_type"), [
    (2 * 1024 * 1024, "application/x-www-form-urlencoded"),  # past the 1 MB body limit
    (70 * 1024, "multipart/form-data"),  # within it, but past the 64 KB of one multipart field
])
def test_a_body_past_the_limits_is_a_413_page(client, size, content_type):
    response = client.post("/entrar", data={"login": "1" * size, "senha": "x"}, content_type=content_type)
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "Envio grande demais" in response.get_data(as_text=True)


# --- logs -----------------------------------------------------------------------------------


def as_agent(client, session) -> None:
    agent_session(client, agent_named(session, "atendente"))


def as_member(client, session) -> None:
    member_session(client, member_by_cpf(session, CASSEMS_HOLDER_CPF))


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_failing_statement_never_logs_its_bound_values(client, families, connection, caplog):
    as_agent(client, families)
    token = client.page("/atendimento").select_one("input[name=csrf_token]")["value"]
    # The look-up by CPF now fails in the database (inside the test's transaction, rolled back).
    connection.execute(text("ALTER TABLE member RENAME COLUMN cpf TO cpf_renomeado"))
    with caplog.at_level(logging.ERROR):
        response = client.post("/atendimento", data={"identificador": CASSEMS_HOLDER_CPF, "motivo": "ligacao",
                                                     "csrf_token": token})
    assert response.status_code == 500
    logged = caplog.text
    assert "member.cpf" in logged  # the failing statement was logged...
    assert CASSEMS_HOLDER_CPF not in logged  # ...without the CPF it was given
    assert "hide_parameters" in logged


# --- caches ---------------------------------------------------------------------------------


PERSONAL_PAGES = ["/", f"/rede?plano={LEVE}&municipio=3303302", "/rede", "/planos", "/planos/cassems-odonto",
                  "/planos/cassems-odonto/carencias?inclusao=2026-01-10", "/planos/cassems-odonto/coberturas?q=canal", "/privacidade"]


@pytest.mark.parametrize("who", ["member", "agent"])
def test_pages_for_a_signed_in_person_are_never_stored(client, families, who):
    (as_member if who == "member" else as_agent)(client, families)
    for url in PERSONAL_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Cookie" in response.headers["Vary"], url


def test_public_answers_keep_their_caching_when_signed_in(client, families):
    as_member(client, families)
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/manifest.webmanifest").headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/api/v1/planos/cassems-odonto").headers["Cache-Control"] == "no-cache"


def test_pages_for_nobody_in_particular_stay_cacheable(client, families):
    for url in PERSONAL_PAGES:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-cache", url
