"""``/metrics`` through HTTP: requests counted per route (the endpoint, never the path), the
search's latency, the rows each import took; closed to other networks in production; and the
counts of every gunicorn worker added up, whichever worker answers."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.network import row, write_csv
from tests.support.production import production_env
from tests.support.server import gunicorn
from webapp import create_app
from webapp.core.metrics import child_exit

LEVE = "leve-dental-rj-1-adesao"


def samples(text: str) -> dict[tuple, float]:
    """Every sample of the exposition: (name, sorted label pairs) → value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def read(client) -> tuple[str, dict[tuple, float]]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    return text, samples(text)


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_per_route_never_per_path(client, small_network):
    provider = small_network["N1"]
    _, before = read(client)
    page = client.get(f"/rede/dentista/{provider}", follow_redirects=True)
    assert page.status_code == 200
    assert client.get("/rede/dentista/98765432").status_code == 404
    assert client.get("/nada/por/aqui?cpf=12345678909").status_code == 404
    text, after = read(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("guia_http_requests_total", endpoint="network.provider", method="GET", status="3xx") == 1
    assert grew("guia_http_requests_total", endpoint="network.provider", method="GET", status="2xx") == 1
    assert grew("guia_http_requests_total", endpoint="network.provider", method="GET", status="4xx") == 1
    assert grew("guia_http_requests_total", endpoint="none", method="GET", status="4xx") == 1
    assert grew("guia_http_request_duration_seconds_count", endpoint="network.provider", method="GET",
                status="2xx") == 1
    assert not re.search(r"98765432|12345678909|/nada|dentista/", text)


def test_the_search_latency_is_measured(client, small_network):
    _, before = read(client)
    for query in (f"plano={LEVE}&municipio=3303302", f"plano={LEVE}&municipio=3303302&especialidade=endodontia"):
        assert client.get(f"/rede?{query}").status_code == 200
    assert client.get(f"/api/v1/rede?plano={LEVE}&municipio=3303302").status_code == 200
    _, after = read(client)
    assert value(after, "guia_search_duration_seconds_count") - value(before, "guia_search_duration_seconds_count") == 3
    assert value(after, "guia_search_duration_seconds_sum") > value(before, "guia_search_duration_seconds_sum")


def test_imports_count_the_rows_they_accepted_and_rejected(client, runner, session, tmp_path):
    _, before = read(client)
    good = row(provider_key="M1", location_key="M1-L1")
    bad = row(provider_key="M2", location_key="M2-L1", cro_number="x")
    result = runner.invoke(args=["network", "import", str(write_csv(tmp_path / "rede.csv", [good, bad])),
                                 "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["network", "import", str(write_csv(tmp_path / "ruim.csv", [bad])),
                                  "--today", "2026-11-24"])
    assert refused.exit_code == 1  # no valid row: nothing written
    _, after = read(client)
    for labels, grown in [({"kind": "network", "outcome": "accepted"}, 1), ({"kind": "network", "outcome": "rejected"}, 1)]:
        assert value(after, "guia_import_rows_total", **labels) - value(before, "guia_import_rows_total", **labels) == grown
    for outcome in ("imported", "refused"):
        labels = {"kind": "network", "outcome": outcome}
        assert value(after, "guia_imports_total", **labels) - value(before, "guia_imports_total", **labels) == 1


@pytest.fixture
def production_app(monkeypatch):
    production_env(monkeypatch, METRICS_TOKEN="token-de-teste-com-32-caracteres", PROXY_HOPS="1")
    app = create_app()
    yield app
    app.extensions["db"].engine.dispose()


@pytest.mark.parametrize(("address", "headers", "status"), [
    ("127.0.0.1", {}, 200),
    ("::1", {}, 200),
    ("203.0.113.7", {}, 404),
    ("10.0.0.5", {}, 404),
    ("203.0.113.7", {"Authorization": "Bearer token-de-teste-com-32-caracteres"}, 200),
    ("203.0.113.7", {"Authorization": "Bearer outro-token"}, 404),
    ("203.0.113.7", {"Authorization": "token-de-teste-com-32-caracteres"}, 404),
    # Through the proxy (PROXY_HOPS=1): the client it names is judged, not the proxy's loopback.
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}, 404),
])
def test_in_production_metrics_are_for_loopback_or_the_token(production_app, address, headers, status):
    client = production_app.test_client()
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 404:
        assert "guia_http" not in response.get_data(as_text=True)


@pytest.mark.slow  # a real gunicorn
def test_every_workers_counts_are_added_up_even_after_it_is_gone(tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory), "DATABASE_URL": f"sqlite:///{tmp_path}/vazio.sqlite3",
           "SECRET_KEY": "metricas", "GUIA_ENV": "development", "REDIS_URL": None}
    # Each worker is replaced after 10 requests (forked from the loaded app, so at once): 40 are
    # answered by at least four processes, most of them gone by the end.
    with gunicorn(env, workers=2, options=("--max-requests", "10", "--preload")) as base:
        for _ in range(40):
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
                assert response.status == 200
        with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
            found = samples(response.read().decode())
    workers = {match.group(1) for path in Path(directory).iterdir()
               if (match := re.match(r"counter_(\d+)\.db$", path.name))}
    assert len(workers) >= 4, workers
    assert value(found, "guia_http_requests_total", endpoint="ops.healthz", method="GET", status="2xx") == 40


def test_gunicorns_child_exit_hook_drops_a_dead_workers_live_gauges(monkeypatch, tmp_path):
    # The hook gunicorn's configuration imports; prometheus-client keeps live gauges per pid.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("gauge_livesum_4242.db", "gauge_liveall_4242.db", "counter_4242.db", "gauge_livesum_7.db"):
        (tmp_path / name).write_bytes(b"")
    child_exit(None, SimpleNamespace(pid=4242))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db", "gauge_livesum_7.db"]
