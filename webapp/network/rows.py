"""The first pass of a network import: every line of the file read and checked on its own.

A line becomes a :class:`ParsedRow` (the provider, the location and its networks, ready to be
written) or rejects with line, column, value and a pt-BR reason: CRO, CNPJ/CPF check digits,
the municipality by IBGE code or name + UF, coordinates inside Brazil and inside the stated
municipality (kept but flagged as a warning when not), phones with a real DDD, known
specialties and products, dates (a verification or an "accepts new patients" day after the
import's rejects the line: :func:`_trust`).  A location listed twice, or a provider whose lines
disagree, rejects the later line.  Rows without coordinates are placed by the geocoder when there is one,
else at the municipality seat (approximate).  Nothing here writes to the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from shapely import Point

from ..core.clock import TIMEZONE
from ..core.documents import cnpj_valid, cpf_valid
from ..core.imports.cells import FALSE, TRUE, RowCells, parse_phone
from ..core.imports.reading import Reject
from ..core.imports.report import ImportReport
from ..core.formatting import data
from ..core.parsing import ParseError, parse_decimal
from ..geo import locate, municipalities
from ..plans.schema import UF
from .geocoding import Geocoder
from .layout import NETWORK
from .specialties import SPECIALTIES

UFS = frozenset(UF.__args__)  # type: ignore[attr-defined]
# A point this close (degrees, ~1 km) to the stated municipality's simplified polygon counts as
# inside it: the boundaries are simplified with up to 0.01 degree tolerance.
MUNICIPALITY_SLACK_DEG = 0.01


@dataclass(frozen=True)
class TrustNews:
    """What a line says of its location's trustworthiness, if anything: the moment the operator
    verified it (00:00 in São Paulo of the stated day, in UTC), and whether it takes new patients
    with the day that was informed (``accepts_on_stated``: the file gave that day, rather than
    the import's)."""

    verified_at: datetime | None = None
    accepts: bool | None = None
    accepts_on: date | None = None
    accepts_on_stated: bool = False


@dataclass
class ParsedRow:
    """One valid line: its provider and location as they are written, and their networks."""

    line: int
    provider: dict
    location: dict
    specialties: tuple[str, ...]
    products: tuple[str, ...]
    since: date
    until: date | None
    replaces: str | None
    trust: TrustNews = TrustNews()


@dataclass
class _Context:
    products: dict[str, int]
    ddds: frozenset[int]
    geocoder: Geocoder | None
    today: date
    geocoded: int = 0
    approximate: int = 0


def _past_date(cells: RowCells, column: str, today: date, what: str) -> date | None:
    """A date that is not after *today* (the import's day): nobody verified or informed anything
    tomorrow, so a later one is a typo (or a swapped day and month) and rejects the line."""
    value = cells.date(column, required=False)
    if value is not None and value > today:
        cells.add(column, f"{what} no futuro (depois de {data(today)})")
        return None
    return value


def _trust(cells: RowCells, today: date) -> TrustNews:
    """The trust columns of a line (any may be absent from the file, or empty: no news)."""
    verified_on = _past_date(cells, "verificado_em", today, "data de verificação")
    answer = cells["aceita_novos_pacientes"].casefold()
    accepts = None
    if answer in TRUE:
        accepts = True
    elif answer and answer in FALSE:
        accepts = False
    elif answer:
        cells.add("aceita_novos_pacientes", "use sim ou não (ou deixe vazio se não for informado)")
    accepts_on = _past_date(cells, "aceita_novos_pacientes_em", today, "data informada")
    if accepts_on is not None and not answer:
        cells.add("aceita_novos_pacientes_em", "informe aceita_novos_pacientes (sim ou não) junto com a data")
    verified_at = None
    if verified_on is not None:
        # The day the operator names, from its start in Brazil's legal time, stored in UTC.
        verified_at = datetime.combine(verified_on, time(0), tzinfo=TIMEZONE).astimezone(UTC)
    return TrustNews(verified_at, accepts, accepts_on or (today if accepts is not None else None),
                     accepts_on is not None)


@dataclass
class AcceptedRows:
    """The rows of a file that go in, and how many valid rows without coordinates were placed
    by the geocoder or at their municipality seat."""

    rows: list[ParsedRow]
    geocoded: int
    approximate: int


def _parse_row(cells: RowCells, ctx: _Context) -> tuple[ParsedRow | None, list[Reject]]:
    line = cells.line
    warnings: list[Reject] = []
    cells.required(NETWORK.required)
    texts = cells.texts(NETWORK)

    kind = cells["kind"].casefold()
    if kind and kind not in ("dentista", "clinica", "clínica"):
        cells.add("kind", "use dentista ou clinica")
    kind = "clinica" if kind in ("clinica", "clínica") else "dentista"

    cro_uf = cells["cro_uf"].upper()
    if cro_uf and cro_uf not in UFS:
        cells.add("cro_uf", "UF inexistente")
    cro_number = cells.digits("cro_number", lengths=range(1, 7), what="o número do CRO", punctuation=frozenset())

    cnpj = cells.digits("cnpj", lengths=(14,), what="o CNPJ")
    if cnpj and not cnpj_valid(cnpj):
        cells.add("cnpj", "CNPJ inválido (dígitos verificadores não conferem)")
    if kind == "clinica" and not cnpj and not cells.has("cnpj"):
        cells.add("cnpj", "clínica sem CNPJ")
    cpf = cells.digits("cpf", lengths=(11,), what="o CPF")
    if cpf and not cpf_valid(cpf):
        cells.add("cpf", "CPF inválido (dígitos verificadores não conferem)")

    specialties = tuple(dict.fromkeys(cells.items("specialties")))
    unknown = [s for s in specialties if s not in SPECIALTIES]
    if unknown:
        cells.add("specialties", f"especialidade desconhecida: {', '.join(unknown)}")
    products = tuple(dict.fromkeys(cells.items("products")))
    unknown = [p for p in products if p not in ctx.products]
    if unknown:
        cells.add("products", f"plano desconhecido: {', '.join(unknown)}")

    since = cells.date("network_since", required=True)
    until = cells.date("network_until", required=False)
    if since and until and until <= since:
        cells.add("network_until", "a saída da rede deve ser depois da entrada")

    # Where: the municipality by IBGE code, or by name + UF.
    municipality = None
    if cells["municipality_ibge"]:
        code = cells.digits("municipality_ibge", lengths=(7,), what="o código IBGE", punctuation=frozenset())
        if code is not None:
            municipality = municipalities.get(int(code))
            if municipality is None:
                cells.add("municipality_ibge", "código IBGE de município inexistente")
    elif texts["municipality_name"]:
        uf = cells["uf"].upper()
        if uf not in UFS:
            cells.add("uf", "UF ausente ou inexistente (obrigatória com o nome do município)")
        else:
            found = municipalities.search(texts["municipality_name"], uf)
            if len(found) == 1:
                municipality = found[0]
            else:
                cells.add("municipality_name", f"município não encontrado em {uf}")
    elif not cells.has("municipality_name"):
        cells.add("municipality_ibge", "informe o código IBGE ou o nome do município e a UF")
    if municipality and cells["uf"] and cells["uf"].upper() != municipality.uf:
        cells.add("uf", f"a UF não confere com o município ({municipality.label})")

    cep = cells.digits("cep", lengths=(8,), what="o CEP")

    phones = []
    for part in cells.items("phones"):
        formatted = parse_phone(part, ctx.ddds)
        if formatted is None:
            cells.add("phones", f"telefone inválido: {part} (use DDD + número)")
        else:
            phones.append(formatted)
    whatsapp = None
    if cells["whatsapp"]:
        whatsapp = parse_phone(cells["whatsapp"], ctx.ddds, mobile_only=True)
        if whatsapp is None:
            cells.add("whatsapp", "WhatsApp deve ser um celular com DDD, ex.: (21) 99999-8888")
    flags = {c: cells.flag(c) for c in ("wheelchair_access", "sees_children", "urgency_24h")}
    trust = _trust(cells, ctx.today)

    lat_text, lon_text = cells["latitude"], cells["longitude"]
    lat = lon = None
    precision = "exact"
    coordinates_match = True
    if bool(lat_text) != bool(lon_text):
        cells.add("latitude" if not lat_text else "longitude", "informe latitude e longitude juntas")
    elif lat_text:
        column = "latitude"
        try:
            lat = parse_decimal(lat_text, minimum=-90, maximum=90, what="a latitude")
            column = "longitude"
            lon = parse_decimal(lon_text, minimum=-180, maximum=180, what="a longitude")
        except ParseError as error:
            cells.add(column, f"coordenadas inválidas (graus decimais): {str(error).rstrip('.')}")
            lat = lon = None
        else:
            where = locate.municipality_at(lat, lon)
            if where.outside_brazil:
                cells.add("latitude", "coordenadas fora do Brasil")
                lat = lon = None
            elif municipality and where.municipality.ibge_code != municipality.ibge_code:
                polygon = municipalities.geometry(municipality.ibge_code)
                if polygon is None or polygon.distance(Point(lon, lat)) > MUNICIPALITY_SLACK_DEG:
                    coordinates_match = False
                    warnings.append(Reject(line, "latitude", f"{lat_text}, {lon_text}",
                                           f"coordenadas caem em {where.municipality.label}, não em "
                                           f"{municipality.label}; importadas e sinalizadas"))

    if cells.rejects:
        return None, warnings

    assert municipality is not None and since is not None and cro_number is not None
    if lat is None or lon is None:
        found = None
        if ctx.geocoder is not None:
            address = ", ".join(x for x in (texts["street"], texts["number"], texts["neighbourhood"],
                                            municipality.name, municipality.uf, "Brasil") if x)
            found = ctx.geocoder.geocode(address)
            if found and locate.municipality_at(*found).outside_brazil:
                found = None
        if found:
            lat, lon = found
            ctx.geocoded += 1
        else:
            lat, lon, precision = municipality.lat, municipality.lon, "approximate"
            ctx.approximate += 1

    provider = {
        "key": texts["provider_key"], "kind": kind, "name": texts["name"], "cro_uf": cro_uf,
        "cro_number": cro_number.lstrip("0") or "0",
        "responsible_dentist": texts["responsible_dentist"], "cnpj": cnpj,
        "specialties": list(specialties),
    }
    location = {
        "key": texts["location_key"], "street": texts["street"], "number": texts["number"],
        "complement": texts["complement"], "neighbourhood": texts["neighbourhood"],
        "cep": cep, "municipality_ibge": municipality.ibge_code, "uf": municipality.uf,
        "latitude": round(lat, 6), "longitude": round(lon, 6), "precision": precision,
        "coordinates_match": coordinates_match, "phones": phones, "whatsapp": whatsapp,
        "opening_hours": texts["opening_hours"], **flags, "active": True,
    }
    parsed = ParsedRow(line, provider, location, specialties, products, since, until, texts["replaces_provider_key"],
                       trust)
    return parsed, warnings


def parse_file(
    path: Path, products: dict[str, int], geocoder: Geocoder | None, report: ImportReport, today: date,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> AcceptedRows:
    """Read and check the file at *path* (imported on *today*), recording its lines, rejects
    and warnings in *report*; a file without a valid row is fatal (:class:`FatalImportError`)."""
    ddds = frozenset(m.ddd for m in municipalities.all_municipalities())
    ctx = _Context(products=products, ddds=ddds, geocoder=geocoder, today=today)
    accepted: list[ParsedRow] = []
    first_of_provider: dict[str, ParsedRow] = {}
    seen_locations: dict[tuple[str, str], int] = {}
    file = NETWORK.read(path)
    report.rejects.extend(file.unreadable)
    for row in progress(file.rows):
        cells = RowCells(row)
        if cells.rejects:  # unreadable cells (encoding, control characters): nothing else is asked of them
            report.rejects.extend(cells.rejects)
            continue
        parsed, warnings = _parse_row(cells, ctx)
        report.warnings.extend(warnings)
        if parsed is None:
            report.rejects.extend(cells.rejects)
            continue
        line = parsed.line
        key = parsed.provider["key"]
        loc_key = (key, parsed.location["key"])
        if loc_key in seen_locations:
            report.rejects.append(Reject(line, "location_key", parsed.location["key"],
                                         f"local repetido (já na linha {seen_locations[loc_key]})"))
            continue
        first = first_of_provider.get(key)
        if first is not None and (
            first.provider != parsed.provider or first.products != parsed.products
            or first.since != parsed.since or first.until != parsed.until or first.replaces != parsed.replaces
        ):
            report.rejects.append(Reject(line, "provider_key", key,
                                         f"dados do prestador divergem da linha {first.line}"))
            continue
        first_of_provider.setdefault(key, parsed)
        seen_locations[loc_key] = line
        accepted.append(parsed)
    report.close_reading(file, len(accepted))
    return AcceptedRows(accepted, ctx.geocoded, ctx.approximate)

