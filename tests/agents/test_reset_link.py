"""An agent sends a link for a new password by WhatsApp: audited, to the member's own phone, a
token stored only as a hash, single use, the birth date asked before the new password."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.support.agents import log_rows, look_up, lookup_id
from tests.support.databases import BACKENDS
from tests.support.members import (
    CASSEMS_SPOUSE_CPF,
    LEVE_HOLDER_CPF,
    NEW_PASSWORD,
    member_by_cpf,
    member_session,
)
from tests.support.pages import csrf
from webapp.core import clock
from webapp.members.models import MemberDevice, PasswordReset

TOKEN_IN_URL = re.compile(r"/nova-senha/([1-9A-HJ-NP-Za-km-z]+)")


def send_link(agent_client, entry_id: int):
    token = csrf(agent_client, f"/atendimento/consultas/{entry_id}")
    return agent_client.post(f"/atendimento/consultas/{entry_id}/nova-senha", data={"csrf_token": token})


def whatsapp_of(agent_client, entry_id: int) -> tuple[str, str]:
    """(wa.me number, text) of the link page's WhatsApp button."""
    page = agent_client.page(f"/atendimento/consultas/{entry_id}/nova-senha")
    href = page.select_one("a[href^='https://wa.me/']")["href"]
    parts = urlsplit(href)
    return parts.path.strip("/"), parse_qs(parts.query)["text"][0]


def reset_password(client, path: str, birth: str, password: str = NEW_PASSWORD):
    token = csrf(client, "/esqueci-senha")  # the session's token (the link's own page may be gone)
    return client.post(path, data={"nascimento": birth, "senha": password, "confirmacao": password,
                                   "csrf_token": token})


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_agent_link_by_whatsapp_then_birth_date_then_new_password(app, agent_client, families, backend, caplog):
    caplog.set_level(logging.DEBUG)
    holder = member_by_cpf(families, LEVE_HOLDER_CPF)
    other_phone = app.test_client()
    member_session(other_phone, holder)
    families.add(MemberDevice(member_id=holder.id, nonce="d" * 64, label="Safari no iPhone"))
    families.flush()
    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF, protocol="P-9"))
    member_page = agent_client.page(f"/atendimento/consultas/{entry}")
    assert member_page.select_one(f"form[action='/atendimento/consultas/{entry}/nova-senha']") is not None

    response = send_link(agent_client, entry)
    assert response.status_code == 303 and response.headers["Location"] == f"/atendimento/consultas/{entry}/nova-senha"
    number, text = whatsapp_of(agent_client, entry)
    assert number == "5521968881206"  # the holder's own phone, (21) 96888-1206
    assert holder.name not in text and "nova senha" in text and "data de nascimento" in text
    link = re.search(r"https?://\S+", text).group(0)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/nova-senha/")
    path = urlsplit(link).path
    token = TOKEN_IN_URL.fullmatch(path).group(1)
    assert len(token) == 24  # base58: about 140 bits

    reset = families.scalars(select(PasswordReset).where(PasswordReset.member_id == holder.id)).one()
    assert reset.channel == "whatsapp" and reset.created_by_agent_id is not None
    assert token not in reset.secret_hash and len(reset.secret_hash) == 64
    assert reset.expires_at - reset.created_at == timedelta(hours=24)
    row = log_rows(families)[-1]
    assert (row.action, row.member_id, row.lookup_id, row.protocol) == ("nova-senha", holder.id, entry, "P-9")
    assert token not in (row.detail or "")

    member = app.test_client()
    page = member.get(path)
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow" and page.headers["Cache-Control"] == "private, no-store"
    form = member.page(path).select_one("form")
    assert form["method"] == "post" and form.select_one("#nascimento") is not None

    assert member.page(path).select_one("input[name=csrf_token]")["value"]
    wrong = reset_password(member, path, "1950-01-01")
    assert wrong.status_code == 400 and "A data de nascimento não confere" in wrong.get_data(as_text=True)
    response = reset_password(member, path, holder.birth_date.isoformat())
    assert response.status_code == 303 and response.headers["Location"] == "/carteirinha"
    assert member.get("/carteirinha").status_code == 200
    assert other_phone.get("/carteirinha").status_code == 303
    families.expire_all()
    device = families.scalars(select(MemberDevice).where(MemberDevice.nonce == "d" * 64)).one()
    assert device.revoked_by == "nova-senha"
    live = families.scalars(select(MemberDevice).where(MemberDevice.member_id == holder.id,
                                                       MemberDevice.revoked_at.is_(None))).all()
    assert len(live) == 1  # this phone's, made when the reset signed it in

    again = app.test_client().get(path)  # single use
    assert again.status_code == 410 and "vale uma vez só" in again.get_data(as_text=True)
    assert reset_password(app.test_client(), path, holder.birth_date.isoformat(), "outra-senha-99").status_code == 410
    assert all(token not in record.getMessage() for record in caplog.records)


