"""/planos/<slug>: every section the product's catalog file supports, and nothing else.

The expectations are read from the catalog files themselves (``read_catalog``), not from the
database or the page code, so a section shown without support in the document fails here.
"""

from datetime import datetime

import pytest

from tests.support.pages import squeeze, text_of
from tests.support.plans import family_member, member_of
from webapp.core.clock import TIMEZONE
from webapp.plans.catalog import read_catalog
from webapp.plans.schema import PRODUCT_SLUGS

CATALOG = {p.slug: (f, p) for _, f in read_catalog().files for p in f.products}
ALL_SECTIONS = ("coberturas", "carencias", "exclusoes", "urgencia", "reembolso", "regras",
                "pagamento-e-cancelamento", "dependentes", "contatos", "duvidas")


def supported_sections(product) -> set[str]:
    """What the document supports, straight from its catalog entry."""
    # Coverage, waiting periods, money rules and who may join are required; contacts have at least
    # the Disque ANS.
    present = {"coberturas", "carencias", "pagamento-e-cancelamento", "dependentes", "contatos"}
    if product.exclusions:
        present.add("exclusoes")
    if product.urgency:
        present.add("urgencia")
    if product.reimbursement:
        present.add("reembolso")
    if product.rules_of_use:
        present.add("regras")
    if product.faq:
        present.add("duvidas")
    return present


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_page_shows_exactly_the_sections_the_catalog_supports(client, slug):
    _, product = CATALOG[slug]
    page = client.page(f"/planos/{slug}")
    expected = supported_sections(product)
    shown = {s["id"] for s in page.select("section.go-section")} - {"visao-geral"}
    assert shown == expected
    toc = {a["href"].lstrip("#") for a in page.select(".go-toc a")} - {"visao-geral"}
    assert toc == expected
    for anchor in set(ALL_SECTIONS) - expected:
        assert page.find(id=anchor) is None, anchor


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_each_section_says_what_the_document_says(client, slug):
    catalog_file, product = CATALOG[slug]
    page = client.page(f"/planos/{slug}")
    if product.exclusions:
        exclusions = text_of(page.find(id="exclusoes"))
        for e in product.exclusions:
            assert squeeze(e.text) in exclusions
    if product.urgency:
        urgency = text_of(page.find(id="urgencia"))
        assert squeeze(product.urgency.summary) in urgency
        for item in product.urgency.what_counts + product.urgency.how_to:
            assert squeeze(item) in urgency
    if product.reimbursement:
        section = page.find(id="reembolso")
        checklist = [text_of(li) for li in section.select(".go-checklist .go-checklist__item")]
        assert checklist == [squeeze(d) for d in product.reimbursement.documents]
    if product.rules_of_use:
        rules = text_of(page.find(id="regras"))
        for rule in product.rules_of_use:
            assert squeeze(rule.text) in rules
    if product.dependants:
        dependants = text_of(page.find(id="dependentes"))
        for rule in product.dependants.rules:
            assert squeeze(rule.text) in dependants
    if product.faq:
        faq = page.find(id="duvidas")
        assert [text_of(s) for s in faq.select("summary")] == [squeeze(i.question) for i in product.faq]
    contacts = text_of(page.find(id="contatos"))
    for contact in catalog_file.operator.contacts + product.contacts:
        assert squeeze(contact.value) in contacts


def test_cassems_has_no_exclusions_and_sintaema_no_faq(client):
    cassems = client.page("/planos/cassems-odonto")
    assert cassems.find(id="exclusoes") is None
    assert "O documento não diz quem pode ser dependente" in text_of(cassems.find(id="dependentes"))
    assert cassems.find(id="duvidas") is not None
    for slug in ("sintaema-convencional", "sintaema-integral", "sintaema-master"):
        page = client.page(f"/planos/{slug}")
        assert page.find(id="duvidas") is None and page.find("a", href="#duvidas") is None


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_overview_has_the_coverage_map_with_a_text_alternative(client, slug):
    page = client.page(f"/planos/{slug}")
    figure = page.select_one("#visao-geral figure.go-map")
    svg = figure.find("svg")
    assert svg["role"] == "img" and svg.find("title").get_text(strip=True).startswith("Área de cobertura")
    caption = text_of(figure.find("figcaption"))
    assert caption.startswith("Mapa da área de abrangência")
    if slug.startswith("sintaema"):
        assert "todo o Brasil" in caption
    elif slug == "leve-dental-rj-1-adesao":
        assert "Rio de Janeiro" in caption
    elif slug == "sao-cristovao-odontologico":
        assert "Guarulhos" in caption and "São Caetano do Sul" in caption


