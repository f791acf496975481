"""One JSON line per request on stdout, through HTTP: request id, method, route template, status,
duration — and nothing of the person. A member signs in and opens the card, an agent looks the
member up, a search with a typed name; every line written is parsed, and none holds a CPF, card
number, name, e-mail, password or query string."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.agents import look_up, lookup_id, sign_in as agent_sign_in
from tests.support.members import CASSEMS_HOLDER_CPF, member_by_cpf, sign_in
from webapp.core.requestlog import REQUEST_ID_HEADER
from webapp.members.demo import DEMO_PASSWORD

LEVE = "leve-dental-rj-1-adesao"
FIELDS = {"time", "level", "logger", "message", "request_id", "method", "route", "endpoint", "status", "duration_ms"}


@pytest.fixture
def json_logs(monkeypatch):
    """Requested before ``app``: the app is made with LOG_FORMAT=json (production's default)."""
    monkeypatch.setenv("LOG_FORMAT", "json")


def lines(capsys) -> list[dict]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_a_members_and_an_agents_requests_leave_no_personal_data_in_the_log(json_logs, app, families, capsys):
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    capsys.readouterr()
    member = app.test_client()
    assert sign_in(member, CASSEMS_HOLDER_CPF).status_code == 303
    assert member.get("/carteirinha").status_code == 200
    agent = app.test_client()
    assert agent_sign_in(agent).status_code == 303
    entry = lookup_id(look_up(agent, holder.card_number, reason="whatsapp", protocol="2026-000123"))
    assert agent.get(f"/atendimento/consultas/{entry}").status_code == 200
    assert member.get(f"/rede?plano={LEVE}&municipio=3303302&q={holder.name.split()[0]}").status_code == 200
    written = capsys.readouterr().out
    records = [json.loads(line) for line in written.splitlines()]  # every line is one JSON object
    requests = [r for r in records if r["logger"] == "guia.request"]
    assert len(requests) >= 9
    for record in requests:
        assert set(record) == FIELDS, record
        assert record["level"] == "info" and isinstance(record["status"], int) and record["duration_ms"] >= 0
        assert re.fullmatch(r"[0-9a-f]{32}", record["request_id"])
    routes = {(r["method"], r["route"], r["status"]) for r in requests}
    assert {("POST", "/entrar", 303), ("GET", "/carteirinha", 200), ("POST", "/atendimento", 303),
            ("GET", "/atendimento/consultas/<id:lookup_id>", 200), ("GET", "/rede", 200)} <= routes
    cpf = holder.cpf
    for secret in (cpf, f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}", holder.card_number, holder.name,
                   holder.name.split()[0], holder.email, DEMO_PASSWORD, "2026-000123", "plano=", "municipio", "?",
                   f"/consultas/{entry}"):
        assert secret not in written, secret


def test_the_request_id_is_taken_from_the_proxy_when_it_is_one(json_logs, client, capsys):
    capsys.readouterr()
    given = client.get("/healthz", headers={REQUEST_ID_HEADER: "nginx:4f2a9c1e77d0b3a5"})
    assert given.headers[REQUEST_ID_HEADER] == "nginx:4f2a9c1e77d0b3a5"
    # Not an id: too long, odd characters, or digits a CPF or card number could be.
    for header in ("x" * 129, "id com espaço", "id\"injetado", "123.456.789-09", "1234567890123456", "curto"):
        response = client.get("/healthz", headers={REQUEST_ID_HEADER: header})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers[REQUEST_ID_HEADER]), header
    ids = [r["request_id"] for r in lines(capsys)]
    assert ids[0] == "nginx:4f2a9c1e77d0b3a5" and len(set(ids)) == 7
    assert "123.456.789-09" not in str(ids)


def test_an_unexpected_error_is_logged_with_its_request_id(json_logs, app, capsys):
    @app.get("/explode-para-teste")
    def explode():
        raise RuntimeError("falha de teste")

    capsys.readouterr()
    response = app.test_client().get("/explode-para-teste?cpf=52998224725")
    assert response.status_code == 500
    records = lines(capsys)
    error = next(r for r in records if r["level"] == "error")
    request = next(r for r in records if r["logger"] == "guia.request")
    assert error["request_id"] == request["request_id"] == response.headers[REQUEST_ID_HEADER]
    assert "RuntimeError: falha de teste" in error["exception"] and error["message"] == "erro inesperado"
    assert request["status"] == 500 and request["route"] == "/explode-para-teste"
    assert "52998224725" not in json.dumps(records)


def test_a_text_log_is_one_readable_line_per_request(client, capsys):
    capsys.readouterr()
    client.get("/planos/nao-existe")
    [line] = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"GET /planos/<slug> 404 [0-9.]+ms \[[0-9a-f]{32}\]", line)
