"""Geodesic distances on the WGS-84 ellipsoid.

Karney's algorithm, as geopy's ``geodesic`` computes it (geopy calls geographiclib's Python
port), but through PROJ's C implementation of the same algorithm (pyproj), which takes whole
arrays: a results page ranks hundreds of candidates, and geographiclib in Python costs ~40 us
per pair against well under 1 us here.  The two agree within 1e-11 km (a test checks).
"""

from __future__ import annotations

import math

import numpy as np
from geopy.distance import ELLIPSOIDS
from pyproj import Geod

from webapp.geo import _validate

_A_KM, _B_KM, _F = ELLIPSOIDS["WGS-84"]  # geopy's default ellipsoid
_GEOD = Geod(a=_A_KM * 1000.0, f=_F)


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Geodesic distance in kilometres between two points given in degrees.

    Raises ``ValueError`` (pt-BR message) for non-finite or out-of-range coordinates.
    """
    a = _validate.lat_lon(a_lat, a_lon)
    b = _validate.lat_lon(b_lat, b_lon)
    return float(distances_km(a[0], a[1], np.array([b[0]]), np.array([b[1]]))[0])


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Geodesic distances (km) from one point to each of ``lats``/``lons`` (valid degrees;
    not checked here -- the callers' coordinates come from the database or were validated)."""
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    if lats.size == 0:
        return np.empty(0)
    _, _, metres = _GEOD.inv(np.full(lats.shape, lon), np.full(lats.shape, lat), lons, lats)
    return np.asarray(metres) / 1000.0


#: Mean earth radius (km) of the spherical distance.
EARTH_RADIUS_KM = 6371.0088
#: Bounds of geodesic (WGS-84) / spherical distance, with a margin (true range 0.99445..1.00449):
#: a spherical distance times these brackets the geodesic one.
RATIO_LOW, RATIO_HIGH = 0.994, 1.005


def spherical_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Haversine distances (km, R = EARTH_RADIUS_KM): cheap, and within [RATIO_LOW,
    RATIO_HIGH] of the geodesic ones, so they prune before the exact ones are computed."""
    p0 = math.radians(lat)
    p = np.radians(lats)
    dl = np.radians(lons - lon)
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
