"""The share builder: what an agent fills in → the public URL a short link opens, and its title.

``parse`` validates the form (messages in pt-BR, keyed by field id); ``build`` turns a valid
request into (target path, title) with the URL builder it is given (``flask.url_for`` in the
views), so the public URL contract stays in one place: ``url_for`` of the public routes. What a
link opens is always a public page; nothing about the member goes into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from sqlalchemy.orm import Session

from ..core.parsing import ParseError, clean_line, parse_decimal, parse_id
from ..geo import locate, municipalities
from ..geo import names as place_names
from ..geo.municipalities import Municipality
from ..network import params as search_params
from ..network import services as network_services
from ..network.specialties import SPECIALTIES
from ..plans import answers as plan_answers
from ..plans import services as plan_services
from ..plans.models import Product
from .services import DEFAULT_LINK_DAYS, KINDS, LINK_DAYS

FLAG_LABELS = {"urgencia": "urgência 24 h", "acessivel": "acessível para cadeirantes", "criancas": "atende crianças",
               "novos": "aceita novos pacientes"}
# ASCII digits only ([0-9], not \d, which also reads Arabic-Indic and full-width digits).
_PROVIDER_IN_URL = re.compile(r"/dentista/([0-9]+)(?:[^0-9]|$)")


@dataclass
class LinkRequest:
    kind: str
    days: int = DEFAULT_LINK_DAYS
    product: Product | None = None
    municipality: Municipality | None = None
    lat: float | None = None
    lon: float | None = None
    point_municipality: Municipality | None = None
    specialty: str | None = None
    q: str | None = None
    flags: tuple[str, ...] = ()
    provider: object | None = None  # network.models.Provider
    section: str | None = None
    procedure: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _text(form, name: str) -> str:
    return " ".join((form.get(name) or "").split())


def _line(form, name: str, errors: dict[str, str], max_length: int, what: str) -> str:
    """A free-text field that goes into a link's title (stored): no control characters, bounded."""
    try:
        return clean_line(form.get(name) or "", max_length=max_length, what=what)
    except ParseError as error:
        errors[name] = str(error)
        return ""


def parse(form, kind: str, session: Session, products: dict[str, Product], today: date) -> LinkRequest:
    """Validate the builder's form for a link of *kind* (one of ``KINDS``)."""
    if kind not in KINDS:
        raise ValueError(kind)
    req = LinkRequest(kind=kind)
    errors = req.errors

    # A choice from a list, compared as text: nothing typed there ever reaches int().
    days = {str(d): d for d in LINK_DAYS}.get(_text(form, "validade") or str(DEFAULT_LINK_DAYS))
    if days is None:
        errors["validade"] = "Escolha a validade do link na lista."
    else:
        req.days = days

    if kind != "dentista":
        slug = _text(form, "plano")
        req.product = products.get(slug)
        if req.product is None:
            errors["plano"] = "Escolha o plano na lista."

    if kind == "busca":
        _parse_search(form, req)
    elif kind == "dentista":
        _parse_provider(form, req, session, today)
    elif kind == "plano":
        section = _text(form, "secao")
        if section not in plan_services.SECTION_TITLES:
            errors["secao"] = "Escolha a seção da página do plano."
        elif req.product is not None and section not in plan_services.product_sections(req.product):
            errors["secao"] = (f"A página deste plano não tem a seção “{plan_services.SECTION_TITLES[section]}”: "
                               "o documento do plano não trata disso.")
        else:
            req.section = section
    else:  # posso-fazer
        procedure = _line(form, "procedimento", errors, plan_answers.MAX_QUERY, "O tratamento")
        if procedure:
            req.procedure = procedure
        elif "procedimento" not in errors:
            errors["procedimento"] = "Digite o tratamento, por exemplo “canal” ou “limpeza”."
    return req


