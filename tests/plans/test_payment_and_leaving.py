"""Rules about money and leaving the plan (issue 14, item 5): one row per document clause, on
the plan page (section #pagamento-e-cancelamento) and in the JSON twin (valid against the
OpenAPI document), on SQLite and PostgreSQL.  A topic the document does not address is said to
be so, on the page and in the JSON; nothing is shown that the table below does not hold."""

import pytest

from tests.support.api import validator
from tests.support.databases import BACKENDS
from tests.support.pages import text_of
from webapp.plans.schema import MONEY_TOPIC_IDS, PRODUCT_SLUGS
from webapp.plans.services import MONEY_TOPIC_TITLES

SINTAEMA = [  # the regulation is one for the three plans (CONVENCIONAL, INTEGRAL, MASTER)
    ("pagamento", "art. 16, I e II", "Na folha de salários"),
    ("pagamento", "art. 16, III a VII", "PIX"),
    ("atraso", "art. 5º, § 2º", "atraso na contribuição mensal de custeio por 60 (sessenta) dias, consecutivos "
                               "ou não, no ano civil de vigência"),
    ("atraso", "art. 16, § 1º", "multa prevista no Termo de Adesão"),
    ("atraso", "art. 16, § 1º, I a III", "Na terceira, mesmo com o pagamento do valor em aberto, não haverá retorno"),
    ("atraso", "art. 16, § 3º", "insuficiência de saldo"),
    ("reajuste", "art. 19", "sempre no mês de novembro e terá periodicidade anual"),
    ("reajuste", "art. 19, I e II", "acrescido do valor retroativo do mês do cálculo"),
    ("reajuste", "art. 20", "somente com base em índices definitivos"),
    ("cancelamento", "art. 5º, § 3º", "multa equivalente ao período restante ao término destes 12 meses"),
    ("cancelamento", "art. 5º, § 4º", "todo o grupo familiar será excluído imediatamente"),
    ("transferencia", "art. 8º, I", "exceção feita à urgência/emergência: 24 horas"),
    ("transferencia", "art. 8º, II", "não haverá cumprimento de carência quanto aos procedimentos cobertos"),
    ("vigencia", "art. 2º", "coincidirá com o contrato mantido entre ODONTOPREV e SINTAEMA"),
    ("vigencia", "art. 8º, I e II", "a permanência mínima no novo plano será de 12 meses"),
]

# product → (topic, clause, words of the document shown for it)
RULES = {
    "cassems-odonto": [
        ("pagamento", "Dúvidas frequentes, 08 e 09", "isento da franquia de 30%"),
        ("cancelamento", "Dúvidas frequentes, 15", "entrar em contato com a CASSEMS pelo telefone (67) 3314-1010"),
    ],
    "sintaema-convencional": SINTAEMA,
    "sintaema-integral": SINTAEMA,
    "sintaema-master": SINTAEMA,
    "sao-cristovao-odontologico": [
        ("pagamento", "cláusulas 32 e 33", "boleto bancário cuja data de vencimento é aquela especificada na "
                                           "Proposta de Adesão"),
        ("pagamento", "cláusula 48", "Taxa de Adesão"),
        ("pagamento", "cláusula 51", "não exonera o BENEFICIÁRIO TITULAR do pagamento da MENSALIDADE"),
        ("pagamento", "cláusulas 35 e 59", "NÃO É REAJUSTE"),
        ("atraso", "cláusula 34", "multa de 2% sobre o valor do débito em atraso"),
        ("atraso", "cláusulas 43.1 e 43.2", "notificado até o 50º (quinquagésimo) dia de inadimplência"),
        ("atraso", "cláusula 38.6", "comunicado até o 50º (qüinquagésimo) dia de atraso"),
        ("reajuste", "cláusula 37", "reajustados anualmente, a partir da data de aniversário do contrato"),
        ("reajuste", "cláusulas 36 e 60", "reajustes anuais autorizados pela Agência Nacional de Saúde Suplementar"),
        ("cancelamento", "cláusula 44", "10% (dez por cento) das mensalidades restantes"),
        ("cancelamento", "cláusulas 38.1 e 40", "deverá comunicar por escrito"),
        ("cancelamento", "cláusula 39", "não extingue o contrato"),
        ("transferencia", "cláusulas 45.1 e 45.2", "em dia com o pagamento das MENSALIDADES"),
        ("transferencia", "cláusulas 46 e 47", "após 12 (doze) meses do início da vigência"),
        ("vigencia", "cláusula 13", "vigência mínima de 1 (um) ano"),
        ("vigencia", "cláusula 13.1", "o que ocorrer primeiro"),
    ],
    "leve-dental-rj-1-adesao": [
        ("pagamento", "cláusula 16.2.1", "responsabilidade exclusiva da CONTRATANTE"),
        ("pagamento", "cláusula 16.2.4", "primeiro dia útil subsequente"),
        ("pagamento", "cláusulas 16.3.1 e 16.3.2", "Os boletos de cobrança de mensalidade serão disponibilizados"),
        ("atraso", "cláusulas 16.2.6 e 16.3.3", "juros de mora de 1% (um por cento) ao mês"),
        ("atraso", "cláusula 19.7", "a partir do 7º dia de atraso na mensalidade"),
        ("atraso", "cláusula 16.3.8", "no prazo de 30 (trinta) dias, desde que previamente informado"),
        ("atraso", "cláusulas 16.3.4 a 16.3.6", "prazo de 10 dias corridos para pagar integralmente o débito"),
        ("atraso", "cláusula 16.3.7", "decorridos 10 (dez) dias da última tentativa"),
        ("atraso", "cláusula 19.2", "15 (quinze) dias consecutivos ou 30 (trinta) intercalados"),
        ("reajuste", "cláusula 17.1", "na data de seu aniversário"),
        ("reajuste", "cláusulas 17.7 e 17.8", "primeiro reajuste integral na data de aniversário do contrato"),
        ("reajuste", "cláusula 12.1.1", "vedada a cobrança de taxa ou qualquer outro valor em razão da renovação"),
        ("cancelamento", "cláusula 19.1", "antecedência mínima de 60 (sessenta) dias"),
        ("cancelamento", "cláusula 19.4", "03 (três) contribuições integrais"),
        ("cancelamento", "cláusulas 8.15, 8.18.2 e 8.19", "cancelará a inscrição de seus respectivos dependentes"),
        ("transferencia", "cláusulas 9.1 e 9.2", "180 (cento e oitenta) dias para utilização dos novos benefícios"),
        ("transferencia", "cláusula 21.3", "será contabilizado o tempo de vigência do plano anterior"),
        ("vigencia", "cláusula 12.1", "vigência mínima de 24 (vinte e quatro) meses"),
        ("vigencia", "cláusula 12.2", "efetivo pagamento da primeira mensalidade"),
    ],
}


