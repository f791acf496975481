"""Members' one-tap answers about a visit to a network provider: "Fui atendido pelo plano"
(``atendido``) or "Não aceitou meu plano" (``recusado``), once per usage event.

What an answer does:

* ``atendido`` counts as a verification of the address (``trust.mark_verified(..., "membros")``),
  dated the day of the visit: that is when the plan was seen to be accepted there, not the day
  the member happened to tap.
* ``recusado`` from ``refusals`` different *families* (a holder and their dependants are one
  family: the holder answers for everyone in it, and one visit of a family to a dentist who
  turned the plan down is one experience, however many of them were there) at the same address,
  for visits of the last ``window_days``, opens one high-priority report for the network team
  (``source="confirmacoes"``), unless one opened by answers is still open there. Answers given
  before the last such report do not count again: once the team has looked, it takes three new
  families to ask again.

Which address: the event's ``location_key`` when the operator's file gives one; without it, the
provider's only active address when it has exactly one, and otherwise none: the answer is then
about the provider, verifies no address, and its refusals are counted per provider.

Plain functions over a session, inside the caller's write transaction; nothing here knows
about Flask. Nothing personal leaves: a report names the provider, the address and how many
families, never who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.clock import TIMEZONE
from ..core.formatting import data
from ..db import one_at_a_time
from ..members.models import Member
from ..network import trust
from ..network.models import DataReport, Location, Provider
from .models import UsageConfirmation, UsageEvent

ANSWERS = {"atendido": "Fui atendido pelo plano", "recusado": "Não aceitou meu plano"}
#: The procedure was done by the provider under the plan (a glosa is between the operator and the
#: dentist): a denied procedure was not done, and a reimbursement was not at a network provider.
ANSWERABLE_STATUSES = ("realizado", "glosado")
#: The kind of problem a report opened by answers is about: the one members already pick in
#: "Informar erro" for a dentist who does not take the plan, so the team's queue groups them.
REPORT_REASON = "nao-atende-plano"
#: ``DataReport.client_hash`` of a report opened by answers (a member's report carries a keyed
#: hash of 64 hex digits, so the two never meet, and no member's hourly limit is touched).
REPORT_MARKER = "confirmacoes"


@dataclass(frozen=True)
class Rules:
    """The configuration knobs (``CONFIRMATION_*`` in webapp/config.py)."""

    max_age_days: int = 180
    window_days: int = 90
    refusals: int = 3

    @classmethod
    def from_config(cls, config) -> Rules:
        return cls(config["CONFIRMATION_MAX_AGE_DAYS"], config["CONFIRMATION_REFUSAL_WINDOW_DAYS"],
                   config["CONFIRMATION_REFUSALS_FOR_REPORT"])


class NotFound(Exception):
    """No such event among the people the member may see."""


class NotAnswerable(Exception):
    """The event is not one a member can answer about (not at a network provider, too old...)."""


class AlreadyAnswered(Exception):
    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


def answerable(*, source: str, status: str, performed_on: date, provider_id: int | None, location_key: str | None,
               location_id: int | None, today: date, rules: Rules) -> bool:
    """Whether a member may answer about this event: done at a provider the network knows (and at
    one of its addresses, when the file names one), within the last ``max_age_days``."""
    return (source == "rede" and status in ANSWERABLE_STATUSES and provider_id is not None
            and (not location_key or location_id is not None)
            and today - timedelta(days=rules.max_age_days) <= performed_on <= today)


@dataclass(frozen=True)
class Outcome:
    answer: str
    verified_location_id: int | None  # the address an ``atendido`` verified
    report_id: int | None  # the report this answer opened


def answer(session: Session, event_id: int, visible_ids: list[int], answered_by: int, answer: str, today: date,
           now: datetime, rules: Rules) -> Outcome:
    """Record *answered_by*'s *answer* about event *event_id*, which must belong to one of
    *visible_ids* (the people the signed-in member may see). Call inside ``writing()``.

    Raises NotFound, NotAnswerable or AlreadyAnswered (with the answer already given)."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    # Two taps at once on PostgreSQL: the second waits here and then finds the first's answer
    # (SQLite's write lock, taken by writing(), does the same); the unique index backs it up.
    one_at_a_time(session, "usage_confirmation", str(event_id))
    event = session.scalars(select(UsageEvent).where(UsageEvent.id == event_id,
                                                     UsageEvent.member_id.in_(visible_ids))).one_or_none()
    if event is None:
        raise NotFound
    given = session.scalar(select(UsageConfirmation.answer).where(UsageConfirmation.usage_event_id == event_id))
    if given is not None:
        raise AlreadyAnswered(given)
    provider = session.scalars(select(Provider).where(Provider.key == event.provider_key)).one_or_none() \
        if event.provider_key else None
    location = _location(session, provider, event.location_key) if provider is not None else None
    if not answerable(source=event.source, status=event.status, performed_on=event.performed_on,
                      provider_id=provider.id if provider else None, location_key=event.location_key,
                      location_id=location.id if location else None, today=today, rules=rules):
        raise NotAnswerable
    try:
        with session.begin_nested():
            session.add(UsageConfirmation(usage_event_id=event.id, member_id=answered_by, provider_id=provider.id,
                                          location_id=location.id if location else None, answer=answer,
                                          created_at=now))
    except IntegrityError:  # another transaction answered in between (only without the lock above)
        raise AlreadyAnswered(session.scalar(select(UsageConfirmation.answer)
                                             .where(UsageConfirmation.usage_event_id == event_id)) or answer) from None
    if answer == "atendido":
        if location is not None:
            trust.mark_verified(location, "membros", at=_start_of(event.performed_on))
        return Outcome(answer, location.id if location else None, None)
    report = _report_if_due(session, provider.id, location.id if location else None, today, now, rules)
    return Outcome(answer, None, report.id if report else None)


