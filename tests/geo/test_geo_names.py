"""webapp.geo.names: a typed place name -> municipalities, exact first, then forgiving."""

from __future__ import annotations

import pytest

from tests.support.places import TYPED_PLACES
from webapp.geo import names
from webapp.geo.coverage import CoverageArea

RJ = CoverageArea.of_states(["RJ"])


def labels(resolution):
    return [c.label for c in resolution.candidates]


@pytest.mark.parametrize("row", TYPED_PLACES, ids=[r.typed for r in TYPED_PLACES])
def test_typed_place_names(row):
    found = names.resolve(row.typed, RJ)
    assert labels(found)[0] == row.expected
    assert found.exact is row.exact
    if not row.exact:
        assert found.single is None  # a similar name is never taken for the member


def test_exact_matches_win_over_similar_ones():
    # "Mari" is a municipality (PB): typed exactly, Maricá/RJ (similar, inside the area) is not offered
    found = names.resolve("mari", RJ)
    assert found.exact and labels(found) == ["Mari/PB"] and found.single.ibge_code == 2509107
    # "itaguai" is exact; Itaguari/GO and Taguaí/SP, one letter away, are not offered
    assert labels(names.resolve("itaguai")) == ["Itaguaí/RJ"]


def test_close_candidates_are_all_offered_inside_the_area_first():
    found = names.resolve("maric", RJ)
    assert labels(found) == ["Maricá/RJ", "Mari/PB"]
    assert [c.in_area for c in found.candidates] == [True, False]
    # A plan in Paraíba's neighbourhood would see the other order: the area decides, not the score.
    pb = names.resolve("maric", CoverageArea.of_states(["PB"]))
    assert labels(pb) == ["Mari/PB", "Maricá/RJ"]
    # Without an area, the better score first, and every candidate counts as inside.
    plain = names.resolve("maric")
    assert labels(plain) == ["Maricá/RJ", "Mari/PB"] and all(c.in_area for c in plain.candidates)


def test_campo_grande_for_a_rio_plan():
    for typed in ("campo grande", "campo grnde"):
        found = names.resolve(typed, RJ)
        assert {"Campo Grande/MS", "Campo Grande/AL", "Augusto Severo (Campo Grande)/RN"} == set(labels(found))
        assert not found.any_in_area and found.single is None
    assert names.largest_in(RJ).label == "Rio de Janeiro/RJ"


def test_a_wrong_uf_suffix_still_finds_the_name():
    assert labels(names.resolve("petropoles rj")) == ["Petrópolis/RJ"]
    assert labels(names.resolve("niteroy/sp")) == ["Niterói/RJ"]


def test_suggestions_start_with_the_typed_text_inside_the_area_first():
    found = names.suggest("campo", RJ)
    assert found.exact and labels(found)[0] == "Campos dos Goytacazes/RJ"
    assert [c.in_area for c in found.candidates][:2] == [True, False]
    assert len(found.candidates) == 8
    typo = names.suggest("niteroy", RJ)
    assert not typo.exact and labels(typo) == ["Niterói/RJ"]


@pytest.mark.parametrize("typed", ["", " ", "xq", "zz", "x" * 100, "a" * 5000, "\x00", "３３", "٣٣٣",
                                   "²", "%00", "\u202e", "🦷🦷🦷", "' OR 1=1 --", "Xyzópolis"])
def test_nothing_like_a_name_finds_nothing(typed):
    assert names.resolve(typed, RJ).candidates == ()
    assert names.suggest(typed, RJ).candidates == ()
