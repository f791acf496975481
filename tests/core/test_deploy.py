"""The production configuration in deploy/ as scripts/cluster.sh uses it: the script parses, nginx
accepts the configuration the script writes (the same function as `cluster.sh up`), and the
settings the fault drill depends on are there. The drill itself (scripts/drill.py) is the proof
that they work together; it needs the whole cluster, so it is not a test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "scripts" / "cluster.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_the_cluster_script_parses():
    subprocess.run(["bash", "-n", str(CLUSTER)], check=True)


@pytest.fixture
def nginx_conf(tmp_path) -> Path:
    out = tmp_path / "nginx"
    env = {**os.environ, "CLUSTER_DIR": str(tmp_path / "cluster"), "CLUSTER_NGINX_PORT": "18180", "CLUSTER_APPS": "3"}
    subprocess.run(["bash", str(CLUSTER), "nginx-conf", str(out)], check=True, env=env)
    return out


@pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx not installed (scripts/test.sh installs it)")
def test_nginx_accepts_the_configuration_the_cluster_uses(nginx_conf):
    result = subprocess.run([NGINX, "-t", "-p", str(nginx_conf), "-c", str(nginx_conf / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_retries_only_what_is_safe_to_retry(nginx_conf):
    site = (nginx_conf / "guia.conf").read_text()
    servers = re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=1 fail_timeout=10s;", site)
    assert servers == ["18181", "18182", "18183"]
    retry = re.search(r"^\s*proxy_next_upstream ([^;]+);", site, re.M).group(1).split()
    # A POST that reached an instance is never sent to another (a write made twice); a 503 of
    # the app (its database is down) is not an instance's failure.
    assert retry == ["error", "timeout", "http_502"]
    assert "non_idempotent" not in re.sub(r"#.*", "", site)
    assert re.search(r"^\s*error_page 502 504 =503 @unavailable;", site, re.M)
    assert "add_header Retry-After" in site
    assert 'Cache-Control "public, max-age=31536000, immutable"' in site
    assert f"alias {ROOT}/webapp/static/dist/;" in site
    assert "proxy_set_header X-Request-ID $guia_request_id;" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert not re.search(r"\$\{GUIA_", site), "a placeholder left unfilled"


def test_the_gunicorn_settings(tmp_path):
    env = {**os.environ, "GUIA_BIND": "127.0.0.1:18181", "GUIA_WORKERS": "3", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                          "--print-config"], capture_output=True, text=True, check=True, env=env, cwd=tmp_path).stdout
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", out, re.M))
    assert settings["worker_class"] == "sync" and settings["workers"] == "3"
    assert settings["bind"] == "['127.0.0.1:18181']"
    assert settings["accesslog"] == "None"  # the app writes its own JSON line per request
    assert settings["wsgi_app"] == "webapp:create_app()"
    assert int(settings["graceful_timeout"]) > 0 and int(settings["timeout"]) == 30


def test_the_env_template_names_every_production_setting():
    names = {line.split("=", 1)[0].lstrip("# ") for line in (ROOT / "deploy/guia.env.example").read_text().splitlines()
             if re.match(r"#? ?[A-Z_]+=", line)}
    assert {"GUIA_ENV", "SECRET_KEY", "DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "PUBLIC_URL",
            "PROXY_HOPS", "LOG_FORMAT", "PROMETHEUS_MULTIPROC_DIR", "METRICS_TOKEN"} <= names


@pytest.mark.parametrize(("sent", "kept"), [
    ("web-7f3a.1", True), ("a", True), ("12345678909", False), ("123.456.789-09", False),
    ("0000123456789012", False), ("x" * 129, False), ("id com espaço", False), ("", False),
])
def test_the_proxy_keeps_a_client_request_id_only_when_it_cannot_be_a_document(nginx_conf, sent, kept):
    # The same rule as the app's (webapp/core/requestlog.py): a CPF or a card number sent as
    # X-Request-ID would otherwise land in nginx's log line.
    site = (nginx_conf / "guia.conf").read_text()
    pattern = re.search(r'map \$http_x_request_id \$guia_request_id \{\s*"~([^"]+)"', site).group(1)
    assert bool(re.search(pattern, sent)) is kept
