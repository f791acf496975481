""""Informar erro nestes dados": post/redirect/get to a confirmation in the form's place, with or
without htmx, errors shown in place, and which of the provider's locations is wrong (stored on
both databases)."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.support.databases import BACKENDS
from tests.support.network import network_rows, row, write_csv
from tests.support.clock import TODAY
from tests.support.pages import check_page, csrf
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Location, Provider

HTMX = {"HX-Request": "true", "HX-Target": "informar-erro"}


@pytest.fixture
def two_places(session, tmp_path, small_network):
    """Dra. Ana Endo (N1) also works in Rio de Janeiro: a provider with two locations."""
    second = row(provider_key="N1", location_key="N1-L2", name="Dra. Ana Endo", specialties="endodontia",
                 street="Rua da Assembleia", number="10", complement="", neighbourhood="Centro", cep="20011-000",
                 municipality_ibge="3304557", latitude="-22.9048", longitude="-43.1760",
                 products="leve-dental-rj-1-adesao", network_since="2026-10-01")
    first = next(r for r in network_rows() if r["provider_key"] == "N1")
    report = import_network(session, write_csv(tmp_path / "dois.csv", [first, second]), today=TODAY)
    assert report.rejects == []
    session.flush()
    pid = small_network["N1"]
    locations = {loc.key: loc.id for loc in session.scalars(select(Location).where(Location.provider_id == pid))}
    return pid, locations


def page_url(client, pid):
    return client.get(f"/rede/dentista/{pid}").headers["Location"]


def test_the_answer_replaces_the_form_where_it_was(client, small_network):
    pid = small_network["N3"]
    url = page_url(client, pid)
    page = client.page(url)
    assert page.select_one("#informar-erro form")["action"] == f"/rede/dentista/{pid}/erro#informar-erro"
    assert "Obrigado" not in page.get_text()
    response = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "horario-errado", "csrf_token": csrf(client, url)})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == url + "?enviado=1#erro-enviado"
    page = client.page(location.split("#")[0])
    answer = page.select_one("#informar-erro #erro-enviado")
    assert answer["role"] == "status" and answer["tabindex"] == "-1" and answer["data-module"] == "take-focus"
    assert "Obrigado!" in answer.get_text()
    assert page.get_text().count("Obrigado") == 1  # only there, not at the top of the page
    assert page.select_one("#informar-erro form") is None  # nothing to send twice by mistake
    assert answer.select_one("a")["href"] == url + "#informar-erro"  # another report, on purpose


def test_through_htmx_the_section_alone_comes_back(client, small_network):
    pid = small_network["N3"]
    url = page_url(client, pid)
    form = client.page(url).select_one("#informar-erro form")
    assert form["hx-post"] == f"/rede/dentista/{pid}/erro"
    assert (form["hx-target"], form["hx-swap"]) == ("#informar-erro", "outerHTML")
    response = client.post(form["hx-post"], headers=HTMX, data={"motivo": "fechado", "csrf_token": csrf(client, url)})
    assert response.status_code == 303
    # The browser follows the redirect with the same htmx headers: the section, not the page.
    answer = client.get(response.headers["Location"].split("#")[0], headers=HTMX)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in body and "<h1" not in body
    assert body.lstrip().startswith('<section class="go-section go-report" id="informar-erro"')
    assert 'id="erro-enviado"' in body and "Obrigado!" in body
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in answer.headers["Vary"].split(",")}


@pytest.mark.parametrize("htmx", [False, True])
def test_a_report_with_errors_comes_back_in_place_with_what_was_typed(client, session, small_network, htmx):
    pid = small_network["N3"]
    url = page_url(client, pid)
    data = {"csrf_token": csrf(client, url), "detalhe": "Mudou de sala"}
    response = client.post(f"/rede/dentista/{pid}/erro", data=data, headers=HTMX if htmx else {})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    if htmx:
        assert "<html" not in body and response.headers["HX-Reswap"] == "outerHTML"
        section = BeautifulSoup(body, "html.parser").select_one("#informar-erro")
    else:
        assert "HX-Reswap" not in response.headers
        section = check_page(body, response.headers.get("Content-Security-Policy")).select_one("#informar-erro")
    summary = section.select_one(".go-error-summary")
    assert summary.select_one("a")["href"] == "#motivo-nao-atende-plano"
    assert "Escolha o que está errado." in summary.get_text()
    assert section.select_one("textarea[name=detalhe]").get_text() == "Mudou de sala"
    assert session.scalar(select(func.count()).select_from(DataReport)) == 0


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_reporter_says_which_location_is_wrong(client, session, two_places):
    pid, locations = two_places
    url = page_url(client, pid)
    options = {o["value"]: o.get_text(strip=True) for o in client.page(url).select("#informar-erro select[name=local] option")}
    assert options == {"": "Não sei ou vale para todos",
                       str(locations["N1-L1"]): "Rua Moreira César, 100 — Sala 201 — Niterói/RJ",
                       str(locations["N1-L2"]): "Rua da Assembleia, 10 — Rio de Janeiro/RJ"}
    token = csrf(client, url)
    response = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "endereco-errado", "local": str(locations["N1-L2"]),
                                                               "csrf_token": token})
    assert response.status_code == 303
    assert client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "outro", "local": "", "csrf_token": token}).status_code == 303
    stored = session.execute(select(DataReport.reason, DataReport.location_id).order_by(DataReport.id)).all()
    assert stored == [("endereco-errado", locations["N1-L2"]), ("outro", None)]


@pytest.mark.parametrize("local", ["abc", "²", "99999999999", "0"])
def test_a_location_not_of_this_provider_is_refused(client, session, two_places, local):
    pid, _ = two_places
    other = session.scalars(select(Location.id).join(Provider).where(Provider.key == "N3")).one()
    url = page_url(client, pid)
    for value in (local, str(other)):
        response = client.post(f"/rede/dentista/{pid}/erro", data={"motivo": "endereco-errado", "local": value,
                                                                   "csrf_token": csrf(client, url)})
        assert response.status_code == 400
        assert "Escolha um dos endereços da lista." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(DataReport)) == 0


def test_one_location_needs_no_choice(client, small_network):
    page = client.page(page_url(client, small_network["N3"]))
    assert page.select_one("#informar-erro select[name=local]") is None