def _location(session: Session, provider: Provider, key: str | None) -> Location | None:
    if key:
        return session.scalars(select(Location).where(Location.provider_id == provider.id,
                                                      Location.key == key)).one_or_none()
    active = session.scalars(select(Location).where(Location.provider_id == provider.id,
                                                    Location.active.is_(True)).limit(2)).all()
    return active[0] if len(active) == 1 else None


def _start_of(day: date) -> datetime:
    """The first moment of *day* in Brazil's legal time: a visit that day verifies from then on."""
    return datetime.combine(day, time(0), tzinfo=TIMEZONE).astimezone(UTC)


def _same_place(column, value):
    return column.is_(None) if value is None else column == value


def _report_if_due(session: Session, provider_id: int, location_id: int | None, today: date, now: datetime,
                   rules: Rules) -> DataReport | None:
    # The count decides an insert: one transaction at a time per address (PostgreSQL; SQLite's
    # write lock already), or two last refusals at once would open two reports.
    one_at_a_time(session, "confirmacoes", str(provider_id), str(location_id))
    reports = (select(DataReport).where(DataReport.source == REPORT_MARKER, DataReport.provider_id == provider_id,
                                        _same_place(DataReport.location_id, location_id)))
    if session.scalars(reports.where(DataReport.status == "novo").limit(1)).first() is not None:
        return None
    last = session.scalar(select(func.max(DataReport.created_at)).where(reports.whereclause))
    since = today - timedelta(days=rules.window_days)
    family = func.coalesce(Member.holder_id, Member.id)
    counted = (select(func.count(func.distinct(family)), func.min(UsageEvent.performed_on),
                      func.max(UsageEvent.performed_on))
               .select_from(UsageConfirmation)
               .join(UsageEvent, UsageEvent.id == UsageConfirmation.usage_event_id)
               .join(Member, Member.id == UsageConfirmation.member_id)
               .where(UsageConfirmation.answer == "recusado", UsageConfirmation.provider_id == provider_id,
                      _same_place(UsageConfirmation.location_id, location_id), UsageEvent.performed_on >= since))
    if last is not None:
        counted = counted.where(UsageConfirmation.created_at > last)
    families, first, latest = session.execute(counted).one()
    if families < rules.refusals:
        return None
    report = DataReport(
        provider_id=provider_id, location_id=location_id, reason=REPORT_REASON, client_hash=REPORT_MARKER,
        status="novo", priority="alta", source=REPORT_MARKER, created_at=now, updated_at=now,
        detail=(f"Aberto automaticamente: beneficiários de {families} famílias diferentes responderam "
                f"“{ANSWERS['recusado']}” no extrato, sobre atendimentos entre {data(first)} e {data(latest)}."),
    )
    session.add(report)
    session.flush()
    return report
