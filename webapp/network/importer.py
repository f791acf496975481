"""Import of an operator's network file (layout in :mod:`webapp.network.layout`).

Two passes.  First every row is parsed and validated on its own (rejected rows are reported
with line, column, value and a pt-BR reason; the good rows go on).  Problems with the file as a
whole — not UTF-8, a missing required column, an unknown column, no data rows — are fatal and
nothing is written.  Then the accepted rows are upserted: providers by ``provider_key``,
locations by ``location_key``, network memberships by product; nothing is ever deleted.  The
same file imported twice changes nothing (``updated_at`` moves only when a value changes).  With
``full=True`` the file is the operator's whole network, so providers missing from it leave
every network they were in (an end date, and an exit in the change log).

The caller owns the transaction: commit on success, roll back on any exception.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..core import clock
from ..core.documents import cnpj_valid, cpf_valid, digits
from ..geo import locate, municipalities
from ..plans.models import Product
from ..plans.schema import UF
from .geocoding import Geocoder
from .layout import COLUMN_NAMES, LIST_SEPARATOR, REQUIRED
from .models import (
    Location,
    NetworkChange,
    NetworkMembership,
    Provider,
    ProviderSpecialty,
)
from .specialties import SPECIALTIES

UFS = frozenset(UF.__args__)  # type: ignore[attr-defined]
TRUE = frozenset({"sim", "s", "1", "true", "verdadeiro", "yes"})
FALSE = frozenset({"nao", "não", "n", "0", "false", "falso", "no", ""})
BATCH = 2000
CHANGE_LOG_DAYS = timedelta(days=180)
# A point this close (degrees, ~1 km) to the stated municipality's simplified polygon counts as
# inside it: the boundaries are simplified with up to 0.01 degree tolerance.
MUNICIPALITY_SLACK_DEG = 0.01


class FatalImportError(Exception):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    providers_created: int = 0
    providers_updated: int = 0
    providers_unchanged: int = 0
    locations_created: int = 0
    locations_updated: int = 0
    locations_deactivated: int = 0
    memberships_created: int = 0
    memberships_updated: int = 0
    memberships_ended: int = 0
    changes_recorded: int = 0
    geocoded: int = 0
    approximate: int = 0

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejects})

    @property
    def changed_anything(self) -> bool:
        return any((self.providers_created, self.providers_updated, self.locations_created,
                    self.locations_updated, self.locations_deactivated, self.memberships_created,
                    self.memberships_updated, self.memberships_ended, self.changes_recorded))


@dataclass
class ParsedRow:
    line: int
    provider: dict
    location: dict
    specialties: tuple[str, ...]
    products: tuple[str, ...]
    since: date
    until: date | None
    replaces: str | None


# --------------------------------------------------------------------------- parsing


class _RowErrors:
    def __init__(self, line: int, raw: dict):
        self.line, self.raw, self.items = line, raw, []

    def add(self, column: str, reason: str) -> None:
        self.items.append(Reject(self.line, column, (self.raw.get(column) or "")[:200], reason))


def _clean(raw: dict, column: str) -> str:
    return " ".join((raw.get(column) or "").split())


def _bool(raw: dict, column: str, errors: _RowErrors) -> bool:
    value = _clean(raw, column).casefold()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    errors.add(column, "use sim ou não")
    return False


def _date(raw: dict, column: str, errors: _RowErrors, required: bool) -> date | None:
    value = _clean(raw, column)
    if not value:
        if required:
            errors.add(column, "data obrigatória (AAAA-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(column, "data inválida; use AAAA-MM-DD")
        return None


def _phone(value: str, ddds: frozenset[int], mobile_only: bool = False) -> str | None:
    """Formatted phone, or None when invalid. Accepts an optional +55 prefix."""
    d = digits(value)
    if d.startswith("55") and len(d) in (12, 13):
        d = d[2:]
    if d.startswith("0") and len(d) in (11, 12):  # long-distance prefix "0"
        d = d[1:]
    if len(d) not in (10, 11) or int(d[:2]) not in ddds:
        return None
    number = d[2:]
    if len(number) == 9:
        if number[0] != "9":
            return None
        return f"({d[:2]}) {number[:5]}-{number[5:]}"
    if mobile_only or number[0] not in "2345":
        return None
    return f"({d[:2]}) {number[:4]}-{number[4:]}"


@dataclass
class _Context:
    products: dict[str, int]
    ddds: frozenset[int]
    geocoder: Geocoder | None
    report: ImportReport


def _parse_row(line: int, raw: dict, ctx: _Context) -> tuple[ParsedRow | None, list[Reject], list[Reject]]:
    errors = _RowErrors(line, raw)
    warnings: list[Reject] = []
    get = lambda column: _clean(raw, column)  # noqa: E731

    for column in REQUIRED:
        if not get(column):
            errors.add(column, "campo obrigatório vazio")

    kind = get("kind").casefold()
    if kind and kind not in ("dentista", "clinica", "clínica"):
        errors.add("kind", "use dentista ou clinica")
    kind = "clinica" if kind in ("clinica", "clínica") else "dentista"

    cro_uf = get("cro_uf").upper()
    if cro_uf and cro_uf not in UFS:
        errors.add("cro_uf", "UF inexistente")
    cro_number = get("cro_number")
    if cro_number and (not cro_number.isdigit() or len(cro_number) > 6):
        errors.add("cro_number", "número do CRO deve ter de 1 a 6 dígitos")

    cnpj = digits(get("cnpj")) or None
    if get("cnpj") and not cnpj_valid(get("cnpj")):
        errors.add("cnpj", "CNPJ inválido (dígitos verificadores não conferem)")
    if kind == "clinica" and not cnpj and "cnpj" not in {e.column for e in errors.items}:
        errors.add("cnpj", "clínica sem CNPJ")
    if get("cpf") and not cpf_valid(get("cpf")):
        errors.add("cpf", "CPF inválido (dígitos verificadores não conferem)")

    specialties = tuple(dict.fromkeys(s.strip() for s in get("specialties").split(LIST_SEPARATOR) if s.strip()))
    unknown = [s for s in specialties if s not in SPECIALTIES]
    if unknown:
        errors.add("specialties", f"especialidade desconhecida: {', '.join(unknown)}")
    products = tuple(dict.fromkeys(p.strip() for p in get("products").split(LIST_SEPARATOR) if p.strip()))
    unknown = [p for p in products if p not in ctx.products]
    if unknown:
        errors.add("products", f"plano desconhecido: {', '.join(unknown)}")

    since = _date(raw, "network_since", errors, required=True)
    until = _date(raw, "network_until", errors, required=False)
    if since and until and until <= since:
        errors.add("network_until", "a saída da rede deve ser depois da entrada")

    # Where: the municipality by IBGE code, or by name + UF.
    municipality = None
    code = get("municipality_ibge")
    if code:
        if not (code.isdigit() and len(code) == 7):
            errors.add("municipality_ibge", "código IBGE deve ter 7 dígitos")
        else:
            municipality = municipalities.get(int(code))
            if municipality is None:
                errors.add("municipality_ibge", "código IBGE de município inexistente")
    elif get("municipality_name"):
        uf = get("uf").upper()
        if uf not in UFS:
            errors.add("uf", "UF ausente ou inexistente (obrigatória com o nome do município)")
        else:
            found = municipalities.search(get("municipality_name"), uf)
            if len(found) == 1:
                municipality = found[0]
            else:
                errors.add("municipality_name", f"município não encontrado em {uf}")
    else:
        errors.add("municipality_ibge", "informe o código IBGE ou o nome do município e a UF")
    if municipality and get("uf") and get("uf").upper() != municipality.uf:
        errors.add("uf", f"a UF não confere com o município ({municipality.label})")

    cep = digits(get("cep")) or None
    if get("cep") and (cep is None or len(cep) != 8):
        errors.add("cep", "CEP deve ter 8 dígitos")

    phones = []
    for part in (p for p in get("phones").split(LIST_SEPARATOR) if p.strip()):
        formatted = _phone(part, ctx.ddds)
        if formatted is None:
            errors.add("phones", f"telefone inválido: {part.strip()} (use DDD + número)")
        else:
            phones.append(formatted)
    whatsapp = None
    if get("whatsapp"):
        whatsapp = _phone(get("whatsapp"), ctx.ddds, mobile_only=True)
        if whatsapp is None:
            errors.add("whatsapp", "WhatsApp deve ser um celular com DDD, ex.: (21) 99999-8888")
    flags = {c: _bool(raw, c, errors) for c in ("wheelchair_access", "sees_children", "urgency_24h")}

    lat_text, lon_text = get("latitude"), get("longitude")
    lat = lon = None
    precision = "exact"
    coordinates_match = True
    if bool(lat_text) != bool(lon_text):
        errors.add("latitude" if not lat_text else "longitude", "informe latitude e longitude juntas")
    elif lat_text:
        try:
            lat, lon = float(lat_text.replace(",", ".")), float(lon_text.replace(",", "."))
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            errors.add("latitude", "coordenadas inválidas (graus decimais)")
            lat = lon = None
        else:
            where = locate.municipality_at(lat, lon)
            if where.outside_brazil:
                errors.add("latitude", "coordenadas fora do Brasil")
                lat = lon = None
            elif municipality and where.municipality.ibge_code != municipality.ibge_code:
                polygon = municipalities.geometry(municipality.ibge_code)
                from shapely import Point

                if polygon is None or polygon.distance(Point(lon, lat)) > MUNICIPALITY_SLACK_DEG:
                    coordinates_match = False
                    warnings.append(Reject(line, "latitude", f"{lat_text}, {lon_text}",
                                           f"coordenadas caem em {where.municipality.label}, não em "
                                           f"{municipality.label}; importadas e sinalizadas"))

    if errors.items:
        return None, errors.items, warnings

    assert municipality is not None and since is not None
    if lat is None:
        found = None
        if ctx.geocoder is not None:
            address = ", ".join(x for x in (get("street"), get("number"), get("neighbourhood"),
                                            municipality.name, municipality.uf, "Brasil") if x)
            found = ctx.geocoder.geocode(address)
            if found and locate.municipality_at(*found).outside_brazil:
                found = None
        if found:
            lat, lon = found
            ctx.report.geocoded += 1
        else:
            lat, lon, precision = municipality.lat, municipality.lon, "approximate"
            ctx.report.approximate += 1

    provider = {
        "key": get("provider_key"), "kind": kind, "name": get("name"), "cro_uf": cro_uf,
        "cro_number": cro_number.lstrip("0") or "0",
        "responsible_dentist": get("responsible_dentist") or None, "cnpj": cnpj,
        "specialties": list(specialties),
    }
    location = {
        "key": get("location_key"), "street": get("street"), "number": get("number") or None,
        "complement": get("complement") or None, "neighbourhood": get("neighbourhood") or None,
        "cep": cep, "municipality_ibge": municipality.ibge_code, "uf": municipality.uf,
        "latitude": round(lat, 6), "longitude": round(lon, 6), "precision": precision,
        "coordinates_match": coordinates_match, "phones": phones, "whatsapp": whatsapp,
        "opening_hours": get("opening_hours") or None, **flags, "active": True,
    }
    parsed = ParsedRow(line, provider, location, specialties, products, since, until,
                       get("replaces_provider_key") or None)
    return parsed, [], warnings


def read_rows(path: Path, columns: Iterable[str] = COLUMN_NAMES,
              required: Iterable[str] = REQUIRED) -> list[tuple[int, dict]]:
    """Rows of a CSV file with these columns, with their file line numbers; FatalImportError
    for problems of the whole file (also used by the history importers)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise FatalImportError(f"não foi possível ler o arquivo: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FatalImportError(f"o arquivo não está em UTF-8 (byte {exc.start})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if not header:
        raise FatalImportError("arquivo vazio: falta a linha de cabeçalho")
    names = [h.strip() for h in header]
    columns, required = tuple(columns), frozenset(required)
    unknown = [h for h in names if h not in columns]
    if unknown:
        raise FatalImportError(f"coluna desconhecida no cabeçalho: {', '.join(unknown)}")
    missing = [c for c in columns if c in required and c not in names]
    if missing:
        raise FatalImportError(f"colunas obrigatórias ausentes: {', '.join(missing)}")
    if len(set(names)) != len(names):
        raise FatalImportError("coluna repetida no cabeçalho")
    reader.fieldnames = names
    rows = []
    try:
        for raw in reader:
            if None in raw:  # more cells than header columns
                raw.pop(None)
                raw["__extra__"] = "1"
            rows.append((reader.line_num, raw))
    except csv.Error as exc:
        raise FatalImportError(f"CSV malformado na linha {reader.line_num}: {exc}") from exc
    if not rows:
        raise FatalImportError("o arquivo não tem linhas de dados")
    return rows


def parse_file(
    path: Path, products: dict[str, int], geocoder: Geocoder | None, report: ImportReport,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> list[ParsedRow]:
    ddds = frozenset(m.ddd for m in municipalities.all_municipalities())
    ctx = _Context(products=products, ddds=ddds, geocoder=geocoder, report=report)
    accepted: list[ParsedRow] = []
    first_of_provider: dict[str, ParsedRow] = {}
    seen_locations: dict[tuple[str, str], int] = {}
    rows = read_rows(path)
    report.rows = len(rows)
    for line, raw in progress(rows):
        if raw.pop("__extra__", None):
            report.rejects.append(Reject(line, "", "", "a linha tem mais colunas que o cabeçalho"))
            continue
        parsed, rejects, warnings = _parse_row(line, raw, ctx)
        report.warnings.extend(warnings)
        if parsed is None:
            report.rejects.extend(rejects)
            continue
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
    report.accepted = len(accepted)
    return accepted


# --------------------------------------------------------------------------- writing


PROVIDER_FIELDS = ("kind", "name", "cro_uf", "cro_number", "responsible_dentist", "cnpj", "specialties")
LOCATION_FIELDS = ("street", "number", "complement", "neighbourhood", "cep", "municipality_ibge", "uf",
                   "latitude", "longitude", "precision", "coordinates_match", "phones", "whatsapp",
                   "opening_hours", "wheelchair_access", "sees_children", "urgency_24h", "active")


def _spatial_key(location: dict) -> tuple:
    return (location["municipality_ibge"], round(location["latitude"], 2), round(location["longitude"], 2))


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_network(
    session: Session,
    path: Path,
    *,
    full: bool = False,
    today: date | None = None,
    geocoder: Geocoder | None = None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> ImportReport:
    today = today or clock.today()
    report = ImportReport()
    products = dict(session.execute(select(Product.slug, Product.id)).all())
    rows = parse_file(path, products, geocoder, report, progress)
    if not rows:
        raise FatalImportError("nenhuma linha válida: nada foi importado")
    now = clock.utcnow()

    by_provider: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        by_provider[row.provider["key"]].append(row)
    # New rows are written in spatial order (municipality, then a 0.01-degree grid), so that the
    # providers, locations and memberships of a neighbourhood share database pages: a search
    # reads its candidates from a few pages, not one page each (measured ~2x faster at 400k).
    by_provider = dict(sorted(by_provider.items(), key=lambda item: _spatial_key(item[1][0].location)))

    # ---- providers
    existing = {r.key: r for r in session.execute(
        select(Provider.id, Provider.key, *[getattr(Provider, f) for f in PROVIDER_FIELDS]))}
    new_providers, changed_providers = [], []
    for key, group in by_provider.items():
        data = group[0].provider
        old = existing.get(key)
        if old is None:
            new_providers.append({**data, "updated_at": now})
        elif any(getattr(old, f) != data[f] for f in PROVIDER_FIELDS):
            changed_providers.append({"id": old.id, **{f: data[f] for f in PROVIDER_FIELDS}, "updated_at": now})
        else:
            report.providers_unchanged += 1
    provider_ids = {key: row.id for key, row in existing.items()}
    for chunk in _chunks(new_providers):
        result = session.execute(insert(Provider).returning(Provider.id, Provider.key, sort_by_parameter_order=True), chunk)
        provider_ids.update({key: pid for pid, key in result})
    for chunk in _chunks(changed_providers):
        session.execute(update(Provider), chunk)
    report.providers_created, report.providers_updated = len(new_providers), len(changed_providers)

    # ---- specialties (replaced for new and changed providers)
    touched = {provider_ids[p["key"]] for p in new_providers} | {p["id"] for p in changed_providers}
    if touched:
        from sqlalchemy import delete

        for chunk in _chunks(sorted(touched)):
            session.execute(delete(ProviderSpecialty).where(ProviderSpecialty.provider_id.in_(chunk)))
        specialty_rows = [
            {"provider_id": provider_ids[key], "specialty": s}
            for key, group in by_provider.items() if provider_ids[key] in touched
            for s in group[0].specialties
        ]
        for chunk in _chunks(specialty_rows):
            session.execute(insert(ProviderSpecialty), chunk)

    # ---- locations
    in_file_ids = {provider_ids[k] for k in by_provider}
    existing_locations = {
        (r.provider_id, r.key): r
        for r in session.execute(select(Location.id, Location.provider_id, Location.key,
                                        *[getattr(Location, f) for f in LOCATION_FIELDS]))
    }
    new_locations, changed_locations = [], []
    file_location_keys = set()
    for key, group in by_provider.items():
        pid = provider_ids[key]
        for row in group:
            loc_key = (pid, row.location["key"])
            file_location_keys.add(loc_key)
            old = existing_locations.get(loc_key)
            if old is None:
                new_locations.append({"provider_id": pid, **row.location, "updated_at": now})
            elif any(getattr(old, f) != row.location[f] for f in LOCATION_FIELDS):
                changed_locations.append({"id": old.id, **{f: row.location[f] for f in LOCATION_FIELDS},
                                          "updated_at": now})
    for loc_key, old in existing_locations.items():
        # A location the operator dropped for a provider still in the file is closed, not deleted.
        if loc_key[0] in in_file_ids and loc_key not in file_location_keys and old.active:
            changed_locations.append({"id": old.id, "active": False, "updated_at": now})
            report.locations_deactivated += 1
    for chunk in _chunks(new_locations):
        session.execute(insert(Location), chunk)
    for chunk in _chunks(changed_locations):
        session.execute(update(Location), chunk)
    report.locations_created = len(new_locations)
    report.locations_updated = len(changed_locations) - report.locations_deactivated

    # ---- memberships and the change log
    # provider id → product id → that provider's memberships of that product
    memberships: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for m in session.execute(select(NetworkMembership.id, NetworkMembership.provider_id,
                                    NetworkMembership.product_id, NetworkMembership.since,
                                    NetworkMembership.until)):
        memberships[m.provider_id][m.product_id].append(m)
    known_changes = set(tuple(r) for r in session.execute(select(NetworkChange.product_id, NetworkChange.provider_id,
                                               NetworkChange.kind, NetworkChange.effective_date)))
    first_municipality = {key: group[0].location["municipality_ibge"] for key, group in by_provider.items()}
    new_members, changed_members, new_changes = [], [], []

    def record(product_id: int, provider_id: int, kind: str, when: date, municipality: int,
               replaced: int | None = None) -> None:
        signature = (product_id, provider_id, kind, when)
        if signature in known_changes:
            return
        known_changes.add(signature)
        new_changes.append({"product_id": product_id, "provider_id": provider_id, "kind": kind,
                            "effective_date": when, "replaced_provider_id": replaced,
                            "municipality_ibge": municipality, "recorded_at": now, "updated_at": now})

    def open_membership(rows_):
        return next((m for m in rows_ if m.until is None or m.until > today), None)

    for key, group in by_provider.items():
        row, pid = group[0], provider_ids[key]
        replaced = provider_ids.get(row.replaces) if row.replaces else None
        if row.replaces and replaced is None:
            report.warnings.append(Reject(row.line, "replaces_provider_key", row.replaces,
                                          "prestador substituído não encontrado; substituição não registrada"))
        for slug in row.products:
            product_id = products[slug]
            current = memberships[pid][product_id] if pid in memberships else []
            same = next((m for m in current if m.since == row.since), None)
            if same is None:
                still_open = open_membership(current)
                if still_open is not None:
                    # The operator corrected the entry date of a current membership.
                    changed_members.append({"id": still_open.id, "since": row.since, "until": row.until,
                                            "updated_at": now})
                else:
                    new_members.append({"provider_id": pid, "product_id": product_id, "since": row.since,
                                        "until": row.until, "updated_at": now})
                    # The change log is what members must be told about ("Alterações da rede",
                    # kept 180 days); an entry older than that is history, already in `since`.
                    if row.since >= today - CHANGE_LOG_DAYS:
                        record(product_id, pid, "entrada", row.since, first_municipality[key])
            elif same.until != row.until:
                changed_members.append({"id": same.id, "until": row.until, "updated_at": now})
            if row.until is not None:
                record(product_id, pid, "saida", row.until, first_municipality[key])
            if replaced is not None:
                record(product_id, pid, "substituicao", row.since, first_municipality[key], replaced)
        # Products the provider no longer lists: it leaves those networks today.
        listed = {products[s] for s in row.products}
        for product_id, current in memberships.get(pid, {}).items():
            if product_id in listed:
                continue
            still_open = open_membership(current)
            if still_open is not None:
                changed_members.append({"id": still_open.id, "until": today, "updated_at": now})
                report.memberships_ended += 1
                record(product_id, pid, "saida", today, first_municipality[key])

    if full:
        municipality_of: dict[int, int] = {}
        for pid, code in session.execute(select(Location.provider_id, Location.municipality_ibge)
                                         .order_by(Location.provider_id, Location.key)):
            municipality_of.setdefault(pid, code)
        for pid, by_product in memberships.items():
            if pid in in_file_ids:
                continue
            for product_id, current in by_product.items():
                still_open = open_membership(current)
                if still_open is not None:
                    changed_members.append({"id": still_open.id, "until": today, "updated_at": now})
                    report.memberships_ended += 1
                    record(product_id, pid, "saida", today, municipality_of.get(pid, 0))

    for chunk in _chunks(new_members):
        session.execute(insert(NetworkMembership), chunk)
    for chunk in _chunks(changed_members):
        session.execute(update(NetworkMembership), chunk)
    for chunk in _chunks(new_changes):
        session.execute(insert(NetworkChange), chunk)
    report.memberships_created = len(new_members)
    report.memberships_updated = len(changed_members) - report.memberships_ended
    report.changes_recorded = len(new_changes)
    session.flush()
    return report


def write_rejects(report: ImportReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["linha", "coluna", "valor", "motivo", "tipo"])
        for kind, items in (("rejeitada", report.rejects), ("aviso", report.warnings)):
            for item in items:
                writer.writerow([item.line, item.column, item.value, item.reason, kind])
