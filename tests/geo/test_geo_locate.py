import math
import time

import pytest

from webapp.geo import municipalities as M
from webapp.geo.locate import municipality_at

NO_POLYGON = [1504752, 2206720, 4212650, 4220000, 4314548, 5006275, 5101837]
HOSTS = {  # no-polygon municipality -> polygon that contains its seat (see geodata/README.md)
    1504752: 1506807,
    2206720: 2211001,
    4212650: 4209409,
    4220000: 4207007,
    4314548: 4302105,
    5006275: 5003256,
    5101837: 5107925,
}


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (-20.4486, -54.6295, 5002704),  # seat of Campo Grande/MS
        (-22.8832, -43.1034, 3303302),  # Niterói/RJ
        (-23.4538, -46.5333, 3518800),  # Guarulhos/SP
        (-23.5329, -46.6395, 3550308),  # São Paulo (Sé)
        (-23.4356, -46.4731, 3518800),  # Guarulhos airport (GRU)
        (-22.9711, -43.1822, 3304557),  # Copacabana beach
        (-3.854, -32.424, 2605459),  # Fernando de Noronha
    ],
)
def test_points_by_polygon(lat, lon, code):
    result = municipality_at(lat, lon)
    assert result.municipality.ibge_code == code
    assert result.method == "polygon" and result.by_polygon and not result.fallback
    assert result.found and not result.outside_brazil


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (-23.0, -40.0),  # Atlantic
        (-34.6037, -58.3816),  # Buenos Aires
        (-34.9011, -56.1645),  # Montevideo
        (-25.2637, -57.5759),  # Asunción
        (38.72, -9.14),  # Lisboa
        (90, 180),
        (-90, -180),
    ],
)
def test_outside_brazil(lat, lon):
    result = municipality_at(lat, lon)
    assert result.outside_brazil and not result.found
    assert result.municipality is None
    assert result.method == "outside"
    assert "fora do Brasil" in result.message


def test_every_capital_seat_resolves_to_itself():
    for m in M.all_municipalities():
        if m.capital:
            assert municipality_at(m.lat, m.lon).municipality == m, m.label


@pytest.mark.parametrize("code", NO_POLYGON)
def test_no_polygon_seat_resolves_to_itself(code):
    m = M.get(code)
    assert M.geometry(code) is None
    result = municipality_at(m.lat, m.lon)
    assert result.municipality == m
    assert result.method == "nearest_seat" and result.fallback


@pytest.mark.parametrize(("code", "host"), sorted(HOSTS.items()))
def test_host_seat_resolves_to_host(code, host):
    h = M.get(host)
    result = municipality_at(h.lat, h.lon)
    assert result.municipality == h
    assert result.method == "nearest_seat"


def test_nearest_seat_split_between_host_and_hosted():
    mojui, santarem = M.get(1504752), M.get(1506807)
    # a point 90% of the way from Santarém to Mojuí dos Campos is Mojuí's; 10% is Santarém's
    near_mojui = municipality_at(santarem.lat + 0.9 * (mojui.lat - santarem.lat), santarem.lon + 0.9 * (mojui.lon - santarem.lon))
    near_santarem = municipality_at(santarem.lat + 0.1 * (mojui.lat - santarem.lat), santarem.lon + 0.1 * (mojui.lon - santarem.lon))
    assert near_mojui.municipality == mojui
    assert near_santarem.municipality == santarem


def test_string_numbers_accepted():
    assert municipality_at("-22.8832", "-43.1034").municipality.ibge_code == 3303302


@pytest.mark.parametrize(
    ("lat", "lon", "word"),
    [
        (91, 0, "Latitude"),
        (-90.5, 0, "Latitude"),
        (0, 180.1, "Longitude"),
        (math.nan, 0, "Latitude"),
        (0, math.inf, "Longitude"),
        ("abc", 0, "Latitude"),
        (None, 0, "Latitude"),
        (True, 0, "Latitude"),
    ],
)
def test_invalid_coordinates(lat, lon, word):
    with pytest.raises(ValueError, match=word):
        municipality_at(lat, lon)


def test_lookup_is_fast():
    municipality_at(-22.8832, -43.1034)  # index built
    start = time.perf_counter()
    for i in range(1000):
        municipality_at(-23.0 + i * 0.001, -46.6)
    assert time.perf_counter() - start < 2.0
