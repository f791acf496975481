"""The public JSON API: same results and order as /rede, valid against its OpenAPI document."""

import pytest
from openapi_spec_validator import validate as validate_spec

from tests.support.api import validator
from tests.support.databases import BACKENDS

LEVE = "leve-dental-rj-1-adesao"


def test_the_openapi_document_is_valid(spec):
    validate_spec(spec)
    assert {"/api/v1/rede", "/api/v1/rede/dentista/{id}"} <= set(spec["paths"])


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_api_gives_the_same_results_in_the_same_order_as_the_page(client, spec, small_network):
    query = f"plano={LEVE}&municipio=3303302"
    body = client.get(f"/api/v1/rede?{query}").get_json()
    validator(spec, "Busca").validate(body)
    page = client.page(f"/rede?{query}")
    page_ids = [int(a["href"].split("/rede/dentista/")[1].split("-")[0]) for a in page.select(".go-result__name a")]
    assert [r["id"] for r in body["resultados"]] == page_ids
    assert body["plano"] == LEVE and body["dentro_da_area"] is True and body["pagina"] == 1
    assert body["origem"]["municipio"] == {"codigo_ibge": 3303302, "nome": "Niterói", "uf": "RJ"}
    assert body["total"] == 26 and body["total_exato"] is True and body["tem_mais"] is True
    km = [r["distancia_km"] for r in body["resultados"]]
    assert km == sorted(km)
    second = client.get(f"/api/v1/rede?{query}&pagina=2").get_json()
    validator(spec, "Busca").validate(second)
    full = client.page(f"/rede?{query}&pagina=2")
    full_ids = [int(a["href"].split("/rede/dentista/")[1].split("-")[0]) for a in full.select(".go-result__name a")]
    assert [r["id"] for r in body["resultados"] + second["resultados"]] == full_ids


def test_out_of_area_is_flagged(client, spec, small_network):
    body = client.get(f"/api/v1/rede?plano={LEVE}&municipio=3550308").get_json()
    validator(spec, "Busca").validate(body)
    assert body["dentro_da_area"] is False and all(r["municipio"]["uf"] == "RJ" for r in body["resultados"])


def test_provider_endpoint(client, spec, small_network):
    body = client.get(f"/api/v1/rede/dentista/{small_network['N3']}").get_json()
    validator(spec, "Dentista").validate(body)
    assert body["nome"] == "Clínica Icaraí" and {p["plano"] for p in body["planos"]} == {LEVE, "sintaema-master"}
    assert "cpf" not in str(body).lower()


@pytest.mark.parametrize(
    "query",
    ["", f"plano={LEVE}", "plano=x&municipio=3303302", f"plano={LEVE}&lat=999&lon=0",
     f"plano={LEVE}&municipio=3303302&especialidade=x", f"plano={LEVE}&municipio=3303302&pagina=0",
     f"plano={LEVE}&municipio=3303302&q=" + "x" * 2000, f"plano={LEVE}&lat=-23&lon=-40"],
)
def test_bad_input_is_a_400_with_erro(client, spec, query):
    response = client.get(f"/api/v1/rede?{query}")
    assert response.status_code == 400
    validator(spec, "Erro").validate(response.get_json())


def test_unknown_provider_is_a_json_404(client, spec):
    response = client.get("/api/v1/rede/dentista/987654321")
    assert response.status_code == 404
    validator(spec, "Erro").validate(response.get_json())
