"""The query string of a network search: parsed and validated, errors in pt-BR.

The parameters are a public contract (agents send them by WhatsApp, the API takes the same):
``plano``, ``municipio`` (IBGE code) or ``lat`` + ``lon``, ``cidade`` (a typed name, resolved
on the server), ``especialidade``, ``q``, ``urgencia=1``, ``acessivel=1``, ``criancas=1``,
``novos=1`` (accepts new patients), ``pagina``.  ``q`` (part of a name) needs at least 3 letters or digits once folded
(:func:`webapp.core.text.fold`): what the trigram index can look up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

from werkzeug.datastructures import MultiDict

from ..core.parsing import ParseError, clean_line, parse_decimal, parse_int
from ..core.text import fold
from ..geo import municipalities
from ..geo.coverage import CoverageArea
from ..geo.municipalities import Municipality
from .search import SearchFilters
from .search.planner import MIN_INDEXED_NAME, name_is_indexed
from .specialties import SPECIALTIES

MAX_Q = 100
MAX_PAGE = 50  # a full page shows pages 1..N (so a reload shows the same list)
FLAGS = ("urgencia", "acessivel", "criancas", "novos")


@dataclass(frozen=True)
class SearchParams:
    plano: str | None = None
    municipio: Municipality | None = None
    lat: float | None = None
    lon: float | None = None
    cidade: str | None = None
    especialidade: str | None = None
    q: str | None = None
    urgencia: bool = False
    acessivel: bool = False
    criancas: bool = False
    novos: bool = False
    pagina: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def has_origin(self) -> bool:
        return self.municipio is not None or self.lat is not None

    @property
    def ready(self) -> bool:
        """Enough to search: a product and a place, and nothing invalid."""
        return not self.errors and self.plano is not None and self.has_origin

    def identity(self) -> tuple:
        """Every parameter as parsed, hashable: all a search page shows of its request (a typed
        city, a point's full precision -- which the canonical query drops), so the key of a kept
        page (``webapp.core.pagecache``); a parameter added here is in it."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "errors")

    def filters(self, product_id: int, area: CoverageArea, today: date,
                verified_since: datetime | None = None) -> SearchFilters:
        """What these parameters ask of the search, in the product's coverage area on ``today``
        (locations not verified since ``verified_since`` ranked after the others)."""
        return SearchFilters(product_id=product_id, area=area, today=today, specialty=self.especialidade,
                             name_query=self.q, urgency_24h=self.urgencia, wheelchair=self.acessivel,
                             children=self.criancas, accepting_new=self.novos, verified_since=verified_since)

    def query(self, **changes) -> dict[str, str]:
        """The canonical query string of these parameters (for links and pushed URLs)."""
        p = replace(self, **changes) if changes else self
        out: dict[str, str] = {}
        if p.plano:
            out["plano"] = p.plano
        if p.municipio is not None:
            out["municipio"] = str(p.municipio.ibge_code)
        elif p.lat is not None and p.lon is not None:
            out["lat"], out["lon"] = f"{p.lat:.5f}", f"{p.lon:.5f}"
        if p.especialidade:
            out["especialidade"] = p.especialidade
        if p.q:
            out["q"] = p.q
        for flag in FLAGS:
            if getattr(p, flag):
                out[flag] = "1"
        if p.pagina > 1:
            out["pagina"] = str(p.pagina)
        return out


def name_query_error(q: str) -> str | None:
    """Why ``q`` cannot be searched for, or None: one or two letters match most names and have
    no trigram to look up, so they are refused rather than read across the whole area."""
    if name_is_indexed(fold(q)):
        return None
    return f"Digite pelo menos {MIN_INDEXED_NAME} letras ou números do nome do dentista ou da clínica."


def parse_municipality(code: str) -> Municipality:
    """The municipality of a 7-digit IBGE code in ASCII digits; ParseError otherwise."""
    number = parse_int(code, minimum=1_000_000, maximum=9_999_999, what="O código do município")
    found = municipalities.get(number)
    if found is None:
        raise ParseError("Município não encontrado.")
    return found


def parse(args: MultiDict, product_slugs: set[str]) -> SearchParams:
    errors: dict[str, str] = {}
    get = lambda name: (args.get(name) or "").strip()  # noqa: E731

    plano = get("plano") or None
    if plano and plano not in product_slugs:
        errors["plano"] = "Plano desconhecido. Escolha um dos planos da lista."
        plano = None

    municipio = None
    code = get("municipio")
    if code:
        try:
            municipio = parse_municipality(code)
        except ParseError:
            errors["municipio"] = "Município não encontrado. Digite o nome da cidade."

    lat = lon = None
    lat_text, lon_text = get("lat"), get("lon")
    if lat_text or lon_text:
        try:
            lat = parse_decimal(lat_text, minimum=-90, maximum=90, what="A latitude")
            lon = parse_decimal(lon_text, minimum=-180, maximum=180, what="A longitude")
        except ParseError:
            errors["lat"] = "Localização inválida: latitude entre -90 e 90 e longitude entre -180 e 180."
            lat = lon = None

    cidade = None
    try:
        cidade = clean_line(args.get("cidade") or "", max_length=MAX_Q, what="O nome da cidade") or None
    except ParseError as error:
        errors["cidade"] = str(error)

    especialidade = get("especialidade") or None
    if especialidade and especialidade not in SPECIALTIES:
        errors["especialidade"] = "Especialidade desconhecida. Escolha uma da lista."
        especialidade = None

    q = None
    try:
        q = clean_line(args.get("q") or "", max_length=MAX_Q, what="O nome do dentista ou clínica") or None
    except ParseError as error:
        errors["q"] = str(error)
    if q is not None and name_query_error(q):
        errors["q"] = name_query_error(q)

    flags = {}
    for flag in FLAGS:
        value = get(flag)
        if value not in ("", "1", "on"):
            errors[flag] = "Valor inválido para um filtro (use 1)."
        flags[flag] = value in ("1", "on")

    pagina = 1
    page_text = get("pagina")
    if page_text:
        try:
            pagina = parse_int(page_text, minimum=1, maximum=MAX_PAGE, what="A página")
        except ParseError:
            errors["pagina"] = f"Página inválida (de 1 a {MAX_PAGE})."

    return SearchParams(plano=plano, municipio=municipio, lat=lat, lon=lon, cidade=cidade,
                        especialidade=especialidade, q=q, pagina=pagina, errors=errors, **flags)
