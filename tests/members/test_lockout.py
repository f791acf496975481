"""Members' lock-outs through HTTP: per person whatever identifier was typed, per client address,
a global burst ceiling, first access alike; 429 with Retry-After and nothing about whether the
account exists. The app's memory storage here (tests/members/test_lockout_redis.py: real Redis)."""

from datetime import timedelta

import pytest

from tests.support.members import CASSEMS_HOLDER_CPF as HOLDER_CPF
from tests.support.members import CASSEMS_SPOUSE_CPF as SPOUSE_CPF
from tests.support.members import demo_families, member_by_cpf
from tests.support.pages import check_page, csrf
from webapp import create_app
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, make_cpf

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
QUARTER_HOUR = 15 * 60


@pytest.fixture
def families(session, frozen_clock):
    # A still clock: every wait below is exact (memory storage counts in time.time, which it moves).
    frozen_clock(clock.now())
    return demo_families(session, clock.today())


def attempt(client, login, password=DEMO_PASSWORD, address="127.0.0.1"):
    token = csrf(client, "/entrar")
    return client.post("/entrar", data={"login": login, "senha": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def first_access(client, cpf, birth, card, address="127.0.0.1"):
    token = csrf(client, "/primeiro-acesso")
    return client.post("/primeiro-acesso", data={
        "cpf": cpf, "nascimento": birth, "carteirinha": card, "senha": "nova-senha-123",
        "confirmacao": "nova-senha-123", "csrf_token": token}, environ_base={"REMOTE_ADDR": address})


def error_text(response) -> str:
    """The text of the page's main landmark (the page is checked like every other)."""
    page = check_page(response.get_data(as_text=True), response.headers.get("Content-Security-Policy"))
    return page.select_one("main").get_text(" ", strip=True)


def punctuated_cpf(cpf):
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


def test_cpf_and_card_number_of_one_person_share_one_counter(client, families):
    card = member_by_cpf(families, HOLDER_CPF).card_number
    for login in [punctuated_cpf(HOLDER_CPF)] * 3 + [HOLDER_CPF] * 2 + [card] * 3 + [f"{card[:4]} {card[4:]}"] * 2:
        assert attempt(client, login, "errada").status_code == 400
    for login in (HOLDER_CPF, card, punctuated_cpf(HOLDER_CPF)):
        locked = attempt(client, login)  # the right password, but ten wrong ones came first
        assert locked.status_code == 429
        assert locked.headers["Retry-After"] == str(QUARTER_HOUR)
        assert "bloqueado" in locked.get_data(as_text=True) and "15 minutos" in locked.get_data(as_text=True)
        assert locked.headers["Cache-Control"] == "private, no-store"
    assert attempt(client, SPOUSE_CPF).status_code == 303  # the rest of the family is not locked


def test_an_unknown_identifier_is_locked_exactly_like_a_known_one(app, families):
    unknown = make_cpf(9001)  # a valid CPF nobody has
    answers = {}
    for login in (HOLDER_CPF, unknown):
        client = app.test_client()
        wrong = [attempt(client, login, "errada") for _ in range(10)]
        assert {r.status_code for r in wrong} == {400}
        locked = attempt(client, login, "qualquer")
        answers[login] = (locked.status_code, locked.headers["Retry-After"],
                          error_text(locked).replace(login, "?"))
    assert answers[HOLDER_CPF] == answers[unknown]
    assert answers[unknown][0] == 429


def test_the_lock_lifts_when_the_oldest_wrong_password_is_fifteen_minutes_old(client, families, frozen_clock):
    start = clock.now()
    for minute in range(10):
        frozen_clock(start + timedelta(minutes=minute))
        attempt(client, HOLDER_CPF, "errada")
    locked = attempt(client, HOLDER_CPF)
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(QUARTER_HOUR - 9 * 60)
    frozen_clock(start + timedelta(minutes=15, seconds=1))  # the first wrong one has left the window
    assert attempt(client, HOLDER_CPF).status_code == 303


def test_a_right_password_clears_the_persons_count(client, families):
    for _ in range(9):
        attempt(client, HOLDER_CPF, "errada")
    assert attempt(client, HOLDER_CPF).status_code == 303
    for _ in range(9):
        assert attempt(client, HOLDER_CPF, "errada").status_code == 400


def test_one_address_trying_many_cpfs_is_stopped_and_its_own_sign_ins_do_not_reset_it(client, families):
    for n in range(29):
        assert attempt(client, make_cpf(5000 + n), "errada", ATTACKER).status_code == 400
    # Signing in to an account of one's own between guesses resets nothing...
    assert attempt(client, SPOUSE_CPF, address=ATTACKER).status_code == 303
    assert attempt(client, make_cpf(5100), "errada", ATTACKER).status_code == 400  # the 30th wrong one
    # ...so the next guess from that address is refused, whoever it is for, right password or not.
    for login in (make_cpf(5101), HOLDER_CPF):
        refused = attempt(client, login, "errada" if login != HOLDER_CPF else DEMO_PASSWORD, ATTACKER)
        assert refused.status_code == 429 and "bloqueado" in refused.get_data(as_text=True)
        assert int(refused.headers["Retry-After"]) == QUARTER_HOUR
    assert attempt(client, HOLDER_CPF, address=ELSEWHERE).status_code == 303  # the person is not locked


def test_a_burst_of_attempts_across_everyone_meets_a_ceiling(app, client, families, frozen_clock):
    app.config["LOCKOUTS"]["members"]["burst"] = "4 per minute"
    start = clock.now()
    for n in range(4):  # four people, four addresses: no per-person or per-address limit is near
        assert attempt(client, make_cpf(6000 + n), "errada", f"192.0.2.{n + 1}").status_code == 400
    frozen_clock(start + timedelta(seconds=20))
    burst = attempt(client, HOLDER_CPF, address="192.0.2.99")
    assert burst.status_code == 429 and burst.headers["Retry-After"] == "40"
    text = error_text(burst)
    assert "tentativas de entrada demais" in text and "1 minuto" in text
    assert client.get("/entrar").status_code == 200  # the form itself is still there
    frozen_clock(start + timedelta(seconds=61))
    assert attempt(client, HOLDER_CPF, address="192.0.2.99").status_code == 303


def test_the_default_limits_are_the_documented_ones(app):
    assert app.config["LOCKOUTS"] == {
        "members": {"person": "10 per 15 minutes", "address": "30 per 15 minutes", "burst": "300 per minute"},
        "first_access": {"person": "10 per 15 minutes", "address": "20 per 15 minutes", "burst": "60 per minute"},
        "agents": {"person": "10 per 15 minutes", "address": "30 per 15 minutes", "burst": "120 per minute"},
        "password_reset": {"person": "10 per 15 minutes", "address": "20 per 15 minutes", "burst": "60 per minute"},
        "verify": {"person": "5 per 15 minutes", "address": "30 per 15 minutes", "burst": "300 per minute"},
    }
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"  # no REDIS_URL in the tests


@pytest.fixture
def without_password(families):
    holder = member_by_cpf(families, HOLDER_CPF)
    holder.password_hash = None
    families.flush()
    return holder


def test_first_access_is_limited_per_cpf(client, families, without_password):
    holder = without_password
    for _ in range(10):
        wrong = first_access(client, HOLDER_CPF, "1900-01-01", holder.card_number)
        assert wrong.status_code == 400 and "Não encontramos" in wrong.get_data(as_text=True)
    right = first_access(client, punctuated_cpf(HOLDER_CPF), holder.birth_date.isoformat(), holder.card_number)
    assert right.status_code == 429 and right.headers["Retry-After"] == str(QUARTER_HOUR)
    assert "tente de novo em 15 minutos" in right.get_data(as_text=True)
    assert client.get("/carteirinha").status_code == 303  # no session was started
    families.refresh(holder)
    assert holder.password_hash is None  # and no password was set


def test_first_access_is_limited_per_address_and_by_a_burst(app, client, without_password, frozen_clock):
    holder = without_password
    app.config["LOCKOUTS"]["first_access"]["burst"] = "21 per minute"
    start = clock.now()
    for n in range(20):
        assert first_access(client, make_cpf(7000 + n), "1980-01-01", "900000", ATTACKER).status_code == 400
    refused = first_access(client, HOLDER_CPF, holder.birth_date.isoformat(), holder.card_number, ATTACKER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == str(QUARTER_HOUR)
    # Twenty-one attempts within the minute: the next one, from anywhere, meets the ceiling.
    burst = first_access(client, HOLDER_CPF, holder.birth_date.isoformat(), holder.card_number, ELSEWHERE)
    assert burst.status_code == 429 and burst.headers["Retry-After"] == "60"
    assert "tentativas de entrada demais" in error_text(burst)
    frozen_clock(start + timedelta(minutes=1, seconds=1))
    ok = first_access(client, HOLDER_CPF, holder.birth_date.isoformat(), holder.card_number, ELSEWHERE)
    assert ok.status_code == 303 and ok.headers["Location"] == "/carteirinha"


def test_sign_in_answers_503_when_the_shared_store_is_down(engine):
    app = create_app({"TESTING": True, "DATABASE_ENGINE": engine, "SECRET_KEY": "test-secret",
                      "REDIS_URL": "redis://127.0.0.1:1/0"})  # nothing listens on port 1
    client = app.test_client()
    form = client.get("/entrar")
    token = check_page(form.get_data(as_text=True), form.headers["Content-Security-Policy"]).select_one(
        "input[name=csrf_token]")["value"]
    response = client.post("/entrar", data={"login": HOLDER_CPF, "senha": "x", "csrf_token": token})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Entrada indisponível" in error_text(response)
