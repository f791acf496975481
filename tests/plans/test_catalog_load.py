"""Loading the catalog: validated, all or nothing, on both databases, through the CLI."""

import pytest
from sqlalchemy import func, select

from tests.support.databases import BACKENDS
from tests.support.plans import edit_yaml
from webapp.plans import models
from webapp.plans.schema import PRODUCT_SLUGS

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


def snapshot(session):
    session.expire_all()
    return {
        "products": sorted((p.slug, p.name, p.id) for p in session.scalars(select(models.Product))),
        "waiting": session.scalar(select(func.count()).select_from(models.WaitingPeriod)),
        "procedures": session.scalar(select(func.count()).select_from(models.ProductProcedure)),
        "vocabulary": session.scalar(select(func.count()).select_from(models.Procedure)),
        "exclusions": session.scalar(select(func.count()).select_from(models.Exclusion)),
    }


def test_the_six_products_are_loaded(session):
    slugs = set(session.scalars(select(models.Product.slug)))
    assert slugs == set(PRODUCT_SLUGS)


def test_reloading_changes_nothing_and_keeps_ids(runner, session):
    before = snapshot(session)
    result = runner.invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    assert "6 produtos" in result.output
    assert snapshot(session) == before


def test_a_valid_change_is_loaded(runner, session, catalog_copy):
    edit_yaml(catalog_copy / "leve-saude.yaml",
              lambda d: d["products"][0].update(name="LEVE DENTAL RJ 1 Adesão (teste)"))
    result = runner.invoke(args=["catalog", "load", "--dir", str(catalog_copy)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    product = session.scalars(select(models.Product).where(models.Product.slug == "leve-dental-rj-1-adesao")).one()
    assert product.name == "LEVE DENTAL RJ 1 Adesão (teste)"


def _unknown_field(d):
    d["products"][0]["waiting_periods"]["items"][0]["carencia"] = 10


def _both_units(d):
    d["products"][0]["waiting_periods"]["items"][0]["period"] = {"hours": 24, "days": 60}


def _missing_name(d):
    del d["products"][0]["name"]


def _unknown_procedure(d):
    d["products"][0]["coverage"]["categories"][0]["procedures"][0]["procedure"] = "procedimento-inventado"


def _bad_area(d):
    d["products"][0]["coverage_area"] = {"kind": "states", "description": "Estadual"}


def _no_enrolment(d):
    del d["products"][0]["enrolment"]


def _individual_with_dependants(d):
    d["products"][0]["enrolment"].update(modalities=["individual"], dependants=True)


def _dependants_listed_where_none_are_admitted(d):
    d["products"][0]["enrolment"]["dependants"] = False
    d["products"][0]["dependants"] = {"rules": [{"relationship": "conjuge", "text": "Cônjuge"}]}


def _money_topic_forgotten(d):
    d["products"][0]["payment_and_leaving"]["silent_on"].remove("reajuste")


def _money_topic_stated_and_silent(d):
    d["products"][0]["payment_and_leaving"]["silent_on"].append("cancelamento")


def _money_rule_without_clause(d):
    del d["products"][0]["payment_and_leaving"]["rules"][0]["reference"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (_money_topic_forgotten, "payment_and_leaving", "tema sem regras nem 'silent_on': reajuste"),
        (_money_topic_stated_and_silent, "payment_and_leaving", "tema com regras e em 'silent_on': cancelamento"),
        (_money_rule_without_clause, "payment_and_leaving.rules[0].reference", "campo obrigatório ausente"),
        (_no_enrolment, "enrolment", "campo obrigatório ausente"),
        (_individual_with_dependants, "enrolment", "só individual não admite dependentes"),
        (_dependants_listed_where_none_are_admitted, "dependants", "não admite dependentes"),
        (_unknown_field, "waiting_periods.items[0].carencia", "campo desconhecido"),
        (_both_units, "waiting_periods.items[0].period", "exatamente um"),
        (_missing_name, "name", "campo obrigatório ausente"),
        (_unknown_procedure, "coverage.categories[0].procedures[0].procedure", "não existe no vocabulário"),
        (_bad_area, "coverage_area", "sem estados"),
    ],
)
def test_a_malformed_file_names_file_product_and_field_and_changes_nothing(
    runner, session, catalog_copy, change, field, message
):
    before = snapshot(session)
    # A valid edit in one file and a broken one in another: neither may land.
    edit_yaml(catalog_copy / "leve-saude.yaml", lambda d: d["products"][0].update(name="NÃO DEVE ENTRAR"))
    edit_yaml(catalog_copy / "viventeris-cassems.yaml", change)
    result = runner.invoke(args=["catalog", "load", "--dir", str(catalog_copy)])
    assert result.exit_code != 0
    assert "arquivo viventeris-cassems.yaml" in result.output
    assert "produto cassems-odonto" in result.output
    assert f"campo {field}" in result.output
    assert message in result.output
    assert snapshot(session) == before


def test_broken_yaml_syntax_is_reported_with_its_line(runner, session, catalog_copy):
    before = snapshot(session)
    path = catalog_copy / "sao-cristovao.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - : [quebrado\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "load", "--dir", str(catalog_copy)])
    assert result.exit_code != 0
    assert "arquivo sao-cristovao.yaml" in result.output and "YAML inválido (linha" in result.output
    assert snapshot(session) == before


def test_a_failure_while_writing_rolls_everything_back(runner, session, catalog_copy, monkeypatch):
    before = snapshot(session)
    edit_yaml(catalog_copy / "leve-saude.yaml", lambda d: d["products"][0].update(name="NÃO DEVE ENTRAR"))
    from webapp.plans import loader

    real_flush_count = {"n": 0}
    original = loader.load_catalog

    def failing(session_, catalog):
        original(session_, catalog)
        real_flush_count["n"] += 1
        raise RuntimeError("falha simulada depois de escrever tudo")

    monkeypatch.setattr("webapp.cli.load_catalog", failing)
    result = runner.invoke(args=["catalog", "load", "--dir", str(catalog_copy)])
    assert result.exit_code != 0 and real_flush_count["n"] == 1
    assert snapshot(session) == before
