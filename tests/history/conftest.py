"""Fixtures for the usage history: the demo families with their demo history, signed-in clients,
and builders of the operator's files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from webapp.history.demo import create_demo_history
from webapp.history.layout import AUTHORIZATION_NAMES, USAGE_NAMES
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member

TODAY = date(2026, 11, 24)
CASSEMS = 1  # family index in webapp.members.demo.FAMILIES
LEVE = 6


def holder_cpf(family: int) -> str:
    return make_cpf(family * 10 + 1)


def spouse_cpf(family: int) -> str:
    return make_cpf(family * 10 + 2)


def member_by_cpf(session, cpf: str) -> Member:
    return session.scalars(select(Member).where(Member.cpf == cpf)).one()


def family_of(session, family: int) -> tuple[Member, Member, Member]:
    holder = member_by_cpf(session, holder_cpf(family))
    spouse, child = sorted(holder.dependants, key=lambda m: m.id)
    return holder, spouse, child


@pytest.fixture
def history_today(frozen_clock):
    frozen_clock(TODAY)
    return TODAY


@pytest.fixture
def families(session):
    create_demo_families(session, TODAY)
    session.flush()
    return session


@pytest.fixture
def history(families, history_today):
    """The demo families with their demo history, imported through the importer."""
    create_demo_history(families, TODAY)
    families.flush()
    return families


def sign_in(client, cpf: str) -> None:
    page = client.page("/entrar")
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post("/entrar", data={"login": cpf, "senha": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


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
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def write_authorizations(path: Path, rows: list[dict]) -> Path:
    return write_csv(path, rows, AUTHORIZATION_NAMES)
