""""Posso fazer?" — /planos/<slug>/coberturas?q=…, as a page and as an htmx fragment."""

from datetime import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.support.databases import BACKENDS
from tests.support.pages import text_of
from tests.support.plans import family_member, member_of
from webapp.core.clock import TIMEZONE

LEVE = "leve-dental-rj-1-adesao"
MASTER = "sintaema-master"
HTMX = {"HX-Request": "true", "HX-Target": "resultados-cobertura"}


def answers(page) -> dict[str, dict[str, str]]:
    """Covered answers by wording: {fact name: fact text}, plus the network link."""
    out = {}
    for li in page.select(".go-answer[id^=cobertura-]"):
        facts = {text_of(f.dt): text_of(f.dd) for f in li.select(".go-answer__fact")}
        facts["rede"] = li.select_one(".go-answer__action a")["href"]
        facts["pessoas"] = [text_of(p) for p in li.select(".go-answer__people li")]
        out[text_of(li.h3)] = facts
    return out


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_canal_on_leve_lists_endodontic_treatments_with_180_days(client):
    page = client.page(f"/planos/{LEVE}/coberturas?q=canal")
    found = answers(page)
    endo = {w: f for w, f in found.items() if w.startswith("Tratamento endodôntico") and "decíduo" not in w}
    assert len(endo) >= 3
    for wording, facts in endo.items():
        assert facts["Cobertura"] == "Coberto", wording
        assert facts["Carência"] == "180 dias", wording
        assert facts["Categoria"] == "Endodontia", wording
        query = parse_qs(urlparse(facts["rede"]).query)
        assert urlparse(facts["rede"]).path == "/rede"
        assert query == {"plano": [LEVE], "especialidade": ["endodontia"]}, wording
    # LEVE 15.5.4: elective procedures need prior authorization; the page cites the clause.
    assert all(f["Autorização prévia"].startswith("sim") and "15.5.4" in f["Autorização prévia"]
               for f in endo.values())


@pytest.mark.parametrize("query", ["implante", "IMPLANTE", "Implânte", "implantes"])
def test_implante_on_leve_is_excluded_citing_the_exclusion(client, query):
    page = client.page(f"/planos/{LEVE}/coberturas?q={query}")
    section = page.find(id="resposta-exclusoes").parent
    text = text_of(section)
    assert "O plano não cobre" in text and "Excluído" in text
    assert "Implantes, próteses sobre implantes e transplantes." in text
    assert "(cláusula 11.1, g)" in text
    assert not [w for w in answers(page) if "mplant" in w]


@pytest.mark.parametrize("query", ["aparelho", "APARELHO", "Aparêlho"])
def test_aparelho_on_sintaema_master_shows_orthodontics_with_90_days(client, query):
    page = client.page(f"/planos/{MASTER}/coberturas?q={query}")
    ortho = {w: f for w, f in answers(page).items() if f["Categoria"] == "Ortodontia"}
    assert ortho
    for wording, facts in ortho.items():
        assert facts["Cobertura"] == "Coberto" and facts["Carência"] == "90 dias", wording
        assert "especialidade=ortodontia" in facts["rede"]
        # SINTAEMA's regulation says nothing about prior authorization: nothing is said.
        assert "Autorização prévia" not in facts
    assert "Autorização prévia" not in text_of(page.select_one("main"))


def test_aparelho_on_leve_cites_the_orthodontics_exclusion(client):
    page = client.page(f"/planos/{LEVE}/coberturas?q=aparelho")
    assert not answers(page)
    assert "“Ortodontia.” (cláusula 11.1, i)" in text_of(page.find(id="resposta-exclusoes").parent)
    unlisted = text_of(page.find(id="resposta-fora").parent)
    assert "Tratamento ortodôntico" in unlisted and "Excluído" in unlisted


def test_sao_cristovao_requires_prior_authorization_for_everything(client):
    page = client.page("/planos/sao-cristovao-odontologico/coberturas?q=canal")
    found = answers(page)
    assert found and all(f["Autorização prévia"] == "sim (cláusula 22)" for f in found.values())


def test_leve_urgency_procedure_needs_no_authorization_in_an_emergency(client):
    found = answers(client.page(f"/planos/{LEVE}/coberturas?q=pulpectomia"))
    assert found["Pulpectomia"]["Autorização prévia"].startswith("não em urgência ou emergência")
    assert found["Pulpectomia"]["Carência"] == "24 horas"


def test_cassems_says_nothing_about_authorization(client):
    page = client.page("/planos/cassems-odonto/coberturas?q=canal")
    assert answers(page) and "Autorização prévia" not in text_of(page.select_one("main"))