def test_five_wrong_birth_dates_kill_the_link(app, agent_client, families):
    holder = member_by_cpf(families, LEVE_HOLDER_CPF)
    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF))
    send_link(agent_client, entry)
    path = urlsplit(re.search(r"https?://\S+", whatsapp_of(agent_client, entry)[1]).group(0)).path
    member = app.test_client()
    for _ in range(4):
        assert reset_password(member, path, "1950-01-01").status_code == 400
    assert reset_password(member, path, "1950-01-01").status_code == 410
    assert reset_password(member, path, holder.birth_date.isoformat()).status_code == 410


def test_the_link_expires_after_24_hours_and_a_newer_one_ends_it(app, agent_client, families, frozen_clock):
    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF))
    send_link(agent_client, entry)
    first = urlsplit(re.search(r"https?://\S+", whatsapp_of(agent_client, entry)[1]).group(0)).path
    send_link(agent_client, entry)
    second = urlsplit(re.search(r"https?://\S+", whatsapp_of(agent_client, entry)[1]).group(0)).path
    assert first != second
    assert app.test_client().get(first).status_code == 410  # ended by the newer link
    assert app.test_client().get(second).status_code == 200
    frozen_clock(clock.now() + timedelta(hours=24, seconds=1))
    assert app.test_client().get(second).status_code == 410
    assert len([r for r in log_rows(families) if r.action == "nova-senha"]) == 2


def test_no_link_without_the_members_own_phone(agent_client, families):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    assert spouse.phone is None
    entry = lookup_id(look_up(agent_client, CASSEMS_SPOUSE_CPF))
    page = agent_client.page(f"/atendimento/consultas/{entry}")
    assert page.select_one(f"form[action='/atendimento/consultas/{entry}/nova-senha']") is None
    assert "Sem celular próprio cadastrado" in page.get_text()
    assert send_link(agent_client, entry).status_code == 400
    assert families.scalars(select(PasswordReset)).all() == []
    # The GET without a link just made goes back to the member.
    assert agent_client.get(f"/atendimento/consultas/{entry}/nova-senha").status_code == 303


@pytest.mark.parametrize("token", ["x", "0" * 24, "1" * 23, "1" * 24, "1" * 25, "l" * 24])
def test_a_token_nobody_was_sent_is_a_404(client, families, token):
    response = client.get(f"/nova-senha/{token}")
    assert response.status_code == 404 and "Link inválido" in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_the_link_form_needs_csrf(app, agent_client, families):
    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF))
    send_link(agent_client, entry)
    path = urlsplit(re.search(r"https?://\S+", whatsapp_of(agent_client, entry)[1]).group(0)).path
    assert app.test_client().post(path, data={"nascimento": "2000-01-01"}).status_code == 400
    assert agent_client.post(f"/atendimento/consultas/{entry}/nova-senha").status_code == 400


def test_hostile_birth_dates_on_the_link_are_a_400_and_use_no_try(app, agent_client, families):
    from tests.core.test_hostile_input import HOSTILE

    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF))
    send_link(agent_client, entry)
    path = urlsplit(re.search(r"https?://\S+", whatsapp_of(agent_client, entry)[1]).group(0)).path
    member = app.test_client()
    for label, value in HOSTILE.items():
        response = reset_password(member, path, value)
        if value.strip():
            assert response.status_code == 400, label
            assert "data de nascimento" in response.get_data(as_text=True), label
    families.expire_all()
    assert families.scalars(select(PasswordReset)).one().tries == 0
