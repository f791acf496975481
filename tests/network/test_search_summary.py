"""A results page leads with its answer: the search folded into one line, the plan chosen for a
signed-in member, and a location search without a plan told what is missing (through HTTP)."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.members import LEVE_HOLDER_CPF, member_by_cpf, member_session

LEVE = "leve-dental-rj-1-adesao"
LEVE_NAME = "LEVE DENTAL RJ 1 Adesão"
NITEROI = "3303302"
ICARAI = "lat=-22.9035&lon=-43.1094"


def fold(page):
    return page.select_one("details.go-search-fold")


def summary_text(page):
    return " ".join(fold(page).summary.get_text(" ", strip=True).split())


def test_a_municipality_search_folds_the_form_into_a_line_above_the_results(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&especialidade=endodontia")
    details = fold(page)
    assert details is not None and not details.has_attr("open")
    assert summary_text(page) == f"Endodontia · perto de Niterói/RJ · {LEVE_NAME} — Alterar a busca"
    form = details.find("form", id="buscar")  # the whole form is still there, folded
    assert form is not None and form.select_one("#plano option[selected]")["value"] == LEVE
    assert form.select_one("#cidade")["value"] == "Niterói/RJ"
    # Nothing between the line and the results but their heading; the map comes after the list.
    order = [el for el in page.select("details.go-search-fold, .go-result, .go-map")]
    assert order[0] is details and "go-result" in order[1]["class"] and "go-map" in order[-1]["class"]


def test_a_location_search_says_near_you_and_keeps_the_point_in_the_folded_form(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&{ICARAI}&urgencia=1&q=canal")
    assert summary_text(page) == f"“canal” · urgência 24 h · perto de você, em Niterói/RJ · {LEVE_NAME} — Alterar a busca"
    hidden = {i["name"]: i["value"] for i in fold(page).select("input[type=hidden]")}
    assert hidden == {"lat": "-22.90350", "lon": "-43.10940"}


def test_a_typed_city_wins_over_the_point_the_folded_form_keeps(client, small_network):
    # After a location search, "Alterar" and a typed city: the form sends both.
    response = client.get(f"/rede?plano={LEVE}&lat=-23.5505&lon=-46.6333&cidade=niteroi")
    assert response.status_code == 303
    assert parse_qs(urlparse(response.headers["Location"]).query) == {"plano": [LEVE], "municipio": [NITEROI]}


def test_the_form_stays_open_without_an_answer_yet(client, small_network):
    assert fold(client.page("/rede")) is None and client.page("/rede").find("form", id="buscar")
    assert fold(client.page(f"/rede?plano={LEVE}")) is None
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&pagina=0", status=400)  # an error: open
    assert fold(page) is None and page.find("form", id="buscar")
    page = client.page(f"/rede?plano={LEVE}&municipio={NITEROI}&q=ninguem-com-esse-nome")
    assert fold(page).has_attr("open") and page.select(".go-result") == []


def test_the_city_choice_comes_right_after_the_folded_line(client):
    page = client.page(f"/rede?plano={LEVE}&cidade=Campo+Grande")
    assert not fold(page).has_attr("open")
    assert summary_text(page) == f"em “Campo Grande” · {LEVE_NAME} — Alterar a busca"
    assert fold(page).find_next_sibling()["aria-labelledby"] == "escolha-title"


@pytest.mark.parametrize(("query", "where"), [
    (ICARAI, "perto da sua localização"),
    (f"municipio={NITEROI}", "perto de Niterói/RJ"),
    ("cidade=niteroi", "em “niteroi”"),
])
def test_a_search_without_a_plan_says_so_at_the_plan_field(client, small_network, query, where):
    page = client.page(f"/rede?{query}&especialidade=endodontia", status=400)
    message = f"Escolha o seu plano para ver os dentistas da rede {where}."
    assert message in page.select_one(".go-error-summary").get_text()
    field = page.select_one("#plano").find_parent(class_="go-field")
    assert "go-field--error" in field["class"] and message in field.select_one(".go-field__error").get_text()
    assert page.select_one("#plano")["aria-describedby"] == "plano-error"
    form = page.find("form", id="buscar")
    assert form.select_one("#especialidade option[selected]")["value"] == "endodontia"  # nothing typed is lost
    if query == ICARAI:  # the point waits in the form for the plan
        assert {i["name"]: i["value"] for i in form.select("input[type=hidden]")} == {"lat": "-22.90350",
                                                                                     "lon": "-43.10940"}
    else:
        assert form.select_one("#cidade")["value"] in ("Niterói/RJ", "niteroi")


def test_the_geolocation_button_has_its_missing_plan_message_ready(client):
    page = client.page("/rede")
    message = page.select_one("#plano-falta")
    assert message.has_attr("hidden") and message["role"] == "alert"
    assert "Escolha o seu plano" in message.get_text()


def test_a_signed_in_member_finds_the_plan_chosen(client, families, small_network):
    member_session(client, member_by_cpf(families, LEVE_HOLDER_CPF))
    page = client.page("/rede")
    assert page.select_one("#plano option[selected]")["value"] == LEVE
    # A place without a plan: the member's plan goes into the URL, the rest of the search kept.
    response = client.get(f"/rede?{ICARAI}&especialidade=endodontia")
    assert response.status_code == 303
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query == {"plano": [LEVE], "lat": ["-22.90350"], "lon": ["-43.10940"], "especialidade": ["endodontia"]}
    assert client.get("/rede?cidade=niteroi").headers["Location"].endswith(f"plano={LEVE}&cidade=niteroi")
    # A plan in the URL is kept, even another one.
    page = client.page(f"/rede?plano=sintaema-master&municipio={NITEROI}")
    assert page.select_one("#plano option[selected]")["value"] == "sintaema-master"


def test_anonymous_pages_choose_no_plan(client):
    assert client.page("/rede").select_one("#plano option[selected]") is None
