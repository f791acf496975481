"""The read replica, through HTTP on the real PostgreSQL: public reads on the replica, writes and
signed-in pages on the primary, a browser's reads on the primary right after it wrote, and the
primary again whenever the replica is down, lagging, or fails under a read.

The "replica" is a second database of the same server, copied from the primary, in which one
provider's name differs: which name a page shows says which database answered it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.orm import Session

from tests.support.agents import agent_named, agent_session
from tests.support.databases import PG_ADMIN_URL, PG_TEST_DB, drop_postgres_database, prepared_engine, recreate_postgres_database
from tests.support.members import LEVE_HOLDER_CPF, member_by_cpf, member_session
from tests.support.network import row, write_csv
from tests.support.pages import PageClient, csrf
from tests.support.server import free_port
from tests.support.tcpproxy import TcpProxy
from webapp import create_app
from webapp.agents.demo import create_demo_agents
from webapp.core import clock
from webapp.core.replica import DOWN, LAGGING, OK, Replica, replay_lag
from webapp.core.text import fold
from webapp.db import WRITE_COOKIE, get_session, make_engine, writing
from webapp.members.demo import create_demo_families
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Provider

pytestmark = pytest.mark.postgres

ON_PRIMARY, ON_REPLICA = "Dra. Ana Primária", "Dra. Ana Réplica"
LEVE = "leve-dental-rj-1-adesao"


def admin():
    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """A primary with the catalog, one provider, the demo families and agents; its copy as the
    replica, where the provider has another name."""
    names = SimpleNamespace(primary=f"{PG_TEST_DB}_primario", replica=f"{PG_TEST_DB}_replica")
    primary_url = recreate_postgres_database(names.primary)
    engine = prepared_engine(primary_url)
    rows = [row(provider_key="RR1", location_key="RR1-L1", name=ON_PRIMARY, products=LEVE)]
    with Session(engine) as session:
        report = import_network(session, write_csv(tmp_path_factory.mktemp("rede") / "rede.csv", rows),
                                today=clock.today())
        assert report.rejects == []
        create_demo_families(session, clock.today())
        create_demo_agents(session)
        session.commit()
        provider_id = session.scalars(select(Provider.id)).one()
    engine.dispose()
    drop_postgres_database(names.replica)
    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{names.replica}" TEMPLATE "{names.primary}"')
    replica_url = primary_url.rpartition("/")[0] + "/" + names.replica
    replica = make_engine(replica_url)
    with replica.begin() as connection:
        connection.execute(text("UPDATE provider SET name = :name, search_name = :folded"),
                           {"name": ON_REPLICA, "folded": fold(ON_REPLICA)})
    replica.dispose()
    yield SimpleNamespace(primary=primary_url, replica=replica_url, provider_id=provider_id, names=names)
    drop_postgres_database(names.replica)
    drop_postgres_database(names.primary)


def make_app(databases, replica_url: str | None = None, primary_url: str | None = None):
    app = create_app({"TESTING": True, "DATABASE_URL": primary_url or databases.primary, "SECRET_KEY": "test-secret",
                      "SERVER_NAME": None, "DATABASE_REPLICA_URL": replica_url or databases.replica})
    app.extensions["db"].replica.check_every = 0  # measured at every request: the tests change it
    app.test_client_class = PageClient
    return app


@pytest.fixture
def app(databases):
    app = make_app(databases)
    yield app
    dispose(app)


def dispose(app):
    db = app.extensions["db"]
    db.engine.dispose()
    db.replica.engine.dispose()


def shown_name(client, databases, path: str = "") -> str:
    """Which database answered the provider's page (or its JSON twin with *path* ``api``)."""
    if path == "api":
        response = client.get(f"/api/v1/rede/dentista/{databases.provider_id}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()["nome"]
    response = client.get(f"/rede/dentista/{databases.provider_id}", follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data(as_text=True)
    found = [name for name in (ON_PRIMARY, ON_REPLICA) if name in body]
    assert len(found) == 1, found
    return found[0]


def behind_proxy(url: str) -> tuple[TcpProxy, str]:
    """A port in front of the server of *url*, and *url* through it."""
    parsed = make_url(url)
    proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432).start()
    return proxy, parsed.set(port=proxy.port).render_as_string(hide_password=False)


def reports(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(DataReport)).scalar_one()
    finally:
        engine.dispose()


def test_public_reads_come_from_the_replica(app, databases):
    client = app.test_client()
    assert shown_name(client, databases) == ON_REPLICA
    assert shown_name(client, databases, "api") == ON_REPLICA
    search = client.get(f"/rede?plano={LEVE}&municipio=3303302&q=ana")
    assert search.status_code == 200 and ON_REPLICA in search.get_data(as_text=True)
    assert WRITE_COOKIE not in (search.headers.get("Set-Cookie") or "")  # a read leaves no stamp


def test_a_write_goes_to_the_primary_and_its_browser_reads_there_for_a_while(app, databases, frozen_clock):
    moment = frozen_clock(clock.now())
    client = app.test_client()
    before = reports(databases.primary), reports(databases.replica)
    page = client.get(f"/rede/dentista/{databases.provider_id}", follow_redirects=True).request.path
    response = client.post(f"/rede/dentista/{databases.provider_id}/erro",
                           data={"motivo": "telefone-errado", "csrf_token": csrf(client, page)})
    assert response.status_code == 303
    assert (reports(databases.primary), reports(databases.replica)) == (before[0] + 1, before[1])
    stamp = client.get_cookie(WRITE_COOKIE)
    assert stamp is not None and stamp.http_only and stamp.max_age == 12  # the lag bound and 2 s
    # The thanks page, and any public page for a few seconds: the primary, which has the report.
    assert shown_name(client, databases) == ON_PRIMARY
    frozen_clock(moment + timedelta(seconds=4))
    assert shown_name(client, databases, "api") == ON_PRIMARY
    # Past READ_YOUR_WRITES_SECONDS (5) a replica within its bound has it too.
    frozen_clock(moment + timedelta(seconds=6))
    assert shown_name(client, databases) == ON_REPLICA
    # Another browser never wrote: the replica all along.
    assert shown_name(app.test_client(), databases) == ON_REPLICA


def test_a_replica_behind_by_more_than_the_time_since_the_write_is_not_read(app, databases, frozen_clock):
    moment = frozen_clock(clock.now())
    client = app.test_client()
    page = client.get(f"/rede/dentista/{databases.provider_id}", follow_redirects=True).request.path
    client.post(f"/rede/dentista/{databases.provider_id}/erro",
                data={"motivo": "outro", "detalhe": "Mudou de sala", "csrf_token": csrf(client, page)})
    app.extensions["db"].replica.probe = lambda connection: 8.0  # within its bound, 8 s behind
    frozen_clock(moment + timedelta(seconds=6))
    assert shown_name(client, databases) == ON_PRIMARY  # the write may not be there yet
    frozen_clock(moment + timedelta(seconds=10))
    assert shown_name(client, databases) == ON_REPLICA


def test_a_forged_write_stamp_is_ignored(app, databases):
    client = app.test_client()
    client.set_cookie(WRITE_COOKIE, "1.forjado.assinatura")
    assert shown_name(client, databases) == ON_REPLICA


def test_signed_in_members_and_agents_read_from_the_primary(app, databases):
    with Session(app.extensions["db"].engine) as session:
        member = member_by_cpf(session, LEVE_HOLDER_CPF)
        agent = agent_named(session, "atendente")
    member_client, agent_client = app.test_client(), app.test_client()
    member_session(member_client, member)
    agent_session(agent_client, agent)
    assert shown_name(member_client, databases) == ON_PRIMARY
    assert shown_name(member_client, databases, "api") == ON_PRIMARY
    assert shown_name(agent_client, databases) == ON_PRIMARY


def test_a_replica_that_is_down_is_never_an_error_page(databases):
    app = make_app(databases, f"postgresql://postgres@127.0.0.1:{free_port()}/guia")
    try:
        client = app.test_client()
        assert shown_name(client, databases) == ON_PRIMARY
        assert shown_name(client, databases, "api") == ON_PRIMARY
        assert app.extensions["db"].replica.state().status == DOWN
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.get_json() == {"status": "degraded", "failed": [], "replica_lag_seconds": None,
                                    "checks": {"database": "ok", "migrations": "ok", "replica": "down"}}
    finally:
        dispose(app)


def test_a_replica_lagging_past_its_bound_is_left_aside(app, databases):
    client = app.test_client()
    assert shown_name(client, databases) == ON_REPLICA
    app.extensions["db"].replica.probe = lambda connection: 60.0  # REPLICA_MAX_LAG_SECONDS is 10
    assert shown_name(client, databases) == ON_PRIMARY
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "degraded" and ready["checks"]["replica"] == LAGGING
    assert ready["replica_lag_seconds"] == 60.0 and ready["failed"] == []
    app.extensions["db"].replica.probe = replay_lag  # caught up
    assert shown_name(client, databases) == ON_REPLICA


def test_a_replica_that_fails_under_a_read_is_read_again_on_the_primary(app, databases):
    client = app.test_client()
    replica = app.extensions["db"].replica
    assert shown_name(client, databases) == ON_REPLICA  # a pooled connection to the replica
    replica.check_every = 3600  # the last measure (healthy) stands: the failure comes mid-request
    with admin() as connection:
        connection.execute(f'ALTER DATABASE "{databases.names.replica}" ALLOW_CONNECTIONS false')
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                           (databases.names.replica,))
    try:
        assert shown_name(client, databases) == ON_PRIMARY
        assert replica.state().status == DOWN  # the next requests go straight to the primary
        assert shown_name(client, databases, "api") == ON_PRIMARY
    finally:
        with admin() as connection:
            connection.execute(f'ALTER DATABASE "{databases.names.replica}" ALLOW_CONNECTIONS true')


