"""The network file layout: one CSV row per provider location (UTF-8, comma-separated,
header row required, columns in any order).  The importer reads it and the demo generator
writes it, so the demo goes through the real import path.

Lists inside a cell are separated by ``|``.  Booleans are ``sim``/``nao`` (also ``s``/``n``,
``1``/``0``, ``true``/``false``).  Dates are ``AAAA-MM-DD``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("provider_key", True, "Operator's stable id of the provider (dentist or clinic); the upsert key."),
    Column("kind", True, "`dentista` (individual dentist) or `clinica` (clinic)."),
    Column("name", True, "Dentist's full name, or the clinic's trade name."),
    Column("cro_uf", True, "UF of the CRO registration (the dentist's; for a clinic, its responsible dentist's)."),
    Column("cro_number", True, "CRO number, digits only (1 to 6 digits)."),
    Column("responsible_dentist", False, "Clinics only: the responsible dentist's name."),
    Column("cnpj", False, "Clinics: CNPJ, 14 digits, check digits verified (punctuation allowed)."),
    Column("cpf", False, "Dentists: CPF, check digits verified when present; validated, never stored."),
    Column("specialties", True, "Specialty slugs (`clinico-geral`, `endodontia`...) separated by `|`."),
    Column("location_key", True, "Operator's stable id of this service location (unique per provider)."),
    Column("street", True, "Street name (logradouro)."),
    Column("number", False, "Street number (or `s/n`)."),
    Column("complement", False, "Complement (sala, andar...)."),
    Column("neighbourhood", False, "Bairro."),
    Column("cep", False, "CEP, 8 digits (`00000-000` allowed)."),
    Column("municipality_ibge", False, "IBGE code of the municipality (7 digits). Either this or name + UF."),
    Column("municipality_name", False, "Municipality name (used with `uf` when there is no IBGE code)."),
    Column("uf", False, "UF of the municipality (required with `municipality_name`)."),
    Column("latitude", False, "Decimal degrees (WGS84). Empty: geocoded, or the municipality seat (approximate)."),
    Column("longitude", False, "Decimal degrees (WGS84)."),
    Column("phones", False, "Phones with DDD separated by `|`, e.g. `(21) 2222-3333|(21) 99999-8888`."),
    Column("whatsapp", False, "WhatsApp number with DDD (a mobile number)."),
    Column("opening_hours", False, "Opening hours as text, e.g. `seg a sex 8h-18h; sáb 8h-12h`."),
    Column("wheelchair_access", False, "Accessible to wheelchair users (`sim`/`nao`)."),
    Column("sees_children", False, "Sees children (`sim`/`nao`)."),
    Column("urgency_24h", False, "24-hour urgency service (`sim`/`nao`)."),
    Column("products", True, "Product slugs whose network the provider belongs to, separated by `|`."),
    Column("network_since", True, "Date the provider entered those networks (`AAAA-MM-DD`)."),
    Column("network_until", False, "Date the provider leaves those networks (`AAAA-MM-DD`), when announced."),
    Column("replaces_provider_key", False, "Substitution: the provider_key of the provider this one replaces."),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = frozenset(c.name for c in COLUMNS if c.required)
LIST_SEPARATOR = "|"
