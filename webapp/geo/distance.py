"""Geodesic distances (WGS84 ellipsoid, via geopy)."""

from __future__ import annotations

from geopy.distance import geodesic

from webapp.geo import _validate


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Geodesic distance in kilometres between two points given in degrees.

    Raises ``ValueError`` (pt-BR message) for non-finite or out-of-range coordinates.
    """
    a = _validate.lat_lon(a_lat, a_lon)
    b = _validate.lat_lon(b_lat, b_lon)
    return geodesic(a, b).km
