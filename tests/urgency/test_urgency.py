"""/urgencia through HTTP: signed out (the plan choice, each plan's phone or the plain "the
document gives none"), a plan's page, signed in (the member's own plan, the 24 h search), bad
input; the installed app's shortcut and start page. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS, LEVE, demo_families, family_of, member_session
from tests.support.pages import text_of
from webapp.core import clock

URL = "/urgencia"
DISQUE_ANS = "tel:08007019656"
# From the catalog's documents (the expectation is typed here, not read from the catalog).
CASSEMS_LINE = "tel:08000000552"  # Viventeris, "24h por dia" (Central de atendimento)
SINTAEMA_GENERAL = "tel:1133292545"  # SINTAEMA, "Das 8h às 17h": no urgency line in the regulamento
NO_LINE = "O documento do plano não informa um telefone de urgência."
PLANS = ["cassems-odonto", "sintaema-convencional", "sintaema-integral", "sintaema-master",
         "sao-cristovao-odontologico", "leve-dental-rj-1-adesao"]


@pytest.fixture
def families(session):
    return demo_families(session, clock.today())


def search_query(link: str) -> dict:
    parts = urlsplit(link)
    assert parts.path == "/rede"
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def first_call(page):
    """The big button: the first tel: link of the page's content."""
    return page.select_one("main a.go-urgency__call")["href"]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_signed_out_the_plan_comes_first_with_every_plans_phone(client):
    page = client.page(URL)
    form = page.select_one("form.go-urgency__choose")
    assert form["method"] == "get" and form["action"] == URL
    assert sorted(o["value"] for o in form.select("select#plano option") if o["value"]) == sorted(PLANS)
    straight = form.select_one("button[formaction]")  # one step to the 24 h search
    assert straight["formaction"] == "/rede" and (straight["name"], straight["value"]) == ("urgencia", "1")
    phones = {li["id"].removeprefix("telefone-"): li for li in page.select("#telefones li[id]")}
    assert set(phones) == set(PLANS)
    assert [a["href"] for a in phones["cassems-odonto"].select("a")] == [CASSEMS_LINE]
    assert NO_LINE not in text_of(phones["cassems-odonto"])
    for slug in ("sintaema-convencional", "sintaema-integral", "sintaema-master"):
        assert NO_LINE in text_of(phones[slug]) and [a["href"] for a in phones[slug].select("a")] == [SINTAEMA_GENERAL]
    for slug in ("leve-dental-rj-1-adesao", "sao-cristovao-odontologico"):  # no phone at all in the document
        assert NO_LINE in text_of(phones[slug]) and phones[slug].select("a") == []
    assert DISQUE_ANS in [a["href"] for a in page.select("#telefones a")]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("slug", "call", "says_none"), [
    ("cassems-odonto", CASSEMS_LINE, False),
    ("sintaema-master", SINTAEMA_GENERAL, True),
    ("leve-dental-rj-1-adesao", DISQUE_ANS, True),
    ("sao-cristovao-odontologico", DISQUE_ANS, True),
])
def test_a_plans_page_calls_its_line_or_says_there_is_none(client, slug, call, says_none):
    page = client.page(f"{URL}?plano={slug}")
    assert first_call(page) == call
    assert (NO_LINE in text_of(page.select_one("main"))) is says_none
    assert DISQUE_ANS in [a["href"] for a in page.select("#canais a")]
    near = page.select_one(".go-urgency__near")
    link = near.select_one("a[href^='/rede']")["href"]
    assert search_query(link) == {"plano": slug, "urgencia": "1"}
    form = near.select_one("form")
    assert form["action"] == "/rede" and form["method"] == "get"
    assert {i["name"]: i["value"] for i in form.select("input[type=hidden]")} == {"plano": slug, "urgencia": "1"}
    assert form.select_one("input#cidade") is not None  # no JavaScript, no permission: the city


def test_when_urgency_is_covered_and_what_to_do_outside_the_area(client):
    leve = client.page("/urgencia?plano=leve-dental-rj-1-adesao")
    cover = text_of(leve.select_one("#cobertura"))
    assert "Desde quando: 24 horas depois da inclusão no plano" in cover and "cláusula 14.1" in cover
    away = text_of(leve.select_one("#fora-da-area"))
    assert "Estado do Rio de Janeiro" in away and "reembolsar" in away and "cláusulas 14.2 a 14.8" in away
    assert leve.select_one("#fora-da-area a[href='/planos/leve-dental-rj-1-adesao#reembolso']")
    sintaema = text_of(client.page("/urgencia?plano=sintaema-master").select_one("#cobertura"))
    assert "Desde quando: sem carência" in sintaema and "art. 13, II" in sintaema
    cassems = text_of(client.page("/urgencia?plano=cassems-odonto").select_one("#cobertura"))
    assert "Desde quando: 24 horas depois da inclusão no plano" in cassems  # not its 60 days for all


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_signed_in_the_members_own_plan_and_dates(client, families, frozen_clock):
    holder, spouse, child = family_of(families, CASSEMS)
    frozen_clock(clock.local(child.inclusion_at) + timedelta(hours=1))  # the child joined an hour ago
    member_session(client, holder)
    response = client.get(URL)
    assert response.headers["Cache-Control"] == "private, no-store"
    page = client.page(URL)
    assert first_call(page) == CASSEMS_LINE
    assert search_query(page.select_one(".go-urgency__near a[href^='/rede']")["href"]) == {
        "plano": "cassems-odonto", "urgencia": "1"}
    people = [text_of(li) for li in page.select(".go-urgency__people li")]
    assert [p.split(":")[0] for p in people] == [holder.name, spouse.name, child.name]
    assert "coberta desde" in people[0] and "coberta a partir de" in people[2]  # 24 h from inclusion
    assert "trocar de plano" not in text_of(page.select_one(".go-urgency__plan"))


def test_a_dependant_sees_only_themself(client, families):
    holder, spouse, child = family_of(families, LEVE)
    member_session(client, spouse)
    page = client.page(URL)
    assert [text_of(li).split(":")[0] for li in page.select(".go-urgency__people li")] == [spouse.name]
    assert holder.name not in page.get_text() and child.name not in page.get_text()


@pytest.mark.parametrize("bad", ["nao-existe", "leve-dental-rj-1-adesao%00", "x" * 500, "<script>"])
def test_an_unknown_plan_is_a_400_in_portuguese_with_the_choice_again(client, bad):
    page = client.page(f"{URL}?plano={bad}", status=400)
    assert "Plano desconhecido. Escolha o seu plano na lista." in text_of(page.select_one(".go-error-summary"))
    assert page.select_one("form.go-urgency__choose select#plano") is not None


def test_the_installed_apps_shortcut_and_start_page(client):
    manifest = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))
    assert manifest["start_url"] == "/"
    assert {s["name"]: s["url"] for s in manifest["shortcuts"]}["Urgência"] == URL
    worker = client.get("/sw.js").get_data(as_text=True)
    assert 'const URGENCY = "/urgencia";' in worker and 'const HOME = "/";' in worker
    assert 'const URGENCY_PAGES = ["/urgencia"];' in worker
