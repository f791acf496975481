"""GET /planos and /planos/<slug> through HTTP."""

import pytest
from sqlalchemy import select

from tests.support.pages import text_of
from webapp.plans import models
from webapp.plans.services import coverage_text
from webapp.plans.schema import PRODUCT_SLUGS


def test_list_shows_the_six_products_with_links(client):
    page = client.page("/planos")
    links = {a["href"] for a in page.select(".go-card__link")}
    assert links == {f"/planos/{slug}" for slug in PRODUCT_SLUGS}
    text = page.get_text(" ")
    for needle in ("CASSEMS ODONTO", "LEVE DENTAL RJ 1 Adesão", "SÃO CRISTÓVÃO ODONTOLÓGICO", "MASTER"):
        assert needle in text


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_each_product_page_shows_the_essentials(client, session, slug):
    product = session.scalars(select(models.Product).where(models.Product.slug == slug)).one()
    page = client.page(f"/planos/{slug}")
    assert page.h1.get_text(strip=True) == product.name
    overview = page.find(id="visao-geral").get_text(" ")
    assert product.operator.name in overview
    assert (product.operator.ans_number or "O documento não informa") in overview
    if product.ans_registration:
        assert product.ans_registration in overview
    else:
        assert "O documento não informa" in overview
    assert coverage_text(product.document["coverage_area"]) in " ".join(overview.split())
    assert "Tipo de contratação" in overview
    # Waiting periods: every statement of the document, with its period.
    waiting = page.find(id="carencias")
    rows = waiting.select("tbody tr")
    assert len(rows) == len(product.waiting_periods)
    for row, statement in zip(rows, product.waiting_periods):
        label, period = (td.get_text(" ", strip=True) for td in row.find_all("td"))
        assert label == " ".join(statement.label.split())
        if statement.hours:
            assert period == f"{statement.hours} horas"
        elif statement.days:
            assert period == f"{statement.days} dias"
        else:
            assert period == "sem carência"
    contacts = text_of(page.find(id="contatos"))
    assert "0800 701 9656" in contacts
    for contact in product.operator.contacts:
        assert contact["value"] in contacts


def test_phone_and_whatsapp_contacts_are_one_tap_links(client):
    page = client.page("/planos/cassems-odonto")
    hrefs = [a["href"] for a in page.find(id="contatos").find_all("a")]
    assert "tel:08000000552" in hrefs
    assert any(h.startswith("https://wa.me/55443123") for h in hrefs)


def test_municipality_group_is_listed_by_name(client):
    page = client.page("/planos/sao-cristovao-odontologico")
    text = page.find(id="visao-geral").get_text(" ")
    for name in ("Guarulhos", "Osasco", "Santo André", "São Bernardo do Campo", "São Caetano do Sul", "São Paulo"):
        assert name in text
    assert "inferid" in text.lower()  # the redacted list was inferred, and the page says so


def test_state_wide_area_names_the_state(client):
    page = client.page("/planos/leve-dental-rj-1-adesao")
    assert "Rio de Janeiro" in page.find(id="visao-geral").get_text(" ")


def test_sections_have_stable_anchors(client):
    page = client.page("/planos/cassems-odonto")
    for anchor in ("coberturas", "carencias", "contatos", "duvidas"):
        assert page.find(id=anchor) is not None, anchor
        assert page.find("a", href=f"#{anchor}") is not None, anchor


@pytest.mark.parametrize("url", ["/planos/nao-existe", "/planos/CASSEMS-ODONTO", "/planos/%00"])
def test_unknown_slug_is_a_404_page_in_portuguese(client, url):
    page = client.page(url, status=404)
    assert page.h1.get_text(strip=True) == "Página não encontrada"
