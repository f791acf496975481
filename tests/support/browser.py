"""Browser tests' helpers: the phone they browse on, the live server, axe, and signing in through
the real forms (the fixtures are in tests/browser/conftest.py)."""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from webapp.agents.demo import DEMO_PASSWORD as AGENT_PASSWORD
from webapp.members.demo import DEMO_PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def new_phone(browser, **options):
    """A new browser context set up as a phone (390×844, pt-BR): its own cookies, service worker
    and caches. *options* go to ``browser.new_context``."""
    return browser.new_context(viewport=PHONE, locale="pt-BR", **options)


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


def sign_in_member(page, base: str, login: str, password: str = DEMO_PASSWORD, next_path: str | None = None) -> None:
    """A member signs in on /entrar and lands on *next_path* (asked for), else on the card."""
    page.goto(base + "/entrar" + (f"?next={next_path}" if next_path else ""))
    page.fill("#login", login)
    page.fill("#senha", password)
    page.get_by_role("button", name="Entrar", exact=True).click()
    page.wait_for_url(re.compile(re.escape(next_path or "/carteirinha") + "$"))


def sign_in_agent(page, base: str, username: str) -> None:
    """An agent signs in on /atendimento/entrar (the demo password) and lands on the look-up form."""
    page.goto(base + "/atendimento/entrar")
    page.fill("#usuario", username)
    page.fill("#senha", AGENT_PASSWORD)
    page.get_by_role("button", name="Entrar", exact=True).click()
    page.wait_for_url(re.compile(r".*/atendimento$"))


def wait_for_service_worker(page) -> None:
    for _ in range(50):
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        page.wait_for_timeout(200)
    raise AssertionError("o service worker não assumiu a página")
