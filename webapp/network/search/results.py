"""What a search returns: a page of results, each one location of a provider with its distance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class SearchResult:
    location_id: int
    provider_id: int
    provider_name: str
    kind: str  # dentista | clinica
    specialties: tuple[str, ...]  # slugs, the provider's display order
    street: str
    number: str | None
    complement: str | None
    neighbourhood: str | None
    cep: str | None
    municipality_ibge: int
    uf: str
    latitude: float
    longitude: float
    precision: str  # exact | approximate
    coordinates_match: bool
    phones: tuple[str, ...]
    whatsapp: str | None
    opening_hours: str | None
    wheelchair_access: bool
    sees_children: bool
    urgency_24h: bool
    updated_at: datetime  # the location row's
    verified_at: datetime | None  # when the location was last verified (None: never)
    accepts_new_patients: bool | None  # None: not informed
    accepts_new_patients_on: date | None  # the day that was informed
    distance_km: float  # geodesic, WGS-84
    #: Not verified since the search's ``verified_since`` (or never): marked, and ranked after
    #: the others at the same shown distance.
    stale: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: tuple[SearchResult, ...]
    has_more: bool
    offset: int
    limit: int