def test_procedure_without_a_stated_period_says_so(client):
    # São Cristóvão lists crowns under "Próteses" (10.16) but gives prostheses no waiting period.
    found = answers(client.page("/planos/sao-cristovao-odontologico/coberturas?q=coroa"))
    assert found["Coroa Total Metálica"]["Carência"] == "o documento não informa"


def test_no_match_is_a_helpful_message(client):
    page = client.page(f"/planos/{LEVE}/coberturas?q=xyzzy")
    notice = page.select_one("#resultados-cobertura .go-notice")
    assert "Nada encontrado para “xyzzy”" in text_of(notice)
    assert notice.find("a", href=f"/planos/{LEVE}#coberturas") is not None


def test_empty_query_is_just_the_form(client):
    page = client.page(f"/planos/{LEVE}/coberturas")
    assert page.h1.get_text(strip=True) == "Posso fazer?"
    form = page.select_one("form.go-ask")
    assert form["action"] == f"/planos/{LEVE}/coberturas" and form["method"] == "get"
    assert form.find("button", type="submit") is not None
    assert text_of(page.select_one("#resultados-cobertura")) == ""
    spaces = client.page(f"/planos/{LEVE}/coberturas?q=%20%20")
    assert text_of(spaces.select_one("#resultados-cobertura")) == ""


def test_too_long_query_is_a_400_in_portuguese(client):
    page = client.page(f"/planos/{LEVE}/coberturas?q=" + "a" * 101, status=400)
    summary = page.select_one(".go-error-summary")
    assert "no máximo 100 caracteres" in text_of(summary)
    assert summary.find("a", href="#q") is not None
    client.page(f"/planos/{LEVE}/coberturas?q=" + "a" * 100)  # the limit itself is fine


def test_unknown_product_is_a_404(client):
    client.page("/planos/nao-existe/coberturas?q=canal", status=404)


def test_the_search_box_asks_htmx_for_the_results_block(client):
    page = client.page(f"/planos/{LEVE}/coberturas?q=canal")
    field = page.find("input", attrs={"name": "q"})
    assert field["value"] == "canal"
    assert field["hx-get"] == f"/planos/{LEVE}/coberturas"
    assert field["hx-target"] == "#resultados-cobertura"
    assert "delay:" in field["hx-trigger"] and field["hx-replace-url"] == "true"


def test_htmx_gets_only_the_results_fragment(client):
    response = client.get(f"/planos/{LEVE}/coberturas?q=canal", headers=HTMX)
    assert response.status_code == 200
    assert {"HX-Request", "HX-Target"} <= set(response.vary)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<h1" not in html
    fragment = BeautifulSoup(html, "html.parser")
    assert "180 dias" in text_of(fragment)
    assert fragment.select(".go-answer")


@pytest.mark.parametrize("headers", [
    {},
    {"HX-Request": "true", "HX-Target": "resultados-cobertura", "HX-History-Restore-Request": "true"},
    {"HX-Request": "true", "HX-Target": "resultados-cobertura", "HX-Boosted": "true"},
    {"HX-Request": "true", "HX-Target": "outra-coisa"},
])
def test_full_page_without_htmx_or_on_history_restore(client, headers):
    page = client.page(f"/planos/{LEVE}/coberturas?q=canal", headers=headers)
    assert page.h1.get_text(strip=True) == "Posso fazer?"
    assert page.select(".go-answer")


def test_signed_in_member_sees_when_each_procedure_is_free_for_the_family(client, sign_in, clock):
    holder = family_member(1, "Maria Souza", "titular", datetime(2025, 6, 1, tzinfo=TIMEZONE))
    child = family_member(2, "Ana Souza", "filho", datetime(2026, 1, 10, tzinfo=TIMEZONE))
    sign_in(member_of(LEVE, holder, child))
    response = client.get(f"/planos/{LEVE}/coberturas?q=canal")
    assert "private" in response.headers["Cache-Control"]
    found = answers(client.page(f"/planos/{LEVE}/coberturas?q=canal"))
    people = found["Tratamento endodôntico unirradicular em dentes permanentes"]["pessoas"]
    # 180 days: the holder (01/06/2025) is free; the child (10/01/2026) from 09/07/2026.
    assert people == ["Você (Maria Souza): liberado", "Ana Souza (filho ou filha): liberado a partir de 09/07/2026"]
    fragment = BeautifulSoup(client.get(f"/planos/{LEVE}/coberturas?q=canal", headers=HTMX).get_data(as_text=True),
                             "html.parser")
    assert "liberado a partir de 09/07/2026" in text_of(fragment)


def test_public_answers_have_no_personal_dates(client, clock):
    found = answers(client.page(f"/planos/{LEVE}/coberturas?q=canal"))
    assert all(f["pessoas"] == [] for f in found.values())
