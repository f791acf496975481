"""Geocoding of addresses without coordinates, behind a small interface.

Only used when a geocoder is configured (``GEOCODER_NOMINATIM_URL`` and
``GEOCODER_USER_AGENT``): requests are rate-limited (Nominatim's policy is one per second) and
every answer — found or not — is cached in ``geocode_cache``.  With none configured (the
default: there is no internet here) the importer places the location at its municipality seat
and marks it approximate.  Tests replace the geocoder with a local stand-in.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlparse

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from sqlalchemy.orm import Session

from .models import GeocodeCache


class Geocoder(Protocol):
    def geocode(self, query: str) -> tuple[float, float] | None: ...


class NominatimGeocoder:
    def __init__(self, url: str, user_agent: str, min_delay_seconds: float = 1.0):
        parsed = urlparse(url)
        client = Nominatim(user_agent=user_agent, domain=parsed.netloc or parsed.path,
                           scheme=parsed.scheme or "https", timeout=10)
        self._geocode = RateLimiter(client.geocode, min_delay_seconds=min_delay_seconds, max_retries=2)

    def geocode(self, query: str) -> tuple[float, float] | None:
        location = self._geocode(query, country_codes="br")
        return (location.latitude, location.longitude) if location else None


class CachedGeocoder:
    def __init__(self, session: Session, inner: Geocoder):
        self.session, self.inner = session, inner

    def geocode(self, query: str) -> tuple[float, float] | None:
        cached = self.session.get(GeocodeCache, query)
        if cached is None:
            found = self.inner.geocode(query)
            cached = GeocodeCache(query=query, latitude=found[0] if found else None,
                                  longitude=found[1] if found else None)
            self.session.add(cached)
        if cached.latitude is None or cached.longitude is None:
            return None
        return cached.latitude, cached.longitude


def configured_geocoder(config: dict, session: Session) -> Geocoder | None:
    url = config.get("GEOCODER_NOMINATIM_URL")
    agent = config.get("GEOCODER_USER_AGENT")
    if not url or not agent:
        return None
    return CachedGeocoder(session, NominatimGeocoder(url, agent))