def _parse_search(form, req: LinkRequest) -> None:
    errors = req.errors
    lat_text, lon_text = _text(form, "lat"), _text(form, "lon")
    if lat_text or lon_text:
        try:
            lat = parse_decimal(lat_text, minimum=-90, maximum=90, what="A latitude")
            lon = parse_decimal(lon_text, minimum=-180, maximum=180, what="A longitude")
        except ParseError:
            errors["lat"] = "Ponto inválido: informe latitude e longitude em graus, por exemplo -22,9035 e -43,1094."
        else:
            found = locate.municipality_at(lat, lon)
            if found.outside_brazil or found.municipality is None:
                errors["lat"] = "Esse ponto fica fora do Brasil. Confira a latitude e a longitude."
            else:
                req.lat, req.lon, req.point_municipality = round(lat, 5), round(lon, 5), found.municipality
    else:
        typed = _line(form, "cidade", errors, search_params.MAX_Q, "O nome da cidade")
        if not typed and "cidade" not in errors:
            errors["cidade"] = "Digite a cidade (e a UF), ou informe um ponto."
        elif typed:
            found = municipalities.search(typed)
            if not found:
                like = " ou ".join(c.label for c in place_names.resolve(typed).candidates[:3])
                errors["cidade"] = (f"Não encontramos a cidade “{typed}”. "
                                    + (f"Você quis dizer {like}? Digite como aqui." if like
                                       else "Confira a grafia ou digite também a UF."))
            elif len(found) > 1:
                names = ", ".join(m.label for m in found[:6])
                errors["cidade"] = f"Há mais de uma cidade com esse nome ({names}). Digite também a UF."
            else:
                req.municipality = found[0]

    specialty = _text(form, "especialidade")
    if specialty and specialty not in SPECIALTIES:
        errors["especialidade"] = "Escolha a especialidade na lista."
    req.specialty = specialty or None

    req.q = _line(form, "q", errors, search_params.MAX_Q, "O nome do dentista ou clínica") or None
    if req.q and search_params.name_query_error(req.q):
        errors["q"] = search_params.name_query_error(req.q)  # the link would open on this error
    req.flags = tuple(flag for flag in search_params.FLAGS if form.get(flag) in ("1", "on"))


def _parse_provider(form, req: LinkRequest, session: Session, today: date) -> None:
    typed = _text(form, "dentista")
    match = _PROVIDER_IN_URL.search(typed) or re.fullmatch(r"([0-9]+)", typed)
    if not typed or match is None:
        req.errors["dentista"] = ("Cole o link da página do dentista (…/rede/dentista/123-nome) "
                                  "ou digite o número dele.")
        return
    # A number past the databases' ids names nobody, like an unused one.
    provider_id = parse_id(match.group(1))
    view = network_services.get_provider(session, provider_id, today) if provider_id is not None else None
    if view is None:
        req.errors["dentista"] = f"Não existe dentista com o número {match.group(1)[:20]}."
        return
    req.provider = view.provider


def build(req: LinkRequest, url_for: Callable[..., str]) -> tuple[str, str]:
    """(target path, title) of a valid request."""
    if req.errors:
        raise ValueError("pedido de link com erros")
    if req.kind == "busca":
        params = search_params.SearchParams(
            plano=req.product.slug, municipio=req.municipality, lat=req.lat, lon=req.lon,
            especialidade=req.specialty, q=req.q, **{flag: True for flag in req.flags})
        target = url_for("network.search", **params.query())
        place = req.municipality.label if req.municipality else f"um ponto em {req.point_municipality.label}"
        title = "Dentistas"
        if req.specialty:
            title += f" de {SPECIALTIES[req.specialty]}"
        title += f" perto de {place} — {req.product.name}"
        extras = [FLAG_LABELS[f] for f in req.flags] + ([f"nome com “{req.q}”"] if req.q else [])
        if extras:
            title += " (" + ", ".join(extras) + ")"
        return target, title
    if req.kind == "dentista":
        provider = req.provider
        target = url_for("network.provider", provider_id=provider.id,
                         slug=network_services.provider_slug(provider))
        names = ", ".join(SPECIALTIES.get(s, s) for s in provider.specialties[:3])
        return target, f"{provider.name} — {names}" if names else provider.name
    if req.kind == "plano":
        target = url_for("plans.detail", slug=req.product.slug) + "#" + req.section
        return target, f"{req.product.name}: {plan_services.SECTION_TITLES[req.section]}"
    target = url_for("plans.coverage", slug=req.product.slug, q=req.procedure)
    return target, f"Posso fazer “{req.procedure}” pelo {req.product.name}?"
