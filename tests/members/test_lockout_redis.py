"""Ten wrong passwords lock the account across two gunicorn workers, with the real Redis."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis
from sqlalchemy.orm import Session

from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("GUIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_workers(tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis indisponível em {REDIS_URL}: {exc}")
    db = tmp_path / "lockout.sqlite3"
    from tests.support.databases import prepared_engine

    engine = prepared_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        create_demo_families(session, clock.today())
        session.commit()
    engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "REDIS_URL": REDIS_URL, "SECRET_KEY": "lockout-test",
           "GUIA_ENV": "development"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "webapp:create_app()"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempt(base: str, login: str, password: str) -> tuple[int, str]:
    """One sign-in in a fresh cookie jar (a new connection each time: either worker may answer)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())
    form = opener.open(base + "/entrar", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode()).group(1)
    data = urllib.parse.urlencode({"login": login, "senha": password, "csrf_token": token}).encode()
    try:
        response = opener.open(base + "/entrar", data=data, timeout=10)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_ten_wrong_passwords_lock_the_account_across_workers(two_workers):
    cpf = make_cpf(21)  # a demo holder
    redis.Redis.from_url(REDIS_URL).delete(f"guia:login:{cpf}")
    for _ in range(10):
        status, body = attempt(two_workers, cpf, f"errada-{uuid.uuid4().hex[:6]}")
        assert status == 400 and "não conferem" in body
    status, body = attempt(two_workers, cpf, DEMO_PASSWORD)
    assert status == 429 and "bloqueado" in body
    # Both workers answer with the lock: ask several times on new connections.
    for _ in range(6):
        status, body = attempt(two_workers, cpf, DEMO_PASSWORD)
        assert status == 429
    redis.Redis.from_url(REDIS_URL).delete(f"guia:login:{cpf}")
    status, _ = attempt(two_workers, cpf, DEMO_PASSWORD)
    assert status == 303
