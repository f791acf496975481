"""The operator's member file (beneficiários): one CSV row per person, holders and dependants
(UTF-8, comma-separated, a header row, columns in any order).  The importer reads it and the demo
writes it, so the demo families go through the real import path.  Dates are ``AAAA-MM-DD``.
"""

from __future__ import annotations

from ..core.imports.columns import Column, Layout, column_length
from .models import Member

MEMBERS = Layout(
    Column("card_number", True, "The member's card number (digits; punctuation allowed); the upsert key. Card numbers "
                                "are unique across operators."),
    Column("holder_card_number", False, "Dependants: the holder's card number (the holder is in this file or "
                                        "already imported). Empty, or the row's own card number, for a holder."),
    Column("kinship", True, "`titular` for a holder; for a dependant `conjuge`, `companheiro`, `filho`, `enteado`, "
                            "`menor-sob-guarda`, `tutelado`, `filho-invalido`, `pai-mae`, `sogro-sogra`, `neto`, "
                            "`irmao` or `avo`."),
    Column("name", True, "Full name.", max_length=column_length(Member.name)),
    Column("cpf", False, "CPF, 11 digits, check digits verified (punctuation allowed). Required from 12 years of age."),
    Column("birth_date", True, "Date of birth (`AAAA-MM-DD`), not in the future."),
    Column("sex", False, "`F` or `M`; used only for words (\"filha\", \"filho\")."),
    Column("cns", False, "Cartão Nacional de Saúde, 15 digits."),
    Column("contract_number", True, "Contract number.", max_length=column_length(Member.contract_number)),
    Column("contracting_date", True, "Date the contract was signed (`AAAA-MM-DD`)."),
    Column("product", True, "Product slug of the plan catalog (`leve-dental-rj-1-adesao`...); a dependant is in "
                            "the holder's product."),
    Column("inclusion_date", True, "Date the person was included in the plan (`AAAA-MM-DD`); waiting periods "
                                   "count from it. Not before the contracting date."),
    Column("inclusion_time", False, "Time of the inclusion (`HH:MM`, Brasília time), when the operator records "
                                    "it; empty means 00:00."),
    Column("exemption", False, "Code of a waiting-period exemption of the product (its catalog's `exemptions`, "
                               "e.g. `conjuge-companheiro-30-dias`)."),
    Column("status", False, "`ativo` (the default), `suspenso` or `cancelado`."),
    Column("cancelled_on", False, "Required with `cancelado` (and only then): the cancellation date, not in the "
                                  "future."),
    Column("phone", False, "Mobile phone with DDD, e.g. `(21) 99999-8888`."),
    Column("email", False, "E-mail address (where a password-reset code is sent).",
           max_length=column_length(Member.email)),
)

COLUMN_NAMES = MEMBERS.names
