"""What the signed-in member's start page shows (``/`` signed in; the installed app's
``start_url``): each person's card front, what is free now and what frees next, open
authorizations with their countdown, a few notices. Built from the session alone, like every
member page: a holder sees the family, a dependant only themself. It draws on members, plans and
history, so it stands above them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g

from ..core import clock
from ..db import get_session
from ..history import departures as history_departures
from ..history import services as history_services
from ..plans import services as plan_services
from ..plans.releases import PersonReleases, ReleaseItem, family_releases
from ..members import services
from ..members.current import current_member

OPEN_AUTHORIZATIONS = ("autorizada", "em-analise")
SOON = timedelta(days=7)  # a waiting period ending within a week is a notice


@dataclass(frozen=True)
class ReleaseLine:
    """One person's line: what is free now and what frees next."""

    member_id: int
    name: str
    released: int  # statements already free
    next_item: ReleaseItem | None  # the first statement still running
    more_on_that_day: int  # other statements ending at the same moment
    pending: int  # every statement still running
    stated: bool  # the document states waiting periods at all


@dataclass(frozen=True)
class Notice:
    kind: str  # "suspenso" (the plan of *name* is not active) or "carencia" (*label* frees at *at*)
    name: str
    status: str = ""
    label: str = ""
    at: datetime | None = None


def release_line(person: PersonReleases) -> ReleaseLine:
    first = person.pending[0] if person.pending else None
    return ReleaseLine(
        member_id=person.person.member_id, name=person.person.name, released=len(person.released),
        next_item=first.items[0] if first else None, more_on_that_day=len(first.items) - 1 if first else 0,
        pending=person.pending_count, stated=bool(person.pending or person.released),
    )


def notices(views, lines: list[ReleaseLine], now: datetime) -> list[Notice]:
    out = [Notice("suspenso", v.member.name, status=v.member.status) for v in views if v.member.status != "ativo"]
    out += [Notice("carencia", line.name, label=line.next_item.label, at=line.next_item.available_at)
            for line in lines if line.next_item is not None and line.next_item.available_at - now <= SOON]
    return out


def member_home() -> dict:
    """The template context of the signed-in start page."""
    db = get_session()
    signed_in = current_member()
    now = clock.now()
    views = services.card_views(db, g.member, current_app.config["SECRET_KEY"], now)
    product = plan_services.get_product(db, signed_in.product_slug)
    lines = [release_line(p) for p in family_releases(product, signed_in.family, now)]
    people = [v.member for v in views]
    open_authorizations = [a for a in history_services.authorizations(db, people, now.date())
                           if a.status in OPEN_AUTHORIZATIONS]
    # Dentists the family went to (or has a guia with) that leave the plan: a notice each.
    leaving = history_departures.departures(db, people, product, now.date(),
                                            current_app.config["DEPARTURE_NOTICE_DAYS_AFTER"])
    return dict(views=views, product=product, lines=lines, authorizations=open_authorizations,
                notices=notices(views, lines, now), departures=leaving,
                leaving_guides=history_departures.open_guides_leaving(leaving), now=now)
