"""The procedure vocabulary answers the words members type, per product."""

import pytest

from tests.support.databases import BACKENDS
from webapp.plans import answers, services


def search(session, slug, query):
    return answers.search_procedures(session, services.get_product(session, slug), query)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_canal_on_leve_lists_endodontic_treatments_with_180_days(session):
    result = search(session, "leve-dental-rj-1-adesao", "canal")
    endo = [m for m in result.covered if m.procedure.id.startswith("tratamento-endodontico")]
    assert len(endo) >= 3
    for match in endo:
        if match.rule is not None and "decíduo" not in match.wording:
            assert match.rule.days == 180, match.wording


@pytest.mark.parametrize("query", ["implante", "IMPLANTE", "Implantes", "implânte"])
def test_implante_on_leve_is_excluded_citing_the_exclusion(session, query):
    result = search(session, "leve-dental-rj-1-adesao", query)
    assert result.exclusions, query
    assert any("Implantes" in e.text for e in result.exclusions)
    assert not any("implant" in m.procedure.id for m in result.covered)


def test_aparelho_on_sintaema_master_is_orthodontics_with_90_days(session):
    result = search(session, "sintaema-master", "aparelho")
    ortho = [m for m in result.covered if m.category == "ortodontia"]
    assert ortho and all(m.rule is not None and m.rule.days == 90 for m in ortho)


def test_aparelho_on_leve_answers_with_the_orthodontics_exclusion(session):
    result = search(session, "leve-dental-rj-1-adesao", "aparelho")
    assert not [m for m in result.covered if m.category == "ortodontia"]
    assert any("Ortodontia" in e.text for e in result.exclusions)


@pytest.mark.parametrize("query", ["extração", "EXTRACAO", "arrancar dente"])
def test_extraction_words_find_exodontia(session, query):
    result = search(session, "cassems-odonto", query)
    assert any("exodontia" in m.procedure.id for m in result.covered)


@pytest.mark.parametrize(
    ("query", "expected_fragment"),
    [
        ("limpeza", "profilaxia"), ("tártaro", "raspagem"), ("siso", "inclus"),
        ("obturação", "restauracao"), ("raio-x", "radiografia"), ("gengiva", "gengiv"),
    ],
)
def test_lay_words_map_to_procedures(session, query, expected_fragment):
    result = search(session, "cassems-odonto", query)
    ids = [m.procedure.id for m in result.covered]
    assert any(expected_fragment in i for i in ids), (query, ids)


def test_crianca_points_to_paediatric_dentistry(session):
    result = search(session, "cassems-odonto", "criança")
    assert result.covered and all(m.category == "odontopediatria" or m.procedure.category == "odontopediatria"
                                  for m in result.covered)


def test_empty_or_stopword_query_finds_nothing(session):
    assert search(session, "cassems-odonto", "   ").empty
    assert search(session, "cassems-odonto", "de").empty


def test_nonsense_finds_nothing(session):
    assert search(session, "cassems-odonto", "xyzzy").empty
