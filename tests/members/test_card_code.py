"""The card's offline eligibility code (issue 15, item 4): the TOTP against RFC 6238/4226, the
per-device keys made at sign-in, /verificar (typed, or the phone's QR link), the drift window, the
lock-out, revoking devices — through HTTP, on SQLite and PostgreSQL."""

import hashlib
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF, demo_families, member_by_cpf, sign_in
from tests.support.pages import csrf, text_of
from webapp.core.clock import TIMEZONE
from webapp.members import devices, totp
from webapp.members.models import MemberDevice

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.4 Mobile/15E148 Safari/604.1")
MOMENT = datetime(2026, 11, 24, 15, 30, 20, tzinfo=TIMEZONE)  # 20 s into a step
SECRET = "test-secret"  # the tests' app's SECRET_KEY
REFUSED = "Código inválido ou vencido"

# --- the algorithm ------------------------------------------------------------------------------

RFC_KEYS = {
    hashlib.sha1: b"12345678901234567890",
    hashlib.sha256: b"12345678901234567890123456789012",
    hashlib.sha512: b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238, appendix B: (time, SHA-1, SHA-256, SHA-512), 8 digits, 30-second steps.
RFC_6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
# RFC 4226, appendix D: HOTP with 6 digits, counters 0–9.
RFC_4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), RFC_6238)
def test_totp_matches_the_rfc_6238_vectors(moment, sha1, sha256, sha512):
    for digest, expected in ((hashlib.sha1, sha1), (hashlib.sha256, sha256), (hashlib.sha512, sha512)):
        assert totp.totp(RFC_KEYS[digest], moment, step=30, digits=8, digest=digest) == expected


def test_six_digit_truncation_matches_the_rfc_4226_vectors():
    assert [totp.hotp(RFC_KEYS[hashlib.sha1], counter) for counter in range(10)] == RFC_4226


def test_the_window_is_two_steps_back_and_one_ahead(frozen_clock):
    now = frozen_clock(MOMENT).timestamp()
    key = b"k" * 32
    step = totp.time_step(now)
    for offset in (-2, -1, 0, 1):
        assert totp.matching_step(key, totp.hotp(key, step + offset), now) == step + offset
    for offset in (-3, 2):
        assert totp.matching_step(key, totp.hotp(key, step + offset), now) is None
    # The edges in time: the first second of a step, and the last.
    start = step * totp.STEP
    assert totp.matching_step(key, totp.hotp(key, step - 3), start + totp.STEP - 1) is None
    assert totp.matching_step(key, totp.hotp(key, step - 2), start + totp.STEP - 1) == step - 2
    assert totp.matching_step(key, totp.hotp(key, step + 1), start) == step + 1


def test_keys_are_per_device_and_per_person():
    one, other = totp.device_secret(SECRET, "a" * 64), totp.device_secret(SECRET, "b" * 64)
    assert one != other and totp.device_secret("another-app", "a" * 64) != one
    assert totp.person_key(one, 1) != totp.person_key(one, 2) != totp.person_key(other, 2)
    assert len(totp.person_key(one, 1)) == 32


