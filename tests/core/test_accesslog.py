"""Access logs never hold a reset link's token: gunicorn's (the logger class serve.sh uses) and the
development server's; and the link page sends no Referer that could carry it."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from webapp.core.accesslog import GunicornLogger, redact

TOKEN = "tLEnhHLthnXT21WN4qouaoR4"


def test_redact():
    assert redact(f"GET /nova-senha/{TOKEN} HTTP/1.1") == "GET /nova-senha/… HTTP/1.1"
    assert redact(f"http://x/nova-senha/{TOKEN}?a=1") == "http://x/nova-senha/…?a=1"
    assert redact("GET /rede?plano=x HTTP/1.1") == "GET /rede?plano=x HTTP/1.1"


def test_gunicorn_access_log_has_no_token():
    logger = GunicornLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/nova-senha/{TOKEN}", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": f"/nova-senha/{TOKEN}", "QUERY_STRING": "", "HTTP_REFERER": f"http://x/nova-senha/{TOKEN}"}
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("REFERER", f"http://x/nova-senha/{TOKEN}")])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    assert TOKEN not in repr(atoms)
    assert atoms["U"] == "/nova-senha/…" and atoms["r"] == "GET /nova-senha/… HTTP/1.1"


def test_development_server_log_has_no_token(app, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('%s - - [%s] %s', "127.0.0.1", "07/Dec/2026 18:00:00",
                                       f'"GET /nova-senha/{TOKEN} HTTP/1.1" 200 -')
    assert caplog.records and TOKEN not in caplog.text and "/nova-senha/…" in caplog.text


def test_the_link_page_sends_no_referrer(client):
    response = client.get(f"/nova-senha/{TOKEN}")
    assert response.status_code == 404 and response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/entrar").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
