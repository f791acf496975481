"""Display strings for a search result, computed once in Python rather than in the template
(the results list is the hottest page: twenty items, each with several links)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..core import clock
from ..core.documents import digits
from ..core.text import slugify
from ..geo import municipalities
from .specialties import SPECIALTIES


@lru_cache(maxsize=8192)
def name_slug(name: str) -> str:
    return slugify(name)[:80] or "prestador"


@lru_cache(maxsize=8192)
def municipality_label(ibge_code: int) -> str:
    found = municipalities.get(ibge_code)
    return found.label if found else str(ibge_code)


def km(value: float) -> str:
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".") + " km"


@dataclass(frozen=True, slots=True)
class ResultView:
    r: object  # the search result
    slug: str
    specialties: str
    distance: str
    address_line: str
    place_line: str
    tel: str | None
    whatsapp: str | None
    geo_uri: str
    osm_url: str
    updated: str


def present(r) -> ResultView:
    lat, lon = f"{r.latitude:.6f}", f"{r.longitude:.6f}"
    street = r.street + (f", {r.number}" if r.number else "") + (f" — {r.complement}" if r.complement else "")
    place = (f"{r.neighbourhood}, " if r.neighbourhood else "") + municipality_label(r.municipality_ibge)
    if r.cep:
        place += f" · CEP {r.cep[:5]}-{r.cep[5:]}"
    return ResultView(
        r=r,
        slug=name_slug(r.provider_name),
        specialties=" · ".join(SPECIALTIES.get(s, s) for s in r.specialties),
        distance=km(r.distance_km),
        address_line=street,
        place_line=place,
        tel=digits(r.phones[0]) if r.phones else None,
        whatsapp=digits(r.whatsapp) if r.whatsapp else None,
        geo_uri=f"geo:{lat},{lon}?q={lat},{lon}",
        osm_url=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
        updated=clock.local(r.updated_at).strftime("%d/%m/%Y"),
    )
