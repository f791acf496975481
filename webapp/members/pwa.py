"""The installable app: web manifest, service worker and offline page."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, current_app, g, make_response, redirect, render_template, url_for

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
def manifest():
    asset = current_app.jinja_env.globals["asset_url"]
    body = {
        "name": "Guia Odonto",
        "short_name": "Guia Odonto",
        "description": "Carteirinha, dentistas da rede e tudo sobre o seu plano odontológico.",
        "lang": "pt-BR",
        "dir": "ltr",
        "id": "/",
        "start_url": "/carteirinha",
        "scope": "/",
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
            {"name": "Carteirinha", "short_name": "Carteirinha", "url": "/carteirinha",
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Buscar dentista", "short_name": "Dentistas", "url": "/rede",
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
            {"name": "Urgência", "short_name": "Urgência", "url": "/urgencia",
             "icons": [{"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]},
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _static_urls() -> list[str]:
    manifest = current_app.config["ASSET_MANIFEST"]
    return sorted(f"/static/dist/{hashed}" for name, hashed in manifest.items()
                  if not name.endswith(("-512.png", "apple-touch-icon.png")))


@bp.get("/sw.js")
def service_worker():
    urls = _static_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", version=version, precache=json.dumps(urls + ["/offline"]))
    response = make_response(body)
    response.mimetype = "application/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.get("/urgencia")
def urgency():
    """The app shortcut: the signed-in member's urgency rules, or the list of plans."""
    member = g.get("signed_in_member")
    if member is None:
        return redirect(url_for("plans.index"), code=303)
    return redirect(url_for("plans.detail", slug=member.product_slug) + "#urgencia", code=303)