@pytest.mark.parametrize(("user_agent", "label"), [
    (ANDROID_CHROME, "Chrome no Android"),
    (IPHONE_SAFARI, "Safari no iPhone"),
    ("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 "
     "Chrome/117.0.0.0 Mobile Safari/537.36", "Samsung Internet no Android"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox no Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36 Edg/124.0.0.0", "Edge no Windows"),
    ("curl/8.5.0", "Navegador desconhecido"),
    (None, "Navegador desconhecido"),
])
def test_device_labels_name_the_browser_and_system_only(user_agent, label):
    assert devices.device_label(user_agent) == label


@pytest.mark.parametrize(("payload", "ok"), [
    ("12.34.123456", True), ("12.34.12345", False), ("12.34.1234567", False), ("12.34.12345٦", False),
    ("0.34.123456", False), ("12..123456", False), ("12.34.123456.1", False), ("99999999999.1.123456", False),
    ("12.34.123 456", False), ("", False),
])
def test_qr_payloads(payload, ok):
    assert (devices.parse_qr_payload(payload) is not None) == ok


# --- through HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def families(session, frozen_clock):
    """The demo families, made on TODAY with the clock stopped at MOMENT (that afternoon)."""
    frozen_clock(MOMENT)
    return demo_families(session, TODAY)


def signed_in_device(client, session, cpf, user_agent=ANDROID_CHROME) -> MemberDevice:
    response = sign_in(client, cpf) if user_agent is None else _sign_in_as(client, cpf, user_agent)
    assert response.status_code == 303
    with client.session_transaction() as sess:
        device_id = sess["member"]["d"]
    session.expire_all()
    return session.get(MemberDevice, device_id)


def _sign_in_as(client, cpf, user_agent):
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    try:
        return sign_in(client, cpf)
    finally:
        client.environ_base.pop("HTTP_USER_AGENT")


def code_for(device, member_id, offset=0, at=MOMENT) -> str:
    key = totp.person_key(totp.device_secret(SECRET, device.nonce), member_id)
    return totp.hotp(key, totp.time_step(at.timestamp()) + offset)


def check(client, card_number, code, address="192.0.2.10"):
    token = csrf(client, "/verificar")
    return client.post("/verificar", data={"carteirinha": card_number, "codigo": code, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def page_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_sign_in_makes_a_device_and_the_card_carries_its_key_for_each_person(client, families, backend):
    holder, spouse = member_by_cpf(families, CASSEMS_HOLDER_CPF), member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    assert device.member_id == holder.id and device.label == "Chrome no Android" and device.revoked_at is None
    assert len(device.nonce) == 64  # 256 random bits; the secret itself is stored nowhere
    page = client.page("/carteirinha")
    boxes = page.select(".js-card-code")
    assert len(boxes) == 3
    expected = [totp.person_key(totp.device_secret(SECRET, device.nonce), m.id).hex()
                for m in (holder, spouse, sorted(holder.dependants, key=lambda m: m.id)[1])]
    assert [b["data-key"] for b in boxes] == expected
    base = client.application.config["PUBLIC_BASE_URL"]
    assert boxes[1]["data-url"] == f"{base}/verificar/c/{spouse.id}.{device.id}."
    assert device.nonce not in str(page)
    again = signed_in_device(app_client(client), families, CASSEMS_HOLDER_CPF, IPHONE_SAFARI)
    assert again.id != device.id and again.label == "Safari no iPhone"


def app_client(client):
    return client.application.test_client()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_code_from_the_device_key_is_accepted_within_the_window_and_shows_only_the_minimum(
        client, families, backend):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)  # the holder's phone shows the spouse's card
    clinic = app_client(client)
    for offset in (-2, -1, 0, 1):
        code = code_for(device, spouse.id, offset)
        response = check(clinic, f"{spouse.card_number[:4]}.{spouse.card_number[4:]}", f"{code[:3]} {code[3:]}")
        assert response.status_code == 200, (offset, text_of(page_of(response))[:300])
        assert response.headers["Cache-Control"] == "private, no-store"
    page = page_of(response)
    text = text_of(page.main)
    assert "Paulo Rocha" in text and "CASSEMS ODONTO" in text and "Ativo" in text and "Código conferido" in text
    assert "liberado a partir de" in text  # joined 45 days ago: periods still running
    for secret in (spouse.cpf, spouse.card_number, spouse.cns, spouse.birth_date.strftime("%d/%m/%Y"),
                   spouse.contract_number, "Mariana"):
        assert secret not in text
    families.expire_all()
    assert families.get(MemberDevice, device.id).last_seen_at == MOMENT
    for offset in (-3, 2):
        refused = check(clinic, spouse.card_number, code_for(device, spouse.id, offset))
        assert refused.status_code == 400 and REFUSED in text_of(page_of(refused))
    # The key of another person of the family is not this person's.
    wrong_person = check(clinic, spouse.card_number, code_for(device, spouse.holder_id))
    assert wrong_person.status_code == 400


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_unknown_card_and_wrong_code_get_the_same_answer(client, families, backend):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    code = code_for(device, spouse.id)
    unknown = check(client, "99999999999", code)
    wrong = check(client, spouse.card_number, "000000" if code != "000000" else "111111")
    assert unknown.status_code == wrong.status_code == 400
    assert text_of(page_of(unknown).main) == text_of(page_of(wrong).main).replace(spouse.card_number, "99999999999")


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_revoked_devices_and_signed_out_sessions_make_no_valid_codes(client, families, backend):
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    phone = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    laptop_client = app_client(client)
    laptop = signed_in_device(laptop_client, families, CASSEMS_HOLDER_CPF, IPHONE_SAFARI)
    clinic = app_client(client)
    assert check(clinic, holder.card_number, code_for(phone, holder.id)).status_code == 200

    # From the laptop, the member signs the phone out: its code stops working and so does its session.
    page = laptop_client.page("/aparelhos")
    labels = [text_of(li.select_one(".go-devices__label")) for li in page.select(".go-devices__item")]
    assert labels == ["Safari no iPhone este aparelho", "Chrome no Android"]
    token = page.select_one("input[name=csrf_token]")["value"]
    response = laptop_client.post(f"/aparelhos/{phone.id}/desconectar", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/aparelhos?desconectado=1"
    assert "Clear-Site-Data" not in response.headers  # only the other phone is signed out
    assert check(clinic, holder.card_number, code_for(phone, holder.id)).status_code == 400
    assert client.get("/carteirinha").status_code == 303  # the phone's session is over
    assert laptop_client.get("/carteirinha").status_code == 200
    families.expire_all()
    assert families.get(MemberDevice, phone.id).revoked_by == "membro"

    # Somebody else's device, or one already revoked: nothing to revoke here.
    token = csrf(laptop_client, "/aparelhos")
    assert laptop_client.post(f"/aparelhos/{phone.id}/desconectar", data={"csrf_token": token}).status_code == 404
    assert laptop_client.post("/aparelhos/99999/desconectar", data={"csrf_token": token}).status_code == 404

    # "Sair" revokes every device of the member, so the laptop's code goes too.
    assert check(clinic, holder.card_number, code_for(laptop, holder.id)).status_code == 200
    laptop_client.post("/sair", data={"csrf_token": csrf(laptop_client, "/carteirinha")})
    assert check(clinic, holder.card_number, code_for(laptop, holder.id)).status_code == 400


def test_revoking_this_device_signs_out_here(client, families):
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    token = csrf(client, "/aparelhos")
    response = client.post(f"/aparelhos/{device.id}/desconectar", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/entrar?saiu=1"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/carteirinha").status_code == 303


def test_a_session_from_before_devices_gets_one_on_the_card_page(client, families):
    from tests.support.members import member_session

    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    member_session(client, holder)  # an older cookie: no device in it
    assert families.scalars(select(MemberDevice).where(MemberDevice.member_id == holder.id)).all() == []
    page = client.page("/carteirinha")
    device = families.scalars(select(MemberDevice).where(MemberDevice.member_id == holder.id)).one()
    assert page.select_one(".js-card-code")["data-url"].endswith(f".{device.id}.")
    client.page("/carteirinha")
    assert families.scalars(select(MemberDevice).where(MemberDevice.member_id == holder.id)).all() == [device]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_phone_qr_link_checks_the_code_without_personal_data_in_the_url(client, families, backend):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    clinic = app_client(client)
    page = clinic.page(f"/verificar/c/{spouse.id}.{device.id}.{code_for(device, spouse.id, -1)}")
    assert "Paulo Rocha" in text_of(page.main)
    wrong = clinic.page(f"/verificar/c/{spouse.id}.{device.id}.{code_for(device, spouse.id, -3)}", status=400)
    assert REFUSED in text_of(wrong.main)
    other_device = clinic.page(f"/verificar/c/{spouse.id}.{device.id + 1}.{code_for(device, spouse.id)}", status=400)
    assert REFUSED in text_of(other_device.main)
    assert REFUSED in text_of(clinic.page(f"/verificar/c/{spouse.id}.{device.id}.12345", status=400).main)


def test_the_check_is_locked_per_card_after_five_wrong_codes(client, families, frozen_clock):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    right = code_for(device, spouse.id)
    wrong = "000000" if right != "000000" else "111111"
    for n in range(5):
        assert check(client, spouse.card_number, wrong, address=f"192.0.2.{n}").status_code == 400
    locked = check(client, spouse.card_number, right, address="192.0.2.99")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Muitas tentativas" in text_of(page_of(locked).main)
    qr = client.get(f"/verificar/c/{spouse.id}.{device.id}.{right}")  # the QR link counts on the same card
    assert qr.status_code == 429
    holder = member_by_cpf(families, CASSEMS_HOLDER_CPF)
    assert check(client, holder.card_number, code_for(device, holder.id)).status_code == 200  # other cards: fine


def test_malformed_input_is_a_400_with_the_fields_message(client, families):
    for card, code, message in (("", "123456", "Informe o número da carteirinha"),
                                ("９０５", "123456", "Informe o número da carteirinha"),
                                ("123\x00456", "123456", "Informe o número da carteirinha"),
                                ("12345", "12345", "código de 6 números"),
                                ("12345", "１２３４５６", "código de 6 números"),
                                ("12345", "12\x003456", "código de 6 números")):
        response = check(client, card, code)
        assert response.status_code == 400 and message in text_of(page_of(response)), (card, code)


def test_the_check_needs_csrf_and_its_form_works_as_a_page(client, families):
    page = client.page("/verificar")
    form = page.select_one("form")
    assert form["method"] == "post" and form["action"] == "/verificar"
    assert {i["name"] for i in form.select("input")} == {"csrf_token", "carteirinha", "codigo"}
    assert client.post("/verificar", data={"carteirinha": "1", "codigo": "123456"}).status_code == 400


def test_a_suspended_persons_card_says_so_and_the_clinic_sees_it(client, families):
    spouse = member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    spouse.status = "suspenso"
    families.flush()
    device = signed_in_device(client, families, CASSEMS_HOLDER_CPF)
    card = client.page("/carteirinha").select(".go-member-card")[1]
    assert "go-member-card--inactive" in card["class"]
    assert "Plano suspenso" in text_of(card.select_one(".go-member-card__status"))
    response = check(app_client(client), spouse.card_number, code_for(device, spouse.id))
    assert response.status_code == 200 and "Suspenso" in text_of(page_of(response).main)
