"""Display strings for a search result, computed once in Python rather than in the template
(the results list is the hottest page: twenty items, each with several links)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from ..core.formatting import data, sem_quebra
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


def street_line(where) -> str:
    """First line of an address: street, number and complement."""
    return (where.street + (f", {where.number}" if where.number else "")
            + (f" — {where.complement}" if where.complement else ""))


def cep_text(cep: str | None) -> str:
    return f"CEP {cep[:5]}-{cep[5:]}" if cep else ""


def place_line(where) -> Markup:
    """Second line of an address: neighbourhood, municipality and CEP (HTML: the CEP is kept
    on one line, never "27949-/211")."""
    place = escape((f"{where.neighbourhood}, " if where.neighbourhood else "") + municipality_label(where.municipality_ibge))
    return place + (Markup(" · ") + sem_quebra(cep_text(where.cep)) if where.cep else "")


def address_text(where) -> str:
    """The whole address on one line (the API's ``endereco``)."""
    parts = [street_line(where), where.neighbourhood, municipality_label(where.municipality_ibge), cep_text(where.cep)]
    return ", ".join(part for part in parts if part)


def km(value: float) -> str:
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".") + " km"


@dataclass(frozen=True, slots=True)
class ResultView:
    r: object  # the search result
    slug: str
    specialties: str
    distance: str
    address_line: str
    place_line: Markup
    tel: str | None
    whatsapp: str | None
    geo_uri: str
    osm_url: str
    updated: str


def present(r) -> ResultView:
    lat, lon = f"{r.latitude:.6f}", f"{r.longitude:.6f}"
    return ResultView(
        r=r,
        slug=name_slug(r.provider_name),
        specialties=" · ".join(SPECIALTIES.get(s, s) for s in r.specialties),
        distance=km(r.distance_km),
        address_line=street_line(r),
        place_line=place_line(r),
        tel=digits(r.phones[0]) if r.phones else None,
        whatsapp=digits(r.whatsapp) if r.whatsapp else None,
        geo_uri=f"geo:{lat},{lon}?q={lat},{lon}",
        osm_url=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
        updated=data(r.updated_at),
    )


FLAG_WORDS = (("urgencia", "urgência 24 h"), ("acessivel", "acessível"), ("criancas", "atende crianças"))


def search_summary(params, product_name: str, place: str) -> str:
    """A search in one line, for the folded form of a results page:
    ``Endodontia · perto de Niterói/RJ · LEVE DENTAL RJ 1 Adesão``."""
    parts = [SPECIALTIES[params.especialidade]] if params.especialidade else []
    if params.q:
        parts.append(f"“{params.q}”")
    parts.extend(words for flag, words in FLAG_WORDS if getattr(params, flag))
    parts += [place, product_name]
    return " · ".join(parts)

