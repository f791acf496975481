"""``/``: the site's front page signed out; the member's own start page signed in."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from . import services

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if g.get("member") is not None:
        return render_template("home/member.html", **services.member_home())
    return render_template("home/public.html")
