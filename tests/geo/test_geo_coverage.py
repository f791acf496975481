import pytest

from webapp.geo import municipalities as M
from webapp.geo.coverage import CoverageArea

NITEROI, SAO_PAULO, GUARULHOS, CAMPINAS = 3303302, 3550308, 3518800, 3509502
GROUP = {3518800, 3534401, 3547809, 3548708, 3548807, 3550308}


def seat(code):
    m = M.get(code)
    return m.lat, m.lon


def test_states_area():
    rj = CoverageArea("states", states=frozenset({"rj"}))
    assert rj.states == {"RJ"}
    assert rj.contains_municipality(NITEROI)
    assert not rj.contains_municipality(SAO_PAULO)
    assert rj.contains_point(*seat(NITEROI))
    assert not rj.contains_point(*seat(SAO_PAULO))
    assert not rj.contains_point(-23.0, -40.0)
    assert len(rj.municipality_codes()) == 92
    min_lat, min_lon, max_lat, max_lon = rj.bbox()
    assert -23.5 < min_lat < -23.0 and -45.0 < min_lon < -44.5
    assert -21.0 < max_lat < -20.5 and -41.2 < max_lon < -40.8


def test_municipality_group():
    area = CoverageArea.of_municipalities(GROUP)
    assert area.contains_municipality(GUARULHOS)
    assert not area.contains_municipality(CAMPINAS)
    assert area.contains_point(*seat(GUARULHOS))
    assert not area.contains_point(*seat(CAMPINAS))
    assert area.municipality_codes() == frozenset(GROUP)
    min_lat, min_lon, max_lat, max_lon = area.bbox()
    lat, lon = seat(GUARULHOS)
    assert min_lat < lat < max_lat and min_lon < lon < max_lon
    c_lat, c_lon = seat(CAMPINAS)
    assert not (min_lat < c_lat < max_lat and min_lon < c_lon < max_lon)
    assert area.describe() == "São Paulo/SP e mais 5 municípios"


def test_group_with_no_polygon_member():
    """A municipality without polygon lies inside the one it was split from (Pinto Bandeira in
    Bento Gonçalves): its box is that polygon's, the rule the network search reads by too."""
    area = CoverageArea.of_municipalities({4314548})  # Pinto Bandeira/RS, no polygon
    assert area.contains_point(*seat(4314548))
    host = M.geometry(4302105)  # Bento Gonçalves/RS
    assert M.territory(4314548) is host
    west, south, east, north = host.bounds
    assert area.bbox() == (south, west, north, east)
    assert CoverageArea.of_municipalities({4302105, 4314548}).bbox() == area.bbox()


def test_national():
    br = CoverageArea.national()
    assert len(br.municipality_codes()) == 5571
    assert all(br.contains_municipality(c) for c in (NITEROI, SAO_PAULO, 5101837))
    assert br.contains_point(*seat(SAO_PAULO))
    assert br.contains_point(-3.854, -32.424)  # Fernando de Noronha
    assert not br.contains_point(-23.0, -40.0)
    assert not br.contains_point(-34.6037, -58.3816)
    assert not br.contains_municipality(9999999)
    min_lat, min_lon, max_lat, max_lon = br.bbox()
    assert -34.0 < min_lat < -33.5 and -74.1 < min_lon < -73.5
    assert 5.0 < max_lat < 5.4 and -32.5 < max_lon < -28.5


def test_area_is_hashable_and_comparable():
    a = CoverageArea.of_states(["SP", "rj"])
    b = CoverageArea("states", states=frozenset({"RJ", "SP"}))
    assert a == b and hash(a) == hash(b)
    assert a.describe() == "RJ, SP"


@pytest.mark.parametrize(
    "make",
    [
        lambda: CoverageArea("regional"),
        lambda: CoverageArea("states"),
        lambda: CoverageArea("states", states=frozenset({"XX"})),
        lambda: CoverageArea("municipalities"),
        lambda: CoverageArea("municipalities", municipalities=frozenset({1})),
        lambda: CoverageArea("national", states=frozenset({"RJ"})),
    ],
)
def test_invalid_areas(make):
    with pytest.raises(ValueError):
        make()
