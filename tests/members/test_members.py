"""Members: first access, sign-in, lock-out, the card, verification, sign-out — through HTTP."""

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.support.members import CASSEMS_HOLDER_CPF as HOLDER_CPF
from tests.support.members import CASSEMS_SPOUSE_CPF as SPOUSE_CPF
from tests.support.members import member_by_cpf, sign_in
from tests.support.pages import csrf
from webapp.members.demo import DEMO_PASSWORD, make_cpf
from webapp.members.services import VERIFY_SALT


def test_card_needs_sign_in(client):
    response = client.get("/carteirinha")
    assert response.status_code == 303 and "/entrar?next=/carteirinha" in response.headers["Location"]


def test_holder_signs_in_with_cpf_and_sees_every_field_for_the_whole_family(client, families):
    response = sign_in(client, f"{HOLDER_CPF[:3]}.{HOLDER_CPF[3:6]}.{HOLDER_CPF[6:9]}-{HOLDER_CPF[9:]}")
    assert response.status_code == 303 and response.headers["Location"] == "/carteirinha"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    card = client.get("/carteirinha")
    assert card.headers["Cache-Control"] == "private, no-store"
    page = client.page("/carteirinha")
    cards = page.select(".go-member-card")
    assert [c.select_one(".go-member-card__name").get_text(strip=True) for c in cards] == [
        "Mariana Alves Rocha", "Paulo Rocha", "Lívia Alves Rocha"]
    holder = member_by_cpf(families, HOLDER_CPF)
    first = cards[0].get_text(" ")
    for needle in ("Viventeris", "41.466-2", "CASSEMS ODONTO", holder.card_number, holder.cns,
                   holder.contract_number, "Titular", "Odontológica", "Mato Grosso do Sul", "0800 701 9656",
                   "Data de nascimento", "Inclusão no plano", "Data de contratação", "Tipo de contratação",
                   "Registro do plano na ANS", "0800 000 0552"):
        assert needle in first, needle
    assert "Carências" in first and "sem carências a cumprir" in first  # joined 420 days ago
    spouse = cards[1].get_text(" ")
    assert "Dependente" in spouse and "até " in spouse  # joined 45 days ago: 60 days still running
    assert all(c.select_one("svg") is not None for c in cards)  # a QR code each
    assert "Atualizado em" in page.get_text()


def test_sign_in_with_card_number(client, families):
    holder = member_by_cpf(families, HOLDER_CPF)
    assert sign_in(client, holder.card_number).status_code == 303


def test_dependant_sees_only_their_own_card(client, families):
    assert sign_in(client, SPOUSE_CPF).status_code == 303
    page = client.page("/carteirinha")
    names = [n.get_text(strip=True) for n in page.select(".go-member-card__name")]
    assert names == ["Paulo Rocha"]
    holder = member_by_cpf(families, HOLDER_CPF)
    assert holder.card_number not in page.get_text() and "Mariana" not in page.get_text()


def test_wrong_password_is_a_400_with_a_message_and_ten_lock_the_account(client, families):
    response = sign_in(client, HOLDER_CPF, "errada")
    assert response.status_code == 400 and "não conferem" in response.get_data(as_text=True)
    for _ in range(9):
        sign_in(client, HOLDER_CPF, "errada")
    locked = sign_in(client, HOLDER_CPF)  # the right password, but locked now
    assert locked.status_code == 429 and "bloqueado" in locked.get_data(as_text=True)


def test_unknown_account_gets_the_same_message(client, families):
    response = sign_in(client, "123.456.789-09", "qualquer")
    assert response.status_code == 400 and "não conferem" in response.get_data(as_text=True)


def test_forms_need_csrf(client, families):
    assert client.post("/entrar", data={"login": HOLDER_CPF, "senha": DEMO_PASSWORD}).status_code == 400
    assert client.post("/sair").status_code == 400


def test_first_access_proves_identity_and_sets_a_password(client, families):
    holder = member_by_cpf(families, HOLDER_CPF)
    holder.password_hash = None
    families.flush()
    data = {"cpf": HOLDER_CPF, "nascimento": holder.birth_date.isoformat(), "carteirinha": holder.card_number,
            "senha": "nova-senha-123", "confirmacao": "nova-senha-123"}
    wrong = client.post("/primeiro-acesso", data={**data, "nascimento": "1900-01-01",
                                                  "csrf_token": csrf(client, "/primeiro-acesso")})
    assert wrong.status_code == 400 and "Não encontramos" in wrong.get_data(as_text=True)
    short = client.post("/primeiro-acesso", data={**data, "senha": "curta", "confirmacao": "curta",
                                                  "csrf_token": csrf(client, "/primeiro-acesso")})
    assert short.status_code == 400 and "pelo menos 8" in short.get_data(as_text=True)
    ok = client.post("/primeiro-acesso", data={**data, "csrf_token": csrf(client, "/primeiro-acesso")})
    assert ok.status_code == 303 and ok.headers["Location"] == "/carteirinha"
    assert client.get("/carteirinha").status_code == 200
    families.refresh(holder)
    assert holder.password_hash.startswith("$argon2id$")
    client.post("/sair", data={"csrf_token": csrf(client, "/carteirinha")})
    again = client.post("/primeiro-acesso", data={**data, "csrf_token": csrf(client, "/primeiro-acesso")})
    assert again.status_code == 400 and "já criou" in again.get_data(as_text=True)
    assert sign_in(client, HOLDER_CPF, "nova-senha-123").status_code == 303


