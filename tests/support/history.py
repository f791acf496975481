"""The usage history in tests: rows and files in the operator's usage and authorization layouts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.support import csv_files
from webapp.history.importer import import_authorizations, import_usage
from webapp.history.layout import AUTHORIZATION_NAMES, USAGE_NAMES
from webapp.history.models import UsageEvent


def usage_row(**overrides) -> dict:
    base = {"event_id": "E1", "card_number": "", "performed_on": "2026-06-01", "procedure": "consulta-odontologica",
            "provider_name": "Dra. Ana Souza", "status": "realizado"}
    base.update(overrides)
    return base


def authorization_row(**overrides) -> dict:
    base = {"authorization_number": "A1", "protocol": "40233920260601000001", "card_number": "",
            "requested_on": "2026-06-01", "decided_on": "2026-06-02", "status": "autorizada",
            "provider_name": "Dra. Ana Souza", "procedure": "tratamento-endodontico-multirradicular", "tooth": "36"}
    base.update(overrides)
    return base


def write_csv(path: Path, rows: list[dict], columns=USAGE_NAMES) -> Path:
    """A usage file of *rows*, in the usage layout unless *columns* says otherwise."""
    return csv_files.write_csv(path, rows, columns)


def write_authorizations(path: Path, rows: list[dict]) -> Path:
    return csv_files.write_csv(path, rows, AUTHORIZATION_NAMES)


def import_events(session, path: Path, rows: list[dict]) -> dict[str, int]:
    """Import *rows* as a usage file through the importer (none may be rejected); event key → id."""
    report = import_usage(session, write_csv(path, rows))
    assert report.rejects == [], report.rejects
    session.flush()
    keys = [r["event_id"] for r in rows]
    return dict(session.execute(select(UsageEvent.event_key, UsageEvent.id).where(UsageEvent.event_key.in_(keys))).all())


def import_guides(session, path: Path, rows: list[dict]) -> None:
    """Import *rows* as an authorization file through the importer (none may be rejected)."""
    report = import_authorizations(session, write_authorizations(path, rows))
    assert report.rejects == [], report.rejects
    session.flush()
