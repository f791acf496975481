""""Posso fazer?" as the documents read it: one row per document clause (urgency lists, lay words,
exclusions, a procedure under two headings, worded variants of a table row), checked through the
HTML page and its JSON twin, on SQLite and PostgreSQL; the JSON validates against the OpenAPI
document.

Each row: (product, query, procedure id, the answer's wording, situacao, carencia, a fragment of
the clause or None, urgencia).  Sources: ../shared/seeds/ (see expected_waiting_periods.py).
"""

from urllib.parse import quote

import pytest

from tests.support.api import validator
from tests.support.databases import BACKENDS
from tests.support.pages import text_of

LEVE = "leve-dental-rj-1-adesao"
SC = "sao-cristovao-odontologico"
CASSEMS = "cassems-odonto"
CONV = "sintaema-convencional"
MASTER = "sintaema-master"
H24, NONE = {"horas": 24}, {"dias": 0}

ROWS = [
    # ------------------------------------------------ 1. urgency care is covered care
    # LEVE 14.1: "tratamento de alveolite, pericoronarite, pericementite" — not in the list 10.3.
    (LEVE, "pericoronarite", "tratamento-pericoronarite", "Tratamento de pericoronarite", "coberto", H24, "cláusula 14.1", True),
    (LEVE, "pericementite", "tratamento-pericementite", "Tratamento de pericementite", "coberto", H24, "cláusula 14.1", True),
    # LEVE 14.1 "Consulta de urgência": the list 10.3 names it, the table 13.3 does not; 24 h.
    (LEVE, "consulta odontológica de urgência em consultório", "consulta-odontologica-urgencia",
     "Consulta odontológica de urgência em consultório", "coberto", H24, "urgência: cláusula 14.1", True),
    # LEVE 13.3 (heading "Urgência") and 14.1 ("curativo em caso de odontalgia aguda/pulpectomia"):
    # outside the list 10.3, covered as urgency.
    (LEVE, "pulpectomia", "pulpectomia", "Pulpectomia", "coberto", H24, "cláusula 14.1", True),
    # SINTAEMA art. 13, II, a) "remoção de pus"; no waiting period for new members (art. 11).
    (CONV, "remoção de pus", "incisao-drenagem-intraoral",
     "Incisão e drenagem intraoral de abscesso, hematoma e/ou flegmão da região bucomaxilofacial",
     "coberto", NONE, "art. 13, II", True),
    # SINTAEMA art. 13, II, a) "cimentação de prótese que soltou": urgency, not the MASTER's 90 days.
    (MASTER, "cimentação de prótese", "recimentacao-trabalho-protetico", "Recimentação de trabalho protético",
     "coberto", NONE, "art. 13, II", True),
    # São Cristóvão 15.3 "Imobilização dentária temporária" (listed in 10.13): 24 h (14.1), not 90 days.
    (SC, "imobilização dentária", "imobilizacao-dentaria", "Imobilização Dentária Temporária ou Permanente",
     "coberto", H24, "urgência: cláusulas 15 a 17", True),
    # CASSEMS "URGÊNCIAS ODONTOLÓGICAS": 24 h (Dúvidas frequentes, 10).
    (CASSEMS, "pericoronarite", "tratamento-pericoronarite", "TRATAMENTO DE PERICORONARITE", "coberto", H24,
     "URGÊNCIAS ODONTOLÓGICAS", True),
    # ------------------------------------------------ 2. lay words mean what members mean
    (CASSEMS, "dentadura", "protese-total-removivel", "Prótese total removível (dentadura)", "nao-listado", None, None, False),
    (LEVE, "dentadura", "protese-total-removivel", "Prótese total removível (dentadura)", "nao-listado", None, None, False),
    (MASTER, "dentadura", "protese-parcial-removivel", "Prótese parcial removível", "nao-listado", None, None, False),
    # São Cristóvão 12.3 and 12.9: prostheses outside the coverage list are excluded.
    (SC, "dentadura", "protese-total-removivel", "Prótese total removível (dentadura)", "excluido", None,
     "cláusula 12.3; cláusula 12.9", False),
    (LEVE, "ponte", "protese-fixa", "Prótese parcial fixa (ponte)", "nao-listado", None, None, False),
    # ------------------------------------------------ 3. an exclusion is cited only for what it excludes
    # SINTAEMA art. 10, 3 (aesthetic only): a crown of the Rol is covered (art. 5º, § 1º) ...
    (CONV, "coroa", "coroa-total-metalica", "Coroa total metálica (dentes posteriores)", "coberto", NONE, "art. 5º, § 1º", False),
    # ... and a splint no list names is "não listado", not "Excluído (art. 10, 3)".
    (CONV, "placa de bruxismo", "ortese-miorrelaxante", "Órtese miorrelaxante (placa oclusal estabilizadora)",
     "nao-listado", None, None, False),
    # São Cristóvão 12.17 excludes radiographs "exceto as descritas na cobertura deste contrato":
    # those of 10.7 are covered, and so is one of the Rol, which clauses 1 and 10 make the coverage.
    (SC, "radiografia", "levantamento-radiografico", "Levantamento radiográfico (exame radiodôntico/periapical completo)",
     "coberto", {"dias": 60}, "cláusulas 1, 10 e 11", False),
    (SC, "radiografia", "radiografia-periapical", "Radiografia Periapical (Ponta de Raiz)", "coberto", {"dias": 60}, "Radiografias", False),
    # São Cristóvão 12.3/12.9 reach a crown outside 10.16, not the crowns it lists.
    (SC, "coroa", "coroa-aco-permanente", "Coroa de aço em dente permanente", "excluido", None, "cláusula 12.3", False),
    (SC, "coroa", "coroa-total-metalica", "Coroa Total Metálica", "coberto", None, "Próteses", False),
    # LEVE 11.1, i: "Ortodontia."
    (LEVE, "aparelho", "tratamento-ortodontico", "Tratamento ortodôntico", "excluido", None, "cláusula 11.1, i", False),
    # ------------------------------------------------ 4. same procedure, one answer; worded variants
    # São Cristóvão lists capeamento pulpar direto in 10.10 (Dentística, 60 d) and 10.14 (Endodontia, 90 d).
    (SC, "capeamento", "capeamento-pulpar-direto", "Capeamento Pulpar Direto", "coberto", {"dias": 60}, "Dentística e Endodontia", False),
    # LEVE 10.3 wordings matched to the 13.3 row that names them.
    (LEVE, "ionômero", "restauracao-ionomero-vidro", "Restauração em ionômero de vidro", "coberto", {"dias": 90}, None, False),
    (LEVE, "verniz", "aplicacao-verniz-fluoretado", "Aplicação tópica de verniz fluoretado", "coberto", {"dias": 60}, None, False),
    (LEVE, "reabilitação com coroa total metálica", "reabilitacao-coroa-total-metalica",
     "Reabilitação com coroa total metálica unitária- inclui a peça protética (com diretriz de utilização)",
     "coberto", {"dias": 180}, None, False),
]
IDS = [f"{r[0]}:{r[1]}:{r[2]}" for r in ROWS]


