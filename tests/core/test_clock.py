"""Time comes from one clock (``webapp.core.clock``), in Brazil's legal time, and tests freeze it."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import webapp
from webapp.core import clock

PACKAGE = Path(webapp.__file__).parent
# Calls that read the machine's clock; only webapp/core/clock.py may make them.
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time"), ("time", "time_ns"), ("time", "localtime")}


def clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (name, node.func.attr) in CLOCK_READS:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_only_the_clock_module_reads_the_clock():
    offenders = [hit for path in sorted(PACKAGE.rglob("*.py")) if path.name != "clock.py"
                 for hit in clock_reads(path)]
    assert offenders == [], "use webapp.core.clock instead: " + ", ".join(offenders)


def test_the_scan_finds_a_clock_read(tmp_path):
    sample = PACKAGE / "core" / "clock.py"
    assert clock_reads(sample), "the scan must recognise datetime.now(...)"


def test_today_is_the_date_in_sao_paulo_not_in_utc(frozen_clock):
    frozen_clock(datetime(2026, 12, 7, 1, 30, tzinfo=UTC))  # 22:30 of the 6th in São Paulo
    assert clock.today() == date(2026, 12, 6)
    assert clock.now().utcoffset().total_seconds() == -3 * 3600
    assert clock.utcnow() == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def test_a_frozen_date_is_noon_in_sao_paulo(frozen_clock):
    moment = frozen_clock(date(2028, 2, 29))
    assert moment == datetime(2028, 2, 29, 12, tzinfo=clock.TIMEZONE)
    assert clock.today() == date(2028, 2, 29) and date.today() == date(2028, 2, 29)
