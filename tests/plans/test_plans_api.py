"""JSON twins of the plan pages: /api/v1/planos/<slug> and /api/v1/planos/<slug>/carencias,
valid against the OpenAPI document."""

import re

import pytest
from openapi_spec_validator import validate as validate_spec

from tests.support.api import validator
from tests.support.databases import BACKENDS
from webapp.plans.catalog import read_catalog
from webapp.plans.schema import PRODUCT_SLUGS

CATALOG = {p.slug: (f, p) for _, f in read_catalog().files for p in f.products}


def test_the_openapi_document_describes_the_plan_endpoints(spec):
    validate_spec(spec)
    assert {"/api/v1/planos/{slug}", "/api/v1/planos/{slug}/carencias"} <= set(spec["paths"])
    assert {"/api/v1/rede", "/api/v1/rede/dentista/{id}"} <= set(spec["paths"])  # the network's are kept
    waiting = spec["paths"]["/api/v1/planos/{slug}/carencias"]["get"]
    assert {"200", "400", "404"} <= set(waiting["responses"])
    assert any(p["name"] == "inclusao" and p["required"] for p in waiting["parameters"])


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_plan_summary_follows_the_catalog(client, spec, slug):
    catalog_file, product = CATALOG[slug]
    response = client.get(f"/api/v1/planos/{slug}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    validator(spec, "Plano").validate(body)
    assert body["slug"] == slug and body["nome"] == product.name
    assert body["operadora"] == {"nome": catalog_file.operator.name, "registro_ans": catalog_file.operator.ans_number}
    assert body["registro_ans"] == product.ans_registration
    assert body["tipo_contratacao"] == product.contract_type
    assert body["segmentacao"] == product.segmentation
    area = product.coverage_area
    assert body["abrangencia"]["descricao"] == area.description
    assert body["abrangencia"]["ufs"] == sorted(area.states)
    assert [m["codigo_ibge"] for m in body["abrangencia"]["municipios"]] == list(area.municipalities)
    if product.copayment is None:
        assert body["coparticipacao"] is None
    else:
        assert body["coparticipacao"]["aplica"] is product.copayment.applies
    # The same sections as the page.
    page = client.page(f"/planos/{slug}")
    assert body["secoes"] == [s["id"] for s in page.select("section.go-section") if s["id"] != "visao-geral"]
    assert body["url"].endswith(f"/planos/{slug}")


def test_municipality_group_lists_ibge_codes_names_and_uf(client, spec):
    body = client.get("/api/v1/planos/sao-cristovao-odontologico").get_json()
    assert body["abrangencia"]["tipo"] == "municipios"
    assert {"codigo_ibge": 3518800, "nome": "Guarulhos", "uf": "SP"} in body["abrangencia"]["municipios"]
    cassems = client.get("/api/v1/planos/cassems-odonto").get_json()
    assert cassems["coparticipacao"]["aplica"] is False and "exclusoes" not in cassems["secoes"]
    assert client.get("/api/v1/planos/sintaema-master").get_json()["abrangencia"]["tipo"] == "nacional"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_waiting_periods_for_an_inclusion_date(client, spec):
    body = client.get("/api/v1/planos/cassems-odonto/carencias?inclusao=2026-01-10").get_json()
    validator(spec, "Carencias").validate(body)
    assert body["plano"] == "cassems-odonto" and body["inclusao"] == "2026-01-10"
    assert body["itens"] == [
        {"procedimento": "60 dias para todos os procedimentos odontológicos", "categoria": None,
         "carencia": {"dias": 60}, "liberado_em": "2026-03-11T00:00:00-03:00"},
        {"procedimento": body["itens"][1]["procedimento"], "categoria": "Urgência e emergência",
         "carencia": {"horas": 24}, "liberado_em": "2026-01-11T00:00:00-03:00"},
    ]
    assert body["itens"][1]["procedimento"].startswith("Urgência e emergência")


@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_every_statement_with_the_documents_wording_and_a_sao_paulo_offset(client, spec, slug):
    _, product = CATALOG[slug]
    body = client.get(f"/api/v1/planos/{slug}/carencias?inclusao=2026-01-10").get_json()
    validator(spec, "Carencias").validate(body)
    assert [i["procedimento"] for i in body["itens"]] == [w.label for w in product.waiting_periods.items]
    for item, statement in zip(body["itens"], product.waiting_periods.items):
        period = statement.period
        assert item["carencia"] == ({"horas": period.hours} if period.hours is not None else {"dias": period.days})
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00", item["liberado_em"])
    if slug == "leve-dental-rj-1-adesao":
        assert body["itens"][0]["categoria"] == "Diagnóstico"


@pytest.mark.parametrize("query", ["", "?inclusao=", "?inclusao=10/01/2026", "?inclusao=2026-02-30",
                                   "?inclusao=2026-13-01", "?inclusao=1800-01-01", "?inclusao=x" + "9" * 500])
def test_bad_input_is_a_400_with_erro(client, spec, query):
    response = client.get(f"/api/v1/planos/cassems-odonto/carencias{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    validator(spec, "Erro").validate(body)
    assert body["erro"]


@pytest.mark.parametrize("url", ["/api/v1/planos/nao-existe", "/api/v1/planos/nao-existe/carencias?inclusao=2026-01-10",
                                 "/api/v1/planos/CASSEMS-ODONTO"])
def test_unknown_plan_is_a_json_404(client, spec, url):
    response = client.get(url)
    assert response.status_code == 404
    validator(spec, "Erro").validate(response.get_json())
    assert response.get_json()["erro"] == "Plano não encontrado."


@pytest.mark.parametrize(("inclusion", "first"), [
    # São Paulo kept local mean time (−03:06:28) until 1914: that instant is written in UTC.
    ("1900-01-01", "1900-03-02T03:06:28Z"),
    ("1913-12-31", "1914-03-01T00:00:00-03:00"),  # days are counted on the wall clock
    ("2100-12-31", "2101-03-01T00:00:00-03:00"),
])
def test_release_moments_are_rfc3339_at_the_bounds_the_document_states(client, spec, inclusion, first):
    response = client.get(f"/api/v1/planos/cassems-odonto/carencias?inclusao={inclusion}")
    assert response.status_code == 200
    body = response.get_json()
    validator(spec, "Carencias").validate(body)
    assert body["itens"][0]["liberado_em"] == first
    for item in body["itens"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})", item["liberado_em"])
    parameter = next(p for p in spec["paths"]["/api/v1/planos/{slug}/carencias"]["get"]["parameters"]
                     if p["name"] == "inclusao")
    assert "de 1900-01-01 a 2100-12-31" in parameter["description"]
    assert re.fullmatch(parameter["schema"]["pattern"], inclusion)


@pytest.mark.parametrize("inclusion", ["1899-12-31", "2101-01-01"])
def test_dates_past_the_stated_bounds_are_refused(client, spec, inclusion):
    response = client.get(f"/api/v1/planos/cassems-odonto/carencias?inclusao={inclusion}")
    assert response.status_code == 400
    validator(spec, "Erro").validate(response.get_json())
    parameter = next(p for p in spec["paths"]["/api/v1/planos/{slug}/carencias"]["get"]["parameters"]
                     if p["name"] == "inclusao")
    assert not re.fullmatch(parameter["schema"]["pattern"], inclusion)
