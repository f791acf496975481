"""Members in a real browser (390×844): first access, the card offline, sign-out, installability."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.browser import assert_no_axe_violations, sign_in_member, wait_for_service_worker
from webapp.core import clock
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members.models import Member

HOLDER_CPF, SPOUSE_CPF = make_cpf(61), make_cpf(62)  # the LEVE family


@pytest.fixture(scope="module", autouse=True)
def demo_families(live_engine):
    with Session(live_engine) as session:
        create_demo_families(session, clock.today())
        holder = session.scalars(select(Member).where(Member.cpf == HOLDER_CPF)).one()
        holder.password_hash = None  # this holder has not created a password yet
        session.commit()
        return {"holder_birth": holder.birth_date.isoformat(), "holder_card": holder.card_number}


def test_first_access_then_card_offline_then_sign_out(context, live_server, demo_families):
    page = context.new_page()
    page.goto(live_server + "/primeiro-acesso")
    page.fill("#cpf", HOLDER_CPF)
    page.fill("#nascimento", demo_families["holder_birth"])
    page.fill("#carteirinha", demo_families["holder_card"])
    page.fill("#senha", "senha-nova-123")
    page.fill("#confirmacao", "senha-nova-123")
    page.get_by_role("button", name="Criar senha e entrar").click()
    page.wait_for_url(re.compile(r".*/carteirinha$"))
    page.get_by_role("button", name=re.compile("^Sair")).click()
    page.wait_for_url(re.compile(r".*/entrar\?saiu=1$"))

    sign_in_member(page, live_server, HOLDER_CPF, "senha-nova-123")
    cards = page.locator(".go-member-card")
    assert cards.count() == 3
    for i, role in enumerate(["Titular", "Dependente", "Dependente"]):
        text = cards.nth(i).inner_text()
        assert role in text
        for label in ("Número da carteirinha", "Data de nascimento", "Cartão Nacional de Saúde", "Plano",
                      "Registro do plano na ANS", "Tipo de contratação", "Segmentação", "Abrangência", "Contrato",
                      "Data de contratação", "Inclusão no plano", "Carências", "Disque ANS", "Leve Saúde",
                      "402339", "LEVE DENTAL RJ 1 Adesão", "502.672/25-5", "Coletivo por adesão"):
            assert label in text, (i, label)
        assert cards.nth(i).locator("svg").count() == 1  # QR code

    wait_for_service_worker(page)
    page.reload()  # this time through the service worker, which keeps a copy
    updated = page.locator(".go-card-updated").inner_text()
    context.set_offline(True)
    page.reload()
    assert page.locator(".go-member-card").count() == 3
    assert updated.startswith("Atualizado em")  # offline, the notice says since when, at the same time
    since = updated[len("Atualizado em "):]
    assert page.locator(".js-card-offline").inner_text().startswith("Sem conexão desde " + since)
    context.set_offline(False)

    page.goto(live_server + "/carteirinha")
    page.get_by_role("button", name=re.compile("^Sair")).click()
    page.wait_for_url(re.compile(r".*/entrar\?saiu=1$"))
    context.set_offline(True)
    try:
        page.goto(live_server + "/carteirinha")
    except Exception:  # noqa: BLE001 - no service worker left: the browser's own offline error
        pass
    assert page.locator(".go-member-card").count() == 0
    assert "Mariana" not in page.content() and demo_families["holder_card"] not in page.content()
    context.set_offline(False)


def test_dependant_cannot_open_the_holders_card(context, live_server, demo_families):
    page = context.new_page()
    sign_in_member(page, live_server, SPOUSE_CPF, DEMO_PASSWORD)
    assert page.locator(".go-member-card__name").all_inner_texts() == ["Patrícia Barbosa"]
    assert demo_families["holder_card"] not in page.content()


def test_the_app_is_installable(persistent_context, live_server):
    context = persistent_context
    page = context.new_page()
    page.goto(live_server + "/")
    wait_for_service_worker(page)
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest.get("errors")


@pytest.mark.parametrize("path", ["/entrar", "/primeiro-acesso", "/privacidade", "/offline"])
def test_axe_finds_nothing_on_member_pages(axe_page, live_server, path):
    axe_page.goto(live_server + path)
    assert_no_axe_violations(axe_page)


def test_axe_finds_nothing_on_the_card(axe_page, live_server):
    sign_in_member(axe_page, live_server, SPOUSE_CPF, DEMO_PASSWORD)
    assert_no_axe_violations(axe_page)


def test_errors_on_sign_in_are_announced_and_focused(context, live_server):
    page = context.new_page()
    page.goto(live_server + "/entrar")
    page.fill("#login", SPOUSE_CPF)
    page.fill("#senha", "errada")
    page.get_by_role("button", name="Entrar", exact=True).click()
    summary = page.locator(".go-error-summary")
    assert "não conferem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('go-error-summary')")