def page_rules(section) -> dict[str, list[str]]:
    """topic → the texts of its rules as the page shows them; [] for a topic shown as not addressed."""
    found = {}
    for topic in MONEY_TOPIC_IDS:
        block = section.find(id=f"pagamento-{topic}")
        assert text_of(block.h3) == MONEY_TOPIC_TITLES[topic]
        items = [text_of(li) for li in block.select("li")]
        if not items:
            assert text_of(block) == f"{MONEY_TOPIC_TITLES[topic]} O documento não trata disso."
        found[topic] = items
    return found


def test_every_product_has_a_row_table():
    assert set(RULES) == set(PRODUCT_SLUGS)
    assert tuple(MONEY_TOPIC_TITLES) == MONEY_TOPIC_IDS


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize("slug", PRODUCT_SLUGS)
def test_money_and_leaving_rules_on_the_page_and_in_the_json(client, spec, slug):
    table = RULES[slug]
    page = client.page(f"/planos/{slug}")
    assert page.find("a", href="#pagamento-e-cancelamento") is not None
    shown = page_rules(page.find(id="pagamento-e-cancelamento"))
    body = client.get(f"/api/v1/planos/{slug}").get_json()
    validator(spec, "Plano").validate(body)
    temas = {t["tema"]: t for t in body["pagamento_e_cancelamento"]["temas"]}
    assert list(temas) == list(MONEY_TOPIC_IDS)
    problems = []
    for topic in MONEY_TOPIC_IDS:
        expected = [(clause, words) for t, clause, words in table if t == topic]
        # The page: one item per clause, in the table's order, each ending with its clause.
        if [item.rsplit(" (", 1)[-1].rstrip(")") for item in shown[topic]] != [c for c, _ in expected]:
            problems.append((topic, "página", shown[topic]))
        for (clause, words), item in zip(expected, shown[topic]):
            if words not in item:
                problems.append((topic, clause, "página", words))
        # The JSON twin: the same clauses and words; a silent topic is documento_trata false.
        tema = temas[topic]
        if tema["documento_trata"] != bool(expected) or [r["clausula"] for r in tema["regras"]] != [
                c for c, _ in expected]:
            problems.append((topic, "json", tema))
        for (clause, words), rule in zip(expected, tema["regras"]):
            if words not in " ".join(rule["texto"].split()):
                problems.append((topic, clause, "json", words))
    assert problems == []


def test_the_issue_s_examples(client):
    """The examples the issue names, as a member reads them."""
    leve = text_of(client.page("/planos/leve-dental-rj-1-adesao").find(id="pagamento-atraso"))
    assert "(cláusula 16.3.8)" in leve and "(cláusula 19.7)" in leve
    sintaema = client.page("/planos/sintaema-master")
    assert "novembro" in text_of(sintaema.find(id="pagamento-reajuste"))
    assert "(art. 5º, § 2º)" in text_of(sintaema.find(id="pagamento-atraso"))
    sao = client.page("/planos/sao-cristovao-odontologico")
    assert "10% (dez por cento) das mensalidades restantes" in text_of(sao.find(id="pagamento-cancelamento"))
    cassems = client.page("/planos/cassems-odonto")
    assert text_of(cassems.find(id="pagamento-reajuste")) == "Reajuste O documento não trata disso."
