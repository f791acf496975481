"""The installable app: web manifest, service worker and offline page."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, current_app, make_response, render_template, url_for

from ..core import assets
from ..core.responses import NO_SESSION, SESSION_HEADER

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
def manifest():
    asset = current_app.jinja_env.globals["asset_url"]
    card = url_for("members.card")
    home = url_for("home.index")
    body = {
        "name": "Guia Odonto",
        "short_name": "Guia Odonto",
        "description": "Carteirinha, dentistas da rede e tudo sobre o seu plano odontológico.",
        "lang": "pt-BR",
        "dir": "ltr",
        "id": url_for("home.index"),
        "start_url": home,  # signed in, the member's own start page
        "scope": url_for("home.index"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b5d5b",
        "categories": ["health", "medical"],
        "icons": [
            {"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": asset("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": asset("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
            {"src": asset("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
        "shortcuts": [
            {"name": "Carteirinha", "short_name": "Carteirinha", "url": card,
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Minhas carências", "short_name": "Carências", "url": url_for("members.waiting_periods"),
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Buscar dentista", "short_name": "Dentistas", "url": url_for("network.search"),
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Urgência", "short_name": "Urgência", "url": url_for("urgency.page"),
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _static_urls() -> list[str]:
    asset = current_app.jinja_env.globals["asset_url"]
    return sorted(asset(name) for name in current_app.config["ASSET_MANIFEST"]
                  if not name.endswith(("-512.png", "apple-touch-icon.png")))


@bp.get("/sw.js")
def service_worker():
    urls = _static_urls()
    # Urgência signed out (the plan choice, with every plan's phone): no database needed to name it.
    urgency_pages = [url_for("urgency.page")]
    version = hashlib.sha256("\n".join(urls + urgency_pages).encode()).hexdigest()[:12]
    offline_url = url_for("pwa.offline")
    body = render_template(
        "pwa/sw.js", version=version, precache=json.dumps(urls + [offline_url]),
        offline_url=offline_url, static_prefix=assets.URL_PREFIX,
        # Member pages kept for offline use: the home page, Urgência, the card, the family's
        # waiting periods, the plan pages.
        card_url=url_for("members.card"), waiting_url=url_for("members.waiting_periods"),
        plan_pages=url_for("plans.index") + "/",
        home_url=url_for("home.index"), urgency_url=url_for("urgency.page"), urgency_pages=json.dumps(urgency_pages),
        session_header=SESSION_HEADER, no_session=NO_SESSION,
        # Offline, a kept card outlives its session by no more than the session cookie would.
        session_lifetime_ms=int(current_app.permanent_session_lifetime.total_seconds() * 1000),
    )
    response = make_response(body)
    response.mimetype = "application/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("home.index")
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")

