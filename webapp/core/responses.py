"""What an answer says about whom it belongs to: how long it may be kept, whether it clears the
browser's copies, and which member session it was made in.

Pages for a signed-in person are decided private here, once, for every view (``init_app``):
every HTML page shows who is signed in, so no cache — shared or the browser's own — may keep
one for the next person on the device. Views call ``private()`` only for pages that hold
personal data without a session (a sign-in form, a clinic's card check) or that must stay out
of search engines (the agents' area).

Every answer also names the member session it was made in (``SESSION_HEADER``), so the service
worker can drop the pages it kept from another session — or from none — on its next online
contact, however that session ended: "Sair" on this or another device, expiry.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, g, request, session

PRIVATE = "private, no-store"
# Sent when a person signs in or out: drops this site's HTTP cache and Cache Storage (the
# service worker's copies of member pages) so nobody finds the previous person's card.
CLEAR_SITE_DATA = '"cache", "storage"'
SESSION_HEADER = "Guia-Member-Session"
NO_SESSION = "none"


def private(response, *, noindex: bool = False):
    """*response* kept by no cache; with *noindex*, also kept out of search engines."""
    response.headers["Cache-Control"] = PRIVATE
    if noindex:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def clearing_site_data(response):
    """*response* (a sign-in's or sign-out's redirect) drops the browser's copies of this site."""
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def session_marker(secret_key: str | bytes, member_id: int, session_version: int) -> str:
    """A name for one member session that tells nobody who the member is: keyed with the app's
    secret, and new at every sign-out (which bumps ``session_version``)."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    message = f"member-session:{member_id}:{session_version}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def init_app(app: Flask, member_session_key: str) -> None:
    @app.after_request
    def _caching(response):
        if request.path.startswith("/static/"):
            return response
        if _personalised(response):
            response.headers["Cache-Control"] = PRIVATE
            response.vary.add("Cookie")
        response.headers.setdefault("Cache-Control", "no-store" if request.method != "GET" else "no-cache")
        return response

    @app.after_request
    def _name_the_member_session(response):
        # Only a session checked against the database at the start of this request (g.member)
        # and still in the cookie at its end is named: a sign-out, a refused cookie (an old
        # session_version, expired) or a request stopped before the check all say "none".
        # Answers that shared caches may keep ("public") carry no marker.
        if response.cache_control.public:
            return response
        member, data = g.get("member"), session.get(member_session_key) or {}
        alive = member is not None and data.get("id") == member.id and data.get("v") == member.session_version
        response.headers[SESSION_HEADER] = (
            session_marker(current_app.secret_key, member.id, member.session_version) if alive else NO_SESSION
        )
        return response


def _personalised(response) -> bool:
    """A page rendered for a signed-in member or agent (other answers keep their own caching:
    the service worker, the manifest, the public JSON API)."""
    signed_in = g.get("signed_in_member") is not None or g.get("agent") is not None
    return signed_in and (response.mimetype in ("text/html", "text/csv") or "Cache-Control" not in response.headers)
