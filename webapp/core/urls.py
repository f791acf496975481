"""Absolute URLs on the configured public origin (``PUBLIC_BASE_URL``), never on the request's Host.

A QR code, a short link sent by WhatsApp, a canonical tag or the API's links outlive the request
that wrote them, and the ``Host`` header is whatever the client sent: built from it, a forged
header would put another site's address into a card's QR code or a link preview.
"""

from __future__ import annotations

from flask import current_app, url_for


def public_base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def absolute(path: str) -> str:
    """An app path (``/rede?plano=…``) on the public origin."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not an app path: {path!r}")
    return public_base_url() + path


def external_url(endpoint: str, **values) -> str:
    """``url_for`` made absolute on the public origin (use instead of ``_external=True``)."""
    return absolute(url_for(endpoint, **{**values, "_external": False}))
