"""Who may open a page: the two roles' sessions and the guards views wear.

Members and agents are roles that never meet. A member session never reaches an agent page and
an agent session never reaches a member page: both are refused with a 403 that says which
session is open and how to leave it. Signed out, a member page or an agent page sends the
person to the matching sign-in, with a ``next`` back to where they were (followed afterwards
only through ``core.urls.safe_next``).

The blueprints load the signed-in person at the start of every request (``g.member``,
``g.agent``); the guards here only read that.
"""

from __future__ import annotations

from functools import wraps

from flask import g, make_response, redirect, render_template, request, session, url_for

from .responses import private

MEMBER_SESSION_KEY = "member"
AGENT_SESSION_KEY = "agent"

# Member pages: the members' blueprint (but the clinic's card check and the privacy notice,
# which are public) and the usage history.
MEMBER_AREAS = ("members.", "history.")
PUBLIC_MEMBER_ENDPOINTS = frozenset({"members.verify", "members.verify_form", "members.verify_code",
                                     "members.privacy"})


def is_member_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint.startswith(MEMBER_AREAS) and endpoint not in PUBLIC_MEMBER_ENDPOINTS


def refused(kind: str):
    """The 403 page: ``agent-on-member``, ``member-on-agent``, ``not-supervisor`` or ``not-network-team``."""
    return private(make_response(render_template("agents/forbidden.html", kind=kind), 403), noindex=True)


def _this_page() -> str:
    return request.full_path.rstrip("?")


def member_required(view):
    """The view runs for a signed-in member; anybody else goes to the sign-in, coming back here."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if g.get("member") is None:
            return redirect(url_for("members.sign_in", next=_this_page()), code=303)
        return view(*args, **kwargs)

    return guarded


def supervisor_required(view):
    """The view runs for a supervisor; other agents get the 403 page (the agents' blueprint has
    already sent everybody who is not an agent away)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not g.agent.is_supervisor:
            return refused("not-supervisor")
        return view(*args, **kwargs)

    return guarded


def keep_agents_out_of_member_pages():
    """Before every request, once the agent is loaded: no member page in an agent session."""
    if g.get("agent") is not None and is_member_endpoint(request.endpoint):
        return refused("agent-on-member")
    return None


def agent_area_guard():
    """Before every page of the agents' blueprint: no member session, and an agent signed in
    (but on the sign-in itself). A sign-in reached from a form posted to a closed session
    comes back to the look-up, since a POST cannot be replayed by a redirect."""
    if session.get(MEMBER_SESSION_KEY):
        return refused("member-on-agent")
    if request.endpoint == "agents.sign_in":
        return None
    if g.get("agent") is None:
        target = _this_page() if request.method == "GET" else url_for("agents.lookup")
        return redirect(url_for("agents.sign_in", next=target), code=303)
    return None


def network_team_guard():
    """Before every page of the network team's blueprint: the agents' own rules first (a member
    session refused, nobody signed in sent to the agents' sign-in), then agents without the
    ``rede`` permission refused. Read from the account on every request, so a revoked
    permission closes the pages at once."""
    refused_or_redirected = agent_area_guard()
    if refused_or_redirected is not None:
        return refused_or_redirected
    if not g.agent.is_network_team:
        return refused("not-network-team")
    return None
