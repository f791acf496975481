"""URLs the app hands out or follows: absolute ones on the configured public origin, and the
local path a sign-in may send a person to afterwards.

Absolute URLs come from ``PUBLIC_BASE_URL``, never from the request's Host.  A QR code, a short
link sent by WhatsApp, a canonical tag or the API's links outlive the request that wrote them,
and the ``Host`` header is whatever the client sent: built from it, a forged header would put
another site's address into a card's QR code or a link preview.

The ``next`` of a sign-in link is typed by whoever made the link.  A browser reads much more
than ``https://`` as "another site": ``//evil.example``, ``/\\evil.example`` (backslashes count as
slashes), ``/<TAB>/evil.example`` (tabs and newlines are dropped before parsing), and a CR/LF
would split the ``Location`` header.  So the rule is narrow: a path that starts with a single
``/``, holds no backslash and no control character, and is of a sane length.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

from .parsing import control_characters

#: Longer than any URL the app makes (a search with every filter is under 300 characters).
MAX_NEXT = 2000


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


def is_local_path(target: str) -> bool:
    """True when *target* can only mean a path of this site, in every browser."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or control_characters(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, *, default: str, under: str | None = None) -> str:
    """*target* when it is a local path (and, with *under*, that path or one below it), else *default*."""
    if target is None or not is_local_path(target):
        return default
    if under is not None and not (target == under or target.startswith((under + "/", under + "?"))):
        return default
    return target