def period_text(carencia):
    if carencia is None:
        return "o documento não informa"
    if carencia == NONE:
        return "sem carência"
    return f"{carencia['horas']} horas" if "horas" in carencia else f"{carencia['dias']} dias"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("slug", "query", "procedure_id", "wording", "status", "carencia", "clause", "urgency"),
                         ROWS, ids=IDS)
def test_the_json_twin_answers_as_the_document_reads(client, spec, slug, query, procedure_id, wording, status,
                                                       carencia, clause, urgency):
    response = client.get(f"/api/v1/planos/{slug}/coberturas?q={quote(query)}")
    assert response.status_code == 200
    body = response.get_json()
    validator(spec, "Coberturas").validate(body)
    assert body["plano"] == slug and body["consulta"] == query
    (item,) = [i for i in body["itens"] if i["procedimento"] == wording]
    assert item["situacao"] == status and item["carencia"] == carencia and item["urgencia"] is urgency
    if clause is not None:
        assert clause in item["clausula"]
    elif status == "nao-listado":
        assert item["clausula"] is None
    assert "liberado_em" not in item


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("slug", "query", "procedure_id", "wording", "status", "carencia", "clause", "urgency"),
                         ROWS, ids=IDS)
def test_the_page_answers_as_the_document_reads(client, slug, query, procedure_id, wording, status, carencia,
                                                 clause, urgency):
    page = client.page(f"/planos/{slug}/coberturas?q={quote(query)}")
    main = text_of(page.select_one("main"))
    assert "não está no Rol" not in main and "não estão no Rol" not in main
    if status == "coberto":
        li = page.find(id=f"cobertura-{procedure_id}")
        assert text_of(li.h3) == wording
        facts = {text_of(f.dt): text_of(f.dd) for f in li.select(".go-answer__fact")}
        assert facts["Cobertura"].startswith("Coberto")
        assert facts["Carência"] == period_text(carencia)
        assert ("Urgência" in facts) is urgency
        if clause is not None:
            assert clause in facts["Onde diz"]
    else:
        li = page.find(id=f"fora-{procedure_id}")
        assert text_of(li).startswith(wording)
        label = "Excluído" if status == "excluido" else "Não listado"
        assert li.select_one(".go-status").get_text(strip=True) == label
        if clause is not None:
            for reference in clause.split("; "):
                assert f"{reference})" in text_of(li)


