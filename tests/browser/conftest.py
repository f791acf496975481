"""Browser tests: Playwright driving Debian's Chromium against a live server.

The server runs the real app in a thread on 127.0.0.1 with its own SQLite database, built by
the migrations and loaded with the catalog (and whatever each module's data fixture adds).
Playwright never downloads a browser: it drives /usr/bin/chromium.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy.orm import Session

from tests.support.browser import PHONE, new_phone, serving
from tests.support.databases import prepared_engine
from webapp import create_app
from webapp.network.importer import import_network

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    engine = prepared_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_network(live_engine, tmp_path_factory):
    """The generated network of 20,000 providers (the demo's), imported once into the live database."""
    out = tmp_path_factory.mktemp("net") / "network.csv"
    generator = Path(__file__).resolve().parents[2] / "scripts/generate_network.py"
    subprocess.run([sys.executable, str(generator), "--count", "20000", "--out", str(out)], check=True, capture_output=True)
    with Session(live_engine) as session:
        import_network(session, out)
        session.commit()


@pytest.fixture(scope="session")
def live_server(live_engine):
    app = create_app({"TESTING": True, "DATABASE_ENGINE": live_engine, "SECRET_KEY": "browser-tests"})
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ausente: instale o pacote chromium do Debian (scripts/test.sh faz isso)")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def persistent_context(playwright, tmp_path):
    """A real profile (not incognito), e.g. for Chromium's installability check."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        viewport=PHONE, locale="pt-BR")
    yield context
    context.close()


@contextmanager
def phone_page(browser, **options):
    context = new_phone(browser, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def context(browser):
    context = new_phone(browser)
    yield context
    context.close()


@pytest.fixture
def page(browser):
    with phone_page(browser) as page:
        yield page


@pytest.fixture
def nojs_page(browser):
    with phone_page(browser, java_script_enabled=False) as page:
        yield page


@pytest.fixture
def axe_page(browser):
    # axe is injected as an inline script, which our CSP rightly forbids: bypass it for axe only.
    with phone_page(browser, bypass_csp=True) as page:
        yield page
