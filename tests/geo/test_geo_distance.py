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


def test_agrees_with_geopy_and_the_vectorised_form():
    """PROJ's geodesic (pyproj) gives geopy's numbers, and one pair or many give the same."""
    import random

    import numpy as np
    from geopy.distance import geodesic

    from webapp.geo.distance import distances_km

    rng = random.Random(4)
    origin = (-22.88, -43.10)
    points = [(rng.uniform(-34, 5), rng.uniform(-74, -34)) for _ in range(200)]
    points += [(origin[0] + rng.gauss(0, 0.01), origin[1] + rng.gauss(0, 0.01)) for _ in range(200)]
    many = distances_km(*origin, np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    for p, d in zip(points, many):
        assert abs(d - geodesic(origin, p).km) < 1e-9
        assert distance_km(*origin, *p) == d
    assert distances_km(*origin, np.array([]), np.array([])).size == 0