def test_sintaema_aesthetic_exclusion_answers_whitening_only(client):
    whitening = client.get(f"/api/v1/planos/{CONV}/coberturas?q=clareamento").get_json()
    assert any(i["situacao"] == "excluido" and i["clausula"] == "art. 10, 3" for i in whitening["itens"])
    for query in ("coroa", "placa de bruxismo", "dentadura", "prótese"):
        body = client.get(f"/api/v1/planos/{CONV}/coberturas?q={quote(query)}").get_json()
        assert not [i for i in body["itens"] if "art. 10, 3" in (i["clausula"] or "")], query


def test_a_covering_exception_is_not_shown_as_a_blanket_exclusion(client):
    # São Cristóvão 12.17 saves the radiographs of 10.7: "radiografia" is not answered "O plano não cobre".
    page = client.page(f"/planos/{SC}/coberturas?q=radiografia")
    assert page.find(id="resposta-exclusoes") is None
    implant = client.page(f"/planos/{SC}/coberturas?q=implante")
    assert "(cláusula 12.3)" in text_of(implant.find(id="resposta-exclusoes").parent)


def test_two_headings_show_both_statements_and_the_rule_chosen(client):
    page = client.page(f"/planos/{SC}/coberturas?q=capeamento")
    more = text_of(page.find(id="cobertura-capeamento-pulpar-direto").select_one(".go-answer__more"))
    assert "Listado em 2 títulos: Dentística; Endodontia" in more
    assert "Dentística (restaurações)” — 60 dias" in more and "Endodontia (canal)” — 90 dias" in more
    assert "Vale o menor prazo, 60 dias" in more and "art. 47" in more


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_json_with_an_inclusion_date_gives_each_release_moment(client, spec):
    body = client.get(f"/api/v1/planos/{LEVE}/coberturas?q=canal&inclusao=2026-01-10").get_json()
    validator(spec, "Coberturas").validate(body)
    # "Retratamento endodôntico" as São Cristóvão words it is not in LEVE's list: items differ.
    assert body["resposta"]["situacao"] == "depende"
    first = body["itens"][0]
    # The most relevant first: a permanent tooth, not the deciduous one.
    assert first["procedimento"].startswith("Tratamento endodôntico") and "decíduo" not in first["procedimento"]
    assert first["carencia"] == {"dias": 180} and first["liberado_em"] == "2026-07-09T00:00:00-03:00"
    assert first["autorizacao_previa"] is True
    assert "O mais provável: Coberto: " + first["procedimento"] in body["resposta"]["resumo"]
    urgent = client.get(f"/api/v1/planos/{LEVE}/coberturas?q=pericoronarite&inclusao=2026-01-10").get_json()
    (item,) = [i for i in urgent["itens"] if i["procedimento"] == "Tratamento de pericoronarite"]
    assert item["liberado_em"] == "2026-01-11T00:00:00-03:00" and item["autorizacao_previa"] is False


def test_json_status_depends_when_items_differ(client, spec):
    body = client.get(f"/api/v1/planos/{SC}/coberturas?q=coroa").get_json()
    validator(spec, "Coberturas").validate(body)
    assert body["resposta"]["situacao"] == "depende"
    assert body["resposta"]["resumo"].startswith("Depende do procedimento (")
    implant = client.get(f"/api/v1/planos/{LEVE}/coberturas?q=implante").get_json()
    assert implant["resposta"]["situacao"] == "excluido"
    assert implant["itens"][0]["clausula"] == "cláusula 11.1, g"


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=" + "a" * 101, "?q=canal%00", "?q=canal&inclusao=",
                                   "?q=canal&inclusao=10/01/2026", "?q=canal&inclusao=2026-02-30",
                                   "?q=canal&inclusao=1899-12-31"])
def test_bad_input_is_a_400_with_erro(client, spec, query):
    response = client.get(f"/api/v1/planos/{LEVE}/coberturas{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    validator(spec, "Erro").validate(response.get_json())
    assert response.get_json()["erro"]


def test_unknown_plan_is_a_json_404(client, spec):
    response = client.get("/api/v1/planos/nao-existe/coberturas?q=canal")
    assert response.status_code == 404
    validator(spec, "Erro").validate(response.get_json())


def test_the_openapi_document_describes_the_coverage_endpoint(spec):
    operation = spec["paths"]["/api/v1/planos/{slug}/coberturas"]["get"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["q"]["required"] and params["q"]["schema"]["maxLength"] == 100
    assert not params["inclusao"]["required"]