def test_while_the_primary_is_down_public_reads_come_from_the_replica_even_lagging(databases):
    proxy, primary_url = behind_proxy(databases.primary)  # the primary, behind a port that can go down
    app = make_app(databases, primary_url=primary_url)
    # A replica whose primary is gone stops streaming: its lag is the age of its last replay.
    app.extensions["db"].replica.probe = lambda connection: 60.0
    try:
        client = app.test_client()
        assert shown_name(client, databases) == ON_PRIMARY
        page = client.get(f"/rede/dentista/{databases.provider_id}", follow_redirects=True).request.path
        token = csrf(client, page)
        proxy.stop()
        assert shown_name(client, databases) == ON_REPLICA
        assert shown_name(client, databases, "api") == ON_REPLICA
        # Writes and signed-in pages need the primary: 503, as without a replica.
        report = client.post(f"/rede/dentista/{databases.provider_id}/erro",
                             data={"motivo": "fechado", "csrf_token": token})
        assert report.status_code == 503 and report.headers["Retry-After"]
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["failed"] == ["database", "migrations"]
        proxy.start()
        assert shown_name(client, databases) == ON_PRIMARY
    finally:
        proxy.stop()
        dispose(app)


def test_a_browser_that_wrote_gets_no_stale_page_while_the_primary_is_down(databases):
    proxy, primary_url = behind_proxy(databases.primary)
    app = make_app(databases, primary_url=primary_url)
    app.extensions["db"].replica.probe = lambda connection: 60.0
    try:
        client = app.test_client()
        page = client.get(f"/rede/dentista/{databases.provider_id}", follow_redirects=True).request.path
        assert client.post(f"/rede/dentista/{databases.provider_id}/erro",
                           data={"motivo": "fechado", "csrf_token": csrf(client, page)}).status_code == 303
        proxy.stop()
        # Its report may not be on the replica: an honest 503, not a page without it.
        assert client.get(page).status_code == 503
        assert shown_name(app.test_client(), databases) == ON_REPLICA  # a browser that did not write
    finally:
        proxy.stop()
        dispose(app)


def test_the_lag_of_a_server_that_is_not_replaying_is_nil(databases):
    engine = make_engine(databases.replica)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
            assert replay_lag(connection) == 0.0
        state = Replica(engine, 10).measure()
        assert (state.status, state.lag_seconds) == (OK, 0.0)
        assert Replica(engine, 10, probe=lambda connection: float("inf")).measure().status == LAGGING
    finally:
        engine.dispose()


def test_a_write_on_a_replica_session_is_refused(app, databases):
    with app.test_request_context(f"/rede/dentista/{databases.provider_id}"):
        session = get_session()
        assert session.get_bind() is app.extensions["db"].replica.engine
        with pytest.raises(RuntimeError, match="réplica"):
            with writing(session):
                pass
