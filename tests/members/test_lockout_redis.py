"""Lock-outs shared by every worker and every instance: two real gunicorn instances of two workers
each, one real Redis, keys under a prefix of this run's own."""

import os
import uuid
from contextlib import ExitStack
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.databases import prepared_engine
from tests.support.server import Browser, gunicorn
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member

pytestmark = pytest.mark.slow  # two gunicorn instances
REDIS_URL = os.environ.get("GUIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
HOLDER_CPF = make_cpf(21)  # a demo holder


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis indisponível em {REDIS_URL}: {exc}")
    db = tmp_path_factory.mktemp("lockout") / "lockout.sqlite3"
    engine = prepared_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        create_demo_families(session, clock.today())
        session.commit()
        card = session.scalars(select(Member.card_number).where(Member.cpf == HOLDER_CPF)).one()
    engine.dispose()
    prefix = f"guia-teste-{uuid.uuid4().hex}"  # parallel runs sharing this Redis never meet
    env = {"DATABASE_URL": f"sqlite:///{db}", "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix,
           "SECRET_KEY": "lockout-test", "GUIA_ENV": "development"}
    try:
        with ExitStack() as servers:
            bases = [servers.enter_context(gunicorn(env, workers=2)) for _ in range(2)]
            yield SimpleNamespace(bases=bases, card=card, prefix=prefix, redis=store)
    finally:
        clear(store, prefix)


def clear(store, prefix: str) -> None:
    for key in store.scan_iter(f"{prefix}:*"):
        store.delete(key)


@pytest.fixture
def run(instances):
    clear(instances.redis, instances.prefix)
    yield instances
    clear(instances.redis, instances.prefix)


def attempt(base: str, login: str, password: str) -> tuple[int, str, dict]:
    """One sign-in in a fresh cookie jar (a new connection each time: either worker may answer)."""
    browser = Browser(base)
    return browser.post("/entrar", {"login": login, "senha": password, "csrf_token": browser.csrf("/entrar")})


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
