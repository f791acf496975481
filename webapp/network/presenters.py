"""Display strings for a search result, computed once in Python rather than in the template
(the results list is the hottest page: twenty items, each with several links)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup, escape

from ..core.formatting import data, ha_quanto, sem_quebra
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
    return Markup(f"{place} · {sem_quebra(cep_text(where.cep))}") if where.cep else place


def address_text(where) -> str:
    """The whole address on one line (the API's ``endereco``)."""
    parts = [street_line(where), where.neighbourhood, municipality_label(where.municipality_ibge), cep_text(where.cep)]
    return ", ".join(part for part in parts if part)


def km(value: float) -> str:
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".") + " km"


def map_address(where) -> str:
    """The address a map app is asked for: street and number, neighbourhood, municipality, UF and
    CEP (no complement: "Sala 201" only confuses a geocoder)."""
    municipality = municipalities.get(where.municipality_ibge)
    parts = [where.street + (f", {where.number}" if where.number else ""), where.neighbourhood,
             f"{municipality.name} - {municipality.uf}" if municipality else None,
             f"{where.cep[:5]}-{where.cep[5:]}" if where.cep else None]
    return ", ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class MapLinks:
    """The map links of a place, from the configured templates (``MAP_DIRECTIONS_URL``,
    ``MAP_OSM_URL``: https, with ``{address}``, ``{lat}`` and ``{lon}``)."""

    directions_template: str
    osm_template: str

    @classmethod
    def from_config(cls, config) -> MapLinks:
        return cls(config["MAP_DIRECTIONS_URL"], config["MAP_OSM_URL"])

    def _fill(self, template: str, where) -> str:
        return template.format(address=quote(map_address(where), safe=""),
                               lat=f"{where.latitude:.6f}", lon=f"{where.longitude:.6f}")

    def directions(self, where) -> str:
        return self._fill(self.directions_template, where)

    def osm(self, where) -> str:
        return self._fill(self.osm_template, where)


def whatsapp_text(plan_name: str | None) -> str:
    """The message a WhatsApp link opens with: where the member found the provider, and the
    question they would ask first."""
    text = "Olá! Encontrei vocês no Guia Odonto."
    if not plan_name:
        return text
    plan = plan_name if plan_name.casefold().startswith("plano ") else f"plano {plan_name}"  # "Plano MASTER"
    return f"{text} Vocês atendem pelo {plan}?"


def whatsapp_url(number: str | None, text: str) -> str | None:
    """``wa.me`` for a Brazilian number with DDD (as the network file holds it), the text filled in."""
    found = digits(number or "")
    if len(found) not in (10, 11):
        return None
    return f"https://wa.me/55{found}?text={_quoted(text)}"


@lru_cache(maxsize=64)
def _quoted(text: str) -> str:
    # The same message for every result of a page: quoted once, not twenty times.
    return quote(text, safe="")


@dataclass(frozen=True, slots=True)
class TrustView:
    """How far a location's listing can be trusted, in words: when it was verified (``stale``:
    too long ago or never, which the page marks in words, not by colour alone), and whether it
    takes new patients (None: not informed) and the day that was informed (dd/mm/aaaa)."""

    verified: str
    stale: bool
    accepts: bool | None
    accepting: str | None
    accepting_on: str


def trust_view(verified_at, stale: bool, accepts: bool | None, accepts_on, max_age_days: int) -> TrustView:
    """``Verificado há 3 dias``, ``Não verificado há mais de 180 dias`` or ``Nunca verificado``;
    ``Aceita novos pacientes`` / ``Não aceita novos pacientes`` with the day it was informed."""
    if verified_at is None:
        verified, stale = "Nunca verificado", True
    elif stale:
        verified = f"Não verificado há mais de {max_age_days} {'dia' if max_age_days == 1 else 'dias'}"
    else:
        verified = f"Verificado {ha_quanto(verified_at)}"
    accepting = None if accepts is None else ("Aceita novos pacientes" if accepts else "Não aceita novos pacientes")
    return TrustView(verified, stale, accepts, accepting, data(accepts_on) if accepting else "")


@dataclass(frozen=True, slots=True)
class ResultView:
    r: object  # the search result
    slug: str
    specialties: str
    distance: str
    address_line: str
    place_line: Markup
    tel: str | None
    whatsapp_url: str | None
    directions_url: str
    updated: str
    trust: TrustView


def present(r, links: MapLinks, whatsapp_message: str, max_age_days: int) -> ResultView:
    return ResultView(
        r=r,
        slug=name_slug(r.provider_name),
        specialties=" · ".join(SPECIALTIES.get(s, s) for s in r.specialties),
        distance=km(r.distance_km),
        address_line=street_line(r),
        place_line=place_line(r),
        tel=digits(r.phones[0]) if r.phones else None,
        whatsapp_url=whatsapp_url(r.whatsapp, whatsapp_message),
        directions_url=links.directions(r),
        updated=data(r.updated_at),
        trust=trust_view(r.verified_at, r.stale, r.accepts_new_patients, r.accepts_new_patients_on, max_age_days),
    )


FLAG_WORDS = (("urgencia", "urgência 24 h"), ("acessivel", "acessível"), ("criancas", "atende crianças"),
              ("novos", "aceita novos pacientes"))


def search_summary(params, product_name: str, place: str) -> str:
    """A search in one line, for the folded form of a results page:
    ``Endodontia · perto de Niterói/RJ · LEVE DENTAL RJ 1 Adesão``."""
    parts = [SPECIALTIES[params.especialidade]] if params.especialidade else []
    if params.q:
        parts.append(f"“{params.q}”")
    parts.extend(words for flag, words in FLAG_WORDS if getattr(params, flag))
    parts += [place, product_name]
    return " · ".join(parts)