def copayment_row(page) -> str:
    for row in page.select("#visao-geral .go-summary__row"):
        if row.dt.get_text(strip=True) == "Coparticipação":
            return text_of(row.dd)
    raise AssertionError("sem linha de coparticipação")


def test_copayment_wording_follows_the_document(client):
    assert copayment_row(client.page("/planos/cassems-odonto")).startswith("Sem coparticipação.")
    leve = copayment_row(client.page("/planos/leve-dental-rj-1-adesao"))  # "se houver": not stated either way
    assert "Sem coparticipação" not in leve and "coparticipação, se houver" in leve
    for slug in ("sao-cristovao-odontologico", "sintaema-master"):
        assert copayment_row(client.page(f"/planos/{slug}")) == "O documento não trata de coparticipação"


def test_posso_fazer_box_is_a_get_form_to_the_coverage_search(client):
    page = client.page("/planos/leve-dental-rj-1-adesao")
    form = page.select_one("#coberturas form")
    assert form["method"] == "get" and form["action"] == "/planos/leve-dental-rj-1-adesao/coberturas"
    field = form.find("input", attrs={"name": "q"})
    assert page.find("label", attrs={"for": field["id"]}) is not None


def test_waiting_section_has_the_calculator_form(client):
    page = client.page("/planos/cassems-odonto")
    form = page.select_one("#carencias form")
    assert form["action"] == "/planos/cassems-odonto/carencias" and form["method"] == "get"
    assert form.find("input", attrs={"name": "inclusao", "type": "date"}) is not None
    assert page.find(id="suas-carencias") is None  # nobody signed in


def test_signed_in_member_is_sent_to_their_own_dates(client, sign_in, clock):
    holder = family_member(1, "Maria Souza", "titular", datetime(2026, 1, 10, tzinfo=TIMEZONE))
    child = family_member(2, "João Souza", "filho", datetime(2026, 2, 14, 16, 20, tzinfo=TIMEZONE))
    sign_in(member_of("cassems-odonto", holder, child))
    response = client.get("/planos/cassems-odonto")
    assert "private" in response.headers["Cache-Control"]
    page = client.page("/planos/cassems-odonto")
    mine = page.select_one("#carencias #suas-carencias")
    assert mine.find("a", href="/minhas-carencias") is not None
    assert "você e a sua família" in text_of(mine)
    # The dates themselves are on /minhas-carencias, no longer grouped here.
    assert "João Souza" not in text_of(page.select_one("#carencias"))
    assert "itens da tabela" not in text_of(page)


def test_a_member_alone_is_told_of_their_own_dates(client, sign_in, clock):
    sign_in(member_of("sintaema-master", family_member(1, "Ana", "titular", datetime(2026, 2, 10, tzinfo=TIMEZONE))))
    mine = client.page("/planos/sintaema-master").select_one("#suas-carencias")
    assert text_of(mine).startswith("As datas de cada uma das suas carências")


def test_member_of_another_plan_sees_the_public_page(client, sign_in, clock):
    sign_in(member_of("cassems-odonto", family_member(1, "Maria", "titular", datetime(2026, 1, 10, tzinfo=TIMEZONE))))
    page = client.page("/planos/leve-dental-rj-1-adesao")
    assert page.find(id="suas-carencias") is None
    assert page.find("a", href="/planos/cassems-odonto") is not None
