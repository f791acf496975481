"""Search pages kept by the page cache (webapp/core/pagecache.py), through HTTP, on both databases:
served again while nothing they are made from changed, never after a write to the network or
the catalog, never to or from someone signed in."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text, update

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import (
    CASSEMS_HOLDER_CPF,
    demo_families,
    member_by_cpf,
    member_session,
)
from tests.support.network import network_rows, write_csv
from tests.support.pages import PageClient
from tests.support.world import Account
from webapp import create_app
from webapp.network.importer import import_network
from webapp.network.models import Location, NetworkMembership, Provider
from webapp.plans.models import Product

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

LEVE = "leve-dental-rj-1-adesao"
RESULTS = f"/rede?plano={LEVE}&municipio=3303302&especialidade=endodontia"


def names(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".go-result__name a")]


def nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def kept(client) -> int:
    return len(client.application.extensions["page_cache"])


def rename_behind_the_version(session, provider_id: int, name: str) -> None:
    """Rename a provider, then put the tokens back: a write the cache cannot see, so a page that
    still shows the old name was served from the cache."""
    before = session.execute(text("SELECT dataset, shard, token FROM data_version")).all()
    session.execute(update(Provider).where(Provider.id == provider_id).values(name=name))
    for dataset, shard, token in before:
        session.execute(text("UPDATE data_version SET token = :t WHERE dataset = :d AND shard = :s"),
                        {"t": token, "d": dataset, "s": shard})
    session.flush()


def test_a_search_is_served_again_from_the_cache(client, session, small_network):
    first = client.get(RESULTS)
    assert kept(client) == 1
    rename_behind_the_version(session, small_network["N1"], "Nome Que o Cache Não Viu")
    again = client.page(RESULTS)  # checked: markup, and the inline script carries this response's nonce
    assert "Dra. Ana Endo" in names(again) and "Nome Que o Cache Não Viu" not in names(again)
    second = client.get(RESULTS)
    assert nonce(first) != nonce(second) and f'nonce="{nonce(second)}"' in second.get_data(as_text=True)
    assert kept(client) == 1


def rename(session, ids):
    session.execute(update(Provider).where(Provider.id == ids["N1"]).values(name="Dra. Ana Renomeada"))


def leave_network(session, ids):
    session.execute(update(NetworkMembership).where(NetworkMembership.provider_id == ids["N1"])
                    .values(until=date(2026, 11, 1)))


def close_location(session, ids):
    session.execute(update(Location).where(Location.provider_id == ids["N1"]).values(active=False))


def drop_specialty(session, ids):
    session.execute(text("DELETE FROM provider_specialty WHERE provider_id = :p AND specialty = 'endodontia'"),
                    {"p": ids["N1"]})


@pytest.mark.parametrize("change", [rename, leave_network, close_location, drop_specialty])
def test_any_write_to_the_network_shows_at_once(client, session, small_network, change):
    assert "Dra. Ana Endo" in names(client.page(RESULTS))
    change(session, small_network)
    session.flush()
    assert "Dra. Ana Endo" not in names(client.page(RESULTS))


def test_an_import_shows_at_once(client, session, small_network, tmp_path):
    assert "Dra. Ana Endo" in names(client.page(RESULTS))
    rows = [r | ({"name": "Dra. Ana Endodontista"} if r["provider_key"] == "N1" else {})
            for r in network_rows(extra_niteroi=22)]
    import_network(session, write_csv(tmp_path / "nova.csv", rows), today=TODAY)
    session.flush()
    page = names(client.page(RESULTS))
    assert "Dra. Ana Endodontista" in page and "Dra. Ana Endo" not in page


def test_a_catalog_change_shows_at_once(client, session, small_network):
    assert "Nome Novo do Plano" not in client.page(RESULTS).get_text()
    session.execute(update(Product).where(Product.slug == LEVE).values(name="Nome Novo do Plano"))
    session.flush()
    assert "Nome Novo do Plano" in client.page(RESULTS).get_text()


def test_a_new_day_is_a_new_page(client, small_network, frozen_clock):
    assert "Dr. Futuro" not in names(client.page(RESULTS))  # in the network from 2027-01-10
    frozen_clock(date(2027, 1, 10))
    assert "Dr. Futuro" in names(client.page(RESULTS))


def test_signed_in_people_never_get_or_leave_a_kept_page(client, session, small_network):
    demo_families(session, TODAY)
    holder = member_by_cpf(session, CASSEMS_HOLDER_CPF)
    session.flush()
    assert client.page(RESULTS).select_one("a.go-header__account").get_text(strip=True) == "Entrar"
    member_session(client, Account(holder.id, holder.session_version))
    page = client.page(RESULTS)
    assert page.select_one("form.go-header__account button").get_text(" ", strip=True).startswith("Sair")
    assert kept(client) == 1  # the anonymous page only
    with client.session_transaction() as cookie:
        cookie.clear()
    assert client.page(RESULTS).select_one("a.go-header__account").get_text(strip=True) == "Entrar"


def test_a_session_with_anything_in_it_is_not_served_from_the_cache(client, small_network):
    with client.session_transaction() as cookie:
        cookie["csrf_token"] = "x" * 40  # a visitor who opened a form
    client.page(RESULTS)
    assert kept(client) == 0


def test_page_fragment_and_every_parameter_are_kept_apart(client, small_network):
    full = client.page(RESULTS)
    assert full.select_one("form#buscar") is not None
    fragment = client.get(RESULTS + "&pagina=2", headers={"HX-Request": "true", "HX-Target": "mais-resultados"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert client.page(RESULTS).select_one("form#buscar") is not None
    # A typed city stays in the form though the canonical query drops it.
    typed = client.page(RESULTS + "&cidade=Niteroi+centro")
    assert typed.select_one("input#cidade")["value"] == "Niteroi centro"
    assert client.page(RESULTS).select_one("input#cidade")["value"] == "Niterói/RJ"
    assert kept(client) == 3


def test_every_page_served_equals_a_fresh_render(client, app, engine, connection, small_network):
    """Each search URL twice, in an order where kept pages are served, against an app that keeps
    nothing: the same pages (but for the nonce)."""
    urls = [RESULTS, RESULTS + "&pagina=2", RESULTS + "&cidade=Niteroi", RESULTS + "&urgencia=1",
            f"/rede?plano={LEVE}&municipio=3304557", f"/rede?plano={LEVE}&lat=-22.9035&lon=-43.1094",
            f"/rede?plano={LEVE}&lat=-22.90350&lon=-43.10940&q=canal", f"/rede?plano={LEVE}&lat=-22.903504&lon=-43.1094",
            f"/rede?plano={LEVE}&cidade=niter", "/rede", f"/rede?plano={LEVE}", "/rede?plano=sintaema-master&municipio=3303302"]
    fresh = create_app({"TESTING": True, "DATABASE_ENGINE": engine, "SECRET_KEY": "test-secret", "SERVER_NAME": None})
    fresh.extensions["db"].session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    fresh.extensions["page_cache"].max_bytes = 0
    htmx = {"HX-Request": "true", "HX-Target": "mais-resultados"}
    for url, headers in [(u, h) for h in ({}, htmx) for u in urls] * 2:
        served, expected = client.get(url, headers=headers), fresh.test_client().get(url, headers=headers)
        assert served.status_code == expected.status_code, url
        assert without_nonce(served) == without_nonce(expected), url
    assert kept(client) >= len(urls)


def without_nonce(response) -> str:
    return response.get_data(as_text=True).replace(nonce(response), "NONCE")


def test_error_pages_are_not_kept(client, small_network):
    client.page(f"/rede?plano={LEVE}&municipio=3303302&pagina=0", status=400)
    client.page(f"/rede?plano={LEVE}&lat=-23.0&lon=-40.0", status=400)  # outside Brazil: found by the view
    assert kept(client) == 0


def test_each_process_checks_the_version_in_the_database(engine, connection, session, small_network):
    """Two apps (two processes' memories) on one database: a write seen by neither app's
    memory still reaches both."""
    apps = []
    for _ in range(2):
        app = create_app({"TESTING": True, "DATABASE_ENGINE": engine, "SECRET_KEY": "test-secret", "SERVER_NAME": None})
        app.extensions["db"].session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        app.test_client_class = PageClient
        apps.append(app.test_client())
    assert all("Dra. Ana Endo" in names(c.page(RESULTS)) for c in apps)
    session.execute(update(Provider).where(Provider.id == small_network["N1"]).values(name="Dra. Ana Outra"))
    session.flush()
    assert all("Dra. Ana Outra" in names(c.page(RESULTS)) for c in apps)


def test_off_when_its_size_is_zero(app, small_network):
    app.extensions["page_cache"].max_bytes = 0
    client = app.test_client()
    client.page(RESULTS)
    assert kept(client) == 0
