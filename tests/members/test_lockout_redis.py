"""Lock-outs shared by every worker and every instance: two real gunicorn instances of two workers
each, one real Redis, keys under a prefix of this run's own."""

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
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("GUIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
HOLDER_CPF = make_cpf(21)  # a demo holder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail(f"gunicorn terminou com o código {server.returncode}")
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn não respondeu em {base}")


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis indisponível em {REDIS_URL}: {exc}")
    db = tmp_path_factory.mktemp("lockout") / "lockout.sqlite3"
    from tests.support.databases import prepared_engine

    engine = prepared_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        create_demo_families(session, clock.today())
        session.commit()
        card = session.scalars(select(Member.card_number).where(Member.cpf == HOLDER_CPF)).one()
    engine.dispose()
    prefix = f"guia-teste-{uuid.uuid4().hex}"  # parallel runs sharing this Redis never meet
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix,
           "SECRET_KEY": "lockout-test", "GUIA_ENV": "development"}
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                 "--log-level", "warning", "webapp:create_app()"], cwd=ROOT, env=env))
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers):
            wait_until_up(base, server)
        yield SimpleNamespace(bases=bases, card=card, prefix=prefix, redis=store)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        clear(store, prefix)


def clear(store, prefix: str) -> None:
    for key in store.scan_iter(f"{prefix}:*"):
        store.delete(key)


@pytest.fixture
def run(instances):
    clear(instances.redis, instances.prefix)
    yield instances
    clear(instances.redis, instances.prefix)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempt(base: str, login: str, password: str) -> tuple[int, str, dict]:
    """One sign-in in a fresh cookie jar (a new connection each time: either worker may answer)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())
    form = opener.open(base + "/entrar", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode()).group(1)
    data = urllib.parse.urlencode({"login": login, "senha": password, "csrf_token": token}).encode()
    try:
        response = opener.open(base + "/entrar", data=data, timeout=30)
        return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def wrong() -> str:
    return f"errada-{uuid.uuid4().hex[:6]}"


def test_one_persons_count_is_shared_by_every_worker_and_instance(run):
    first, second = run.bases
    # Five wrong passwords with the CPF on one instance, five with the card number on the other.
    for base, login in [(first, HOLDER_CPF)] * 5 + [(second, run.card)] * 5:
        status, body, _ = attempt(base, login, wrong())
        assert status == 400 and "não conferem" in body
    # Every worker of both instances now refuses both identifiers, even with the right password.
    for base in run.bases:
        for login in (HOLDER_CPF, run.card, run.card, HOLDER_CPF):
            status, body, headers = attempt(base, login, DEMO_PASSWORD)
            assert status == 429 and "bloqueado" in body
            assert 0 < int(headers["Retry-After"]) <= 15 * 60
    keys = [key.decode() for key in run.redis.scan_iter(f"{run.prefix}:*")]
    assert keys and all(key.startswith(run.prefix + ":") for key in keys)
    assert not any(secret in key for key in keys for secret in (HOLDER_CPF, run.card, "127.0.0.1"))
    clear(run.redis, run.prefix)  # what fifteen minutes would do
    status, _, _ = attempt(second, HOLDER_CPF, DEMO_PASSWORD)
    assert status == 303


def test_one_address_is_counted_across_instances(run):
    for n in range(30):  # thirty people, one address (127.0.0.1), alternating instances
        status, _, _ = attempt(run.bases[n % 2], make_cpf(8000 + n), wrong())
        assert status == 400
    for base in run.bases:
        status, body, headers = attempt(base, HOLDER_CPF, DEMO_PASSWORD)
        assert status == 429 and "bloqueado" in body and "Retry-After" in headers
