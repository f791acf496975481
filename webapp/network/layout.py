"""The network file layout: one CSV row per provider location (UTF-8, comma-separated,
header row required, columns in any order).  The importer reads it and the demo generator
writes it, so the demo goes through the real import path.

Lists inside a cell are separated by ``|``.  Booleans are ``sim``/``nao`` (also ``s``/``n``,
``1``/``0``, ``true``/``false``).  Dates are ``AAAA-MM-DD``.  The three trust columns
(``verificado_em``, ``aceita_novos_pacientes``, ``aceita_novos_pacientes_em``) only ever add news:
an empty cell keeps what an earlier file or the network team said.
"""

from __future__ import annotations

from ..core.imports.cells import LIST_SEPARATOR
from ..core.imports.columns import Column, Layout, column_length
from .models import Location, Provider

__all__ = ["COLUMN_NAMES", "LIST_SEPARATOR", "NETWORK", "REQUIRED"]

NETWORK = Layout(
    Column("provider_key", True, "Operator's stable id of the provider (dentist or clinic); the upsert key.",
           max_length=column_length(Provider.key)),
    Column("kind", True, "`dentista` (individual dentist) or `clinica` (clinic)."),
    Column("name", True, "Dentist's full name, or the clinic's trade name.", max_length=column_length(Provider.name)),
    Column("cro_uf", True, "UF of the CRO registration (the dentist's; for a clinic, its responsible dentist's)."),
    Column("cro_number", True, "CRO number, digits only (1 to 6 digits)."),
    Column("responsible_dentist", False, "Clinics only: the responsible dentist's name.",
           max_length=column_length(Provider.responsible_dentist)),
    Column("cnpj", False, "Clinics: CNPJ, 14 digits, check digits verified (punctuation allowed)."),
    Column("cpf", False, "Dentists: CPF, check digits verified when present; validated, never stored."),
    Column("specialties", True, "Specialty slugs (`clinico-geral`, `endodontia`...) separated by `|`."),
    Column("location_key", True, "Operator's stable id of this service location (unique per provider).",
           max_length=column_length(Location.key)),
    Column("street", True, "Street name (logradouro).", max_length=column_length(Location.street)),
    Column("number", False, "Street number (or `s/n`).", max_length=column_length(Location.number)),
    Column("complement", False, "Complement (sala, andar...).", max_length=column_length(Location.complement)),
    Column("neighbourhood", False, "Bairro.", max_length=column_length(Location.neighbourhood)),
    Column("cep", False, "CEP, 8 digits (`00000-000` allowed)."),
    Column("municipality_ibge", False, "IBGE code of the municipality (7 digits). Either this or name + UF."),
    # Only looked up: the longest Brazilian municipality name has 32 characters.
    Column("municipality_name", False, "Municipality name (used with `uf` when there is no IBGE code).",
           max_length=100),
    Column("uf", False, "UF of the municipality (required with `municipality_name`)."),
    Column("latitude", False, "Decimal degrees (WGS84). Empty: geocoded, or the municipality seat (approximate)."),
    Column("longitude", False, "Decimal degrees (WGS84)."),
    Column("phones", False, "Phones with DDD separated by `|`, e.g. `(21) 2222-3333|(21) 99999-8888`."),
    Column("whatsapp", False, "WhatsApp number with DDD (a mobile number)."),
    # A Text column: no database limit, but a line of opening hours.
    Column("opening_hours", False, "Opening hours as text, e.g. `seg a sex 8h-18h; sáb 8h-12h`.", max_length=500),
    Column("wheelchair_access", False, "Accessible to wheelchair users (`sim`/`nao`)."),
    Column("sees_children", False, "Sees children (`sim`/`nao`)."),
    Column("urgency_24h", False, "24-hour urgency service (`sim`/`nao`)."),
    Column("products", True, "Product slugs whose network the provider belongs to, separated by `|`."),
    Column("network_since", True, "Date the provider entered those networks (`AAAA-MM-DD`)."),
    Column("network_until", False, "Date the provider leaves those networks (`AAAA-MM-DD`), when announced."),
    Column("replaces_provider_key", False, "Substitution: the provider_key of the provider this one replaces.",
           max_length=column_length(Provider.key)),
    # Named by the issue that asked for them (the operators' own word), unlike the columns above.
    Column("verificado_em", False, "Date the operator last verified this location (`AAAA-MM-DD`, not in the "
           "future). Empty: no new verification (an earlier one is kept)."),
    Column("aceita_novos_pacientes", False, "Whether this location takes new patients (`sim`/`nao`). Empty: not "
           "informed (what was informed before is kept)."),
    Column("aceita_novos_pacientes_em", False, "Date `aceita_novos_pacientes` was informed (`AAAA-MM-DD`, not in the "
           "future); empty: the day of the import. Only with `aceita_novos_pacientes`."),
)

COLUMN_NAMES = NETWORK.names
REQUIRED = NETWORK.required
