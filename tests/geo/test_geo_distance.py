import pytest

from webapp.geo import municipalities as M
from webapp.geo.distance import distance_km


def test_sao_paulo_rio():
    sp, rj = M.get(3550308), M.get(3304557)
    d = distance_km(sp.lat, sp.lon, rj.lat, rj.lon)
    assert 357 <= d <= 362
    assert distance_km(rj.lat, rj.lon, sp.lat, sp.lon) == pytest.approx(d)


def test_zero_and_short():
    assert distance_km(-22.9, -43.2, -22.9, -43.2) == 0
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.32, abs=0.01)  # 1 deg on the equator


def test_invalid():
    with pytest.raises(ValueError, match="Latitude"):
        distance_km(100, 0, 0, 0)
    with pytest.raises(ValueError, match="Longitude"):
        distance_km(0, 0, 0, float("nan"))
