"""A primary that goes away and comes back, through HTTP on the real PostgreSQL (behind a port
the test takes down and brings back, as a restart looks to the app): 503 with Retry-After while
it is down, and the same app serving again as soon as it is back — no restart, no pause."""

from __future__ import annotations

import pytest

from tests.support.databases import PG_TEST_DB
from tests.support.tcpproxy import TcpProxy
from webapp import create_app
from webapp.core.views import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy(postgresql_engine):
    url = postgresql_engine.url
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield proxy
    proxy.stop()


def test_the_app_is_back_by_itself_when_the_primary_is(proxy):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": None,
                      "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{PG_TEST_DB}"})
    client = app.test_client()
    try:
        assert client.get("/planos").status_code == 200  # the pool now holds a connection
        proxy.stop()  # every connection cut, new ones refused
        for url in ("/planos", "/api/v1/planos/cassems-odonto"):
            down = client.get(url)
            assert down.status_code == 503 and down.headers["Retry-After"] == str(RETRY_AFTER_SECONDS), url
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200  # the process itself is fine
        proxy.start()
        # At once: the pool drops the dead connection and a refusal left no pause behind.
        assert client.get("/planos").status_code == 200
        assert client.get("/api/v1/planos/cassems-odonto").status_code == 200
        assert client.get("/readyz").status_code == 200
    finally:
        app.extensions["db"].engine.dispose()
