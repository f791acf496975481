"""The app's one clock and time zone.

Dates people see (waiting periods, "today" in a statement filter, file names) are in Brazil's
legal time, America/Sao_Paulo; moments stored in the database are UTC.  Every module asks this
module for the time instead of calling ``datetime.now`` itself, so there is one place that says
which zone "today" is in.  Tests freeze time with one fixture (time-machine moves the process's
clock underneath), so nothing here is ever replaced by a test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIMEZONE_NAME = "America/Sao_Paulo"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)


def now() -> datetime:
    """The current moment, aware, in America/Sao_Paulo."""
    return datetime.now(TIMEZONE)


def utcnow() -> datetime:
    """The current moment, aware, in UTC (what the database stores)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in America/Sao_Paulo (not the server's zone, which is usually UTC)."""
    return now().date()


def local(moment: datetime) -> datetime:
    """*moment* (aware) seen in America/Sao_Paulo."""
    return moment.astimezone(TIMEZONE)


def rfc3339(moment: datetime) -> str:
    """*moment* (aware) as an RFC 3339 timestamp for the API: with its America/Sao_Paulo offset,
    or in UTC (``Z``) when that offset is not whole minutes — before 1914 the zone is local
    mean time, −03:06:28, and ``isoformat`` would write an offset RFC 3339 does not have."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("datetime sem fuso horário")
    if offset.total_seconds() % 60:
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return moment.isoformat()
