"""Browser tests: Playwright driving Debian's Chromium against a live server.

The server runs the real app in a thread on 127.0.0.1 with its own SQLite database, built by
the migrations and loaded with the catalog (and whatever each module's data fixture adds).
Playwright never downloads a browser: it drives /usr/bin/chromium.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.support.databases import prepared_engine
from webapp import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def live_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    engine = prepared_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@contextmanager
def serving(app):
    """*app* on 127.0.0.1, on a free port, in a thread; gives its base URL, which is also the app's
    public base URL (the address its QR codes and short links name)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, locale="pt-BR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(viewport=PHONE, locale="pt-BR", java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    # axe is injected as an inline script, which our CSP rightly forbids: bypass it for axe only.
    context = browser.new_context(viewport=PHONE, locale="pt-BR", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