def test_first_access_validates_fields(client, families):
    response = client.post("/primeiro-acesso", data={"cpf": "111.111.111-11", "nascimento": "31/12/1980",
                                                     "carteirinha": "", "senha": "12345678", "confirmacao": "x",
                                                     "csrf_token": csrf(client, "/primeiro-acesso")})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    for message in ("CPF inválido", "data de nascimento", "número da carteirinha", "confirmação"):
        assert message in text


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, families, app):
    sign_in(client, HOLDER_CPF)
    cookie = client.get_cookie("guia_sessao").value
    response = client.post("/sair", data={"csrf_token": csrf(client, "/carteirinha")})
    assert response.status_code == 303 and response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/carteirinha").status_code == 303
    other = app.test_client()
    other.set_cookie("guia_sessao", cookie)
    assert other.get("/carteirinha").status_code == 303  # the old cookie no longer works


def test_next_parameter_only_allows_local_paths(client, families):
    token = csrf(client, "/entrar")
    response = client.post("/entrar?next=https://evil.example/", data={"login": HOLDER_CPF, "senha": DEMO_PASSWORD,
                                                                       "csrf_token": token})
    assert response.headers["Location"] == "/carteirinha"


def _token(app, member_id, timestamp=None):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=VERIFY_SALT)
    if timestamp is None:
        return serializer.dumps({"m": member_id})
    with pytest.MonkeyPatch.context() as mp:  # a token issued in the past
        mp.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: timestamp)
        return serializer.dumps({"m": member_id})


def test_verification_shows_only_the_minimum(client, families, app):
    spouse = member_by_cpf(families, SPOUSE_CPF)
    page = client.page(f"/verificar/{_token(app, spouse.id)}")
    text = page.get_text(" ")
    assert "Paulo Rocha" in text and "CASSEMS ODONTO" in text and "Ativo" in text
    assert "liberado a partir de" in text
    for secret in (spouse.cpf, spouse.card_number, spouse.cns, spouse.birth_date.strftime("%d/%m/%Y")):
        assert secret not in text


def test_expired_and_tampered_tokens(client, families, app):
    import time

    spouse = member_by_cpf(families, SPOUSE_CPF)
    old = _token(app, spouse.id, timestamp=int(time.time()) - 11 * 60)
    page = client.page(f"/verificar/{old}", status=410)
    assert "expirado" in page.h1.get_text().lower()
    good = _token(app, spouse.id)
    payload, rest = good.split(".", 1)
    tampered = payload[:-2] + ("xy" if not payload.endswith("xy") else "zw") + "." + rest
    client.page(f"/verificar/{tampered}", status=400)
    forged = URLSafeTimedSerializer("outra-chave", salt=VERIFY_SALT).dumps({"m": spouse.id})
    client.page(f"/verificar/{forged}", status=400)


def test_demo_credentials_only_in_demo_mode(client, families, app):
    assert "Demonstração" not in client.page("/entrar").get_text()
    app.config["DEMO"] = True
    page = client.page("/entrar")
    assert "Demonstração" in page.get_text() and DEMO_PASSWORD in page.get_text()


def test_privacy_manifest_service_worker_and_offline_pages(client):
    assert "LGPD" in client.page("/privacidade").get_text() or "13.709" in client.page("/privacidade").get_text()
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["lang"] == "pt-BR" and body["display"] == "standalone" and body["start_url"] == "/"
    assert {"192x192", "512x512"} <= {i["sizes"] for i in body["icons"]}
    assert any(i.get("purpose") == "maskable" for i in body["icons"])
    assert [s["name"] for s in body["shortcuts"]] == ["Carteirinha", "Minhas carências", "Buscar dentista", "Urgência"]
    sw = client.get("/sw.js")
    assert sw.mimetype == "application/javascript" and "go-member" in sw.get_data(as_text=True)
    assert client.page("/offline").h1.get_text(strip=True) == "Sem conexão"


def test_signed_in_member_sees_their_own_waiting_dates_on_their_plan(client, families):
    sign_in(client, make_cpf(61))  # the LEVE holder; spouse joined 45 days ago, child 10 days ago
    page = client.page("/planos/leve-dental-rj-1-adesao/coberturas?q=canal")
    text = page.get_text(" ")
    assert "Luiz Henrique Barbosa" in text and "Patrícia Barbosa" in text and "Davi Barbosa" in text
    assert "liberado a partir de" in text  # 180 days for root canals: still running for the spouse
    page = client.page("/planos/leve-dental-rj-1-adesao/carencias")
    assert "Patrícia Barbosa" in page.get_text(" ")


def test_dependant_sees_only_their_own_waiting_dates(client, families):
    sign_in(client, make_cpf(62))
    text = client.page("/planos/leve-dental-rj-1-adesao/coberturas?q=canal").get_text(" ")
    assert "Patrícia Barbosa" in text and "Luiz Henrique Barbosa" not in text and "Davi Barbosa" not in text
