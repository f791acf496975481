"""Behind nginx (``PROXY_HOPS=1``) the client is the address nginx saw, so each client keeps its
own count; without it, X-Forwarded-For is ignored, so no client escapes its count by sending one.
Shown on "Informar erro" (5 reports an hour per client address), on both databases."""

import pytest

from tests.support.databases import BACKENDS
from tests.support.pages import PageClient, csrf
from webapp import create_app
from webapp.config import ConfigurationError, load_config
from webapp.network.services import REPORTS_PER_HOUR


def make_app(engine, connection, hops: int):
    app = create_app({"TESTING": True, "DATABASE_ENGINE": engine, "SECRET_KEY": "test-secret",
                      "SERVER_NAME": None, "PROXY_HOPS": hops})
    app.extensions["db"].session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    app.test_client_class = PageClient
    return app


def report(client, pid: int, token: str, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "outro", "csrf_token": token},
                           headers=headers)
    return response.status_code


def start(engine, connection, small_network, hops):
    client = make_app(engine, connection, hops).test_client()
    pid = small_network["N3"]
    token = csrf(client, client.get(f"/rede/dentista/{pid}").headers["Location"])
    return client, pid, token


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_behind_one_proxy_each_client_is_counted_apart(engine, connection, small_network):
    client, pid, token = start(engine, connection, small_network, hops=1)
    assert [report(client, pid, token, "203.0.113.7") for _ in range(REPORTS_PER_HOUR)] == [303] * REPORTS_PER_HOUR
    assert report(client, pid, token, "203.0.113.7") == 429
    assert report(client, pid, token, "203.0.113.8") == 303
    # What a client wrote in X-Forwarded-For itself comes before nginx's entry and is not believed.
    assert report(client, pid, token, "198.51.100.1, 203.0.113.7") == 429


def test_without_proxy_hops_the_header_is_not_believed(engine, connection, small_network):
    client, pid, token = start(engine, connection, small_network, hops=0)
    for n in range(REPORTS_PER_HOUR):
        assert report(client, pid, token, f"203.0.113.{n + 1}") == 303
    assert report(client, pid, token, "203.0.113.99") == 429


@pytest.mark.parametrize("value", ["-1", "um", "6", "1.5", "١"])
def test_a_proxy_count_that_is_not_a_small_number_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("PROXY_HOPS", value)
    with pytest.raises(ConfigurationError, match="PROXY_HOPS inválido"):
        load_config(str(tmp_path), "development")


def test_no_proxy_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("PROXY_HOPS", raising=False)
    assert load_config(str(tmp_path), "development").PROXY_HOPS == 0
    monkeypatch.setenv("PROXY_HOPS", "1")
    assert load_config(str(tmp_path), "development").PROXY_HOPS == 1
