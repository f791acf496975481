"""Getting back in ("Esqueci minha senha") through HTTP, with the code read from the e-mail a real
SMTP server (aiosmtpd) received: end to end, wrong / expired / 6th try / reused / superseded codes,
the sending limit, no e-mail on file, SMTP down, other sessions ended and devices revoked."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.databases import BACKENDS
from tests.support.mail import code_in
from tests.support.members import (
    CASSEMS_HOLDER_CPF,
    NEW_PASSWORD,
    ask_reset_code,
    member_by_cpf,
    member_session,
    send_reset_code,
    sign_in,
)
from tests.support.pages import csrf
from tests.support.server import free_port
from webapp.core import clock
from webapp.core.mail import mask_address
from webapp.members.demo import DEMO_PASSWORD
from webapp.members.models import MemberDevice, PasswordReset

EMAIL = "mariana.rocha@exemplo.com.br"
MASKED = "m***@e***.com.br"


@pytest.fixture
def holder(families):
    member = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    member.email = EMAIL
    families.flush()
    return member


def resets(session, member) -> list[PasswordReset]:
    session.expire_all()
    return list(session.scalars(select(PasswordReset).where(PasswordReset.member_id == member.id)
                                .order_by(PasswordReset.id)))


def pending(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess["password_reset"])


def with_pending(client, data: dict) -> None:
    with client.session_transaction() as sess:
        sess["password_reset"] = data


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_code_from_the_email_sets_a_new_password_and_ends_every_other_session(
        app, client, families, holder, mailbox, backend):
    other_phone = app.test_client()
    member_session(other_phone, holder)  # signed in elsewhere, before the reset
    assert other_phone.get("/carteirinha").status_code == 200
    families.add(MemberDevice(member_id=holder.id, nonce="n" * 64, label="Chrome no Android"))
    families.flush()

    response = ask_reset_code(client, holder)
    assert response.status_code == 303 and response.headers["Location"] == "/esqueci-senha/codigo"
    page = client.page("/esqueci-senha/codigo")
    assert MASKED in page.get_text() and EMAIL not in page.get_text()
    assert client.get("/esqueci-senha/codigo").headers["Cache-Control"] == "private, no-store"

    message = mailbox.last()
    assert mailbox.recipients == [[EMAIL]] and message["To"] == EMAIL
    assert message["Subject"] == "Seu código para criar uma nova senha — Guia Odonto"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "15 minutos" in body and "uma vez" in body
    assert holder.cpf not in body and holder.name.split()[0] not in body  # nothing personal
    code = code_in(message)

    row, = resets(families, holder)
    assert row.channel == "email" and row.tries == 0 and row.used_at is None
    assert len(row.secret_hash) == 64 and row.secret_hash != hashlib.sha256(code.encode()).hexdigest()

    response = send_reset_code(client, code)
    assert response.status_code == 303 and response.headers["Location"] == "/carteirinha"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/carteirinha").status_code == 200  # signed in on this device
    with client.session_transaction() as sess:
        assert "password_reset" not in sess

    assert other_phone.get("/carteirinha").status_code == 303  # the old cookie stopped working
    families.expire_all()
    devices = families.scalars(select(MemberDevice).where(MemberDevice.member_id == holder.id)
                               .order_by(MemberDevice.id)).all()
    *before, this_phone = devices  # the other phone's (made at its card), the one added above; this one's
    assert len(before) == 2 and all(d.revoked_at is not None and d.revoked_by == "nova-senha" for d in before)
    assert this_phone.revoked_at is None  # signed in here by the reset
    row, = resets(families, holder)
    assert row.used_at is not None

    fresh = app.test_client()
    assert sign_in(fresh, CASSEMS_HOLDER_CPF, DEMO_PASSWORD).status_code == 400
    assert sign_in(fresh, CASSEMS_HOLDER_CPF, NEW_PASSWORD).status_code == 303


def test_sign_in_and_first_access_lead_to_the_forgotten_password(client, holder):
    assert client.page("/entrar").select_one("a[href='/esqueci-senha']").get_text(strip=True) == "Esqueci minha senha"
    token = csrf(client, "/primeiro-acesso")
    response = client.post("/primeiro-acesso", data={
        "cpf": holder.cpf, "nascimento": holder.birth_date.isoformat(), "carteirinha": holder.card_number,
        "senha": "qualquer-123", "confirmacao": "qualquer-123", "csrf_token": token})
    assert response.status_code == 400 and "Você já criou a sua senha" in response.get_data(as_text=True)
    assert 'href="/esqueci-senha"' in response.get_data(as_text=True)
    form = client.page("/esqueci-senha").select_one("form")
    assert form["method"] == "post" and form["action"] == "/esqueci-senha"
    assert form.select_one("input[name=csrf_token]")["value"]


def test_a_wrong_code_counts_and_the_sixth_try_is_refused_even_when_right(client, families, holder, mailbox):
    ask_reset_code(client, holder)
    code = code_in(mailbox.last())
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = send_reset_code(client, wrong)
    assert response.status_code == 400 and "Código errado" in response.get_data(as_text=True)
    assert "4 tentativas restantes" in response.get_data(as_text=True)
    for left in (3, 2, 1):
        response = send_reset_code(client, wrong)
        assert response.status_code == 400 and f"({left} tentativa" in response.get_data(as_text=True)
    response = send_reset_code(client, wrong)  # the 5th wrong answer kills the code
    assert response.status_code == 410 and "não vale mais" in response.get_data(as_text=True)
    response = send_reset_code(client, code)  # right, but a 6th try
    assert response.status_code == 410
    assert resets(families, holder)[0].used_at is None and resets(families, holder)[0].tries == 5
    assert client.get("/carteirinha").status_code == 303  # not signed in


def test_form_errors_do_not_use_a_try(client, families, holder, mailbox):
    ask_reset_code(client, holder)
    code = code_in(mailbox.last())
    response = send_reset_code(client, code, "curta")
    assert response.status_code == 400 and "pelo menos 8 caracteres" in response.get_data(as_text=True)
    response = send_reset_code(client, code, NEW_PASSWORD, "outra-senha-99")
    assert response.status_code == 400 and "A confirmação não é igual" in response.get_data(as_text=True)
    assert resets(families, holder)[0].tries == 0
    assert send_reset_code(client, code).status_code == 303


@pytest.mark.parametrize("typed", ["１２３４５６", "١٢٣٤٥٦", "12345", "1234567", "12a456", "-12345", "12\x003456", "²³⁴⁵⁶⁷"])
def test_look_alike_digits_in_the_code_are_a_400_in_portuguese(client, families, holder, mailbox, typed):
    ask_reset_code(client, holder)
    response = send_reset_code(client, typed)
    assert response.status_code == 400
    assert "O código tem 6 números" in response.get_data(as_text=True)
    assert resets(families, holder)[0].tries == 0


def test_spaces_between_the_digits_are_fine(client, holder, mailbox):
    ask_reset_code(client, holder)
    code = code_in(mailbox.last())
    assert send_reset_code(client, f" {code[:3]} {code[3:]} ").status_code == 303


def test_the_code_expires_after_15_minutes(client, families, holder, mailbox, frozen_clock):
    start = frozen_clock(clock.now())
    ask_reset_code(client, holder)
    code = code_in(mailbox.last())
    frozen_clock(start + timedelta(minutes=15, seconds=1))
    response = send_reset_code(client, code)
    assert response.status_code == 410 and "expira em 15 minutos" in response.get_data(as_text=True)
    assert client.get("/esqueci-senha/codigo").status_code == 200  # says so, with a way to ask again
    assert "Pedir um novo código" in client.get("/esqueci-senha/codigo").get_data(as_text=True)


def test_a_code_is_used_once_even_by_two_submissions_with_the_same_session(app, client, holder, mailbox):
    ask_reset_code(client, holder)
    code, copy = code_in(mailbox.last()), app.test_client()
    with_pending(copy, pending(client))  # the same pending reset in a second browser
    assert send_reset_code(client, code).status_code == 303
    response = send_reset_code(copy, code, "mais-uma-senha-1")
    assert response.status_code == 410 and "vale uma vez só" in response.get_data(as_text=True)
    assert sign_in(app.test_client(), CASSEMS_HOLDER_CPF, NEW_PASSWORD).status_code == 303


def test_a_new_code_ends_the_older_one(app, client, families, holder, mailbox):
    ask_reset_code(client, holder)
    first_code = code_in(mailbox.last())
    second_browser = app.test_client()
    ask_reset_code(second_browser, holder)
    second_code = code_in(mailbox.last())
    response = send_reset_code(client, first_code)  # the first browser, the first code
    assert response.status_code == 410
    older, newer = resets(families, holder)
    assert older.expires_at <= clock.utcnow() < newer.expires_at and older.used_at is None
    assert send_reset_code(second_browser, second_code).status_code == 303


def test_three_codes_an_hour_then_429_with_retry_after(client, families, holder, mailbox, frozen_clock):
    start = frozen_clock(clock.now())
    for minute in range(3):
        frozen_clock(start + timedelta(minutes=minute))
        assert ask_reset_code(client, holder).status_code == 303
    response = ask_reset_code(client, holder)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 3600 - 2 * 60
    assert "Já enviamos 3 códigos na última hora" in response.get_data(as_text=True)
    assert "58 minutos" in response.get_data(as_text=True)
    assert len(mailbox.messages) == 3 and len(resets(families, holder)) == 3
    frozen_clock(start + timedelta(hours=1, seconds=1))
    assert ask_reset_code(client, holder).status_code == 303


def test_without_an_email_on_file_the_member_is_sent_to_the_operator(client, families, mailbox):
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    holder.email = None
    families.flush()
    response = ask_reset_code(client, holder)
    assert response.status_code == 200
    page = client.page("/esqueci-senha", status=200)  # the form again, for a GET
    assert page.select_one("h1").get_text(strip=True) == "Esqueci minha senha"
    text = response.get_data(as_text=True)
    assert "Não há e-mail cadastrado" in text and "WhatsApp" in text and "0800 701 9656" in text
    assert "Viventeris" in text or "CASSEMS" in text  # the operator, by name
    assert 'href="tel:' in text
    assert mailbox.messages == [] and resets(families, holder) == []


def test_a_wrong_identity_gets_the_first_access_words(client, families, holder, mailbox):
    for changes in ({"nascimento": "1950-01-01"}, {"carteirinha": "999999"}, {"cpf": "123.456.789-09"}):
        response = ask_reset_code(client, holder, **changes)
        assert response.status_code == 400
        assert "Não encontramos um beneficiário com esses dados" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_the_identity_check_locks_out(app, client, families, holder, mailbox):
    app.config["LOCKOUTS"] = {**app.config["LOCKOUTS"], "password_reset": {
        "person": "3 per 15 minutes", "address": "20 per 15 minutes", "burst": "60 per minute"}}
    for _ in range(3):
        assert ask_reset_code(client, holder, nascimento="1950-01-01").status_code == 400
    response = ask_reset_code(client, holder)  # right, but locked
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Muitas tentativas" in response.get_data(as_text=True) and mailbox.messages == []


def test_every_form_needs_csrf(client, holder, mailbox):
    assert client.post("/esqueci-senha", data={"cpf": holder.cpf}).status_code == 400
    assert client.post("/esqueci-senha/codigo", data={"codigo": "123456"}).status_code == 400
    assert mailbox.messages == []


def test_smtp_down_is_a_503_and_leaves_no_open_code(app, client, families, holder):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    response = ask_reset_code(client, holder)
    assert response.status_code == 503
    assert "Não conseguimos enviar o código agora" in response.get_data(as_text=True)
    assert resets(families, holder) == []


def test_without_mail_url_the_demo_writes_the_masked_address_and_the_code_to_the_console(
        app, client, families, holder, capsys, caplog):
    app.config["MAIL_URL"] = None
    assert ask_reset_code(client, holder).status_code == 303
    err = capsys.readouterr().err
    assert MASKED in err and EMAIL not in err and holder.cpf not in err
    assert len(code_in_text(err)) == 6
    assert EMAIL not in caplog.text and holder.cpf not in caplog.text


def code_in_text(text: str) -> str:
    import re

    return re.search(r"^\s+([0-9]{6})\s*$", text, re.MULTILINE).group(1)


def test_production_without_mail_url_cannot_send(app, client, families, holder):
    app.config.update(MAIL_URL=None, ENV_NAME="production", DEMO=False)
    response = ask_reset_code(client, holder)
    assert response.status_code == 503 and resets(families, holder) == []


def test_no_pending_code(client):
    page = client.page("/esqueci-senha/codigo")
    assert "Nenhum código foi pedido neste aparelho" in page.get_text() and "Pedir um novo código" in page.get_text()
    token = csrf(client, "/esqueci-senha")
    response = client.post("/esqueci-senha/codigo", data={"codigo": "123456", "senha": NEW_PASSWORD,
                                                          "confirmacao": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 410


@pytest.mark.parametrize(("address", "masked"), [
    ("mariana.rocha@exemplo.com.br", "m***@e***.com.br"), ("a@e.com", "a***@e***.com"), ("x@localhost", "x***@l***")])
def test_mask_address(address, masked):
    assert mask_address(address) == masked


def test_old_codes_stay_out_of_the_count_an_hour_later(client, families, holder, mailbox, frozen_clock):
    start = frozen_clock(clock.now())
    ask_reset_code(client, holder)
    frozen_clock(start + timedelta(minutes=61))
    assert ask_reset_code(client, holder).status_code == 303
    total = families.scalar(select(func.count()).select_from(PasswordReset))
    assert total == 2
