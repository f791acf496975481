"""The operator's usage and authorization file layouts (UTF-8, comma-separated, a header row,
columns in any order).  The importer reads them and the demo writes them, so the demo goes
through the real import path.  Dates are ``AAAA-MM-DD``; money in reais with a decimal point
or comma (``1234.50`` or ``1234,50``, no thousands separator).
"""

from __future__ import annotations

from ..core.imports.columns import Column, Layout, column_length
from .models import Authorization, AuthorizationItem, UsageEvent

#: Reasons are Text columns; no operator's reason needs more.
MAX_REASON = 2000


def _shared(*attributes) -> int:
    """The longest text a column read into several tables may bring: the shortest of them."""
    return min(column_length(attribute) for attribute in attributes)


_TOOTH = Column("tooth", False, "FDI tooth, two digits: 11–48 permanent, 51–85 deciduous. Required, allowed or "
                                "refused depending on the procedure (a consultation has no tooth).")
_FACES = Column("faces", False, "Faces, letters M, O/I, D, V/B, L/P (e.g. `MOD`; O/I, V/B and L/P name one face). "
                                "Required by restorations, exactly as many as the procedure says.")
_PROCEDURE = Column("procedure", True, "Procedure id of the shared vocabulary (`webapp/plans/catalog/vocabulary.yaml`), "
                                       "e.g. `restauracao-resina-fotopolimerizavel-2-faces`.")
_OPERATOR_CODE = Column("operator_code", False, "The operator's own code for the procedure (e.g. TUSS), shown "
                                                "next to its name.",
                        max_length=_shared(UsageEvent.operator_code, AuthorizationItem.operator_code))
_CARD = Column("card_number", True, "The member's card number (punctuation allowed); the member must exist.")
_PROVIDER_KEY = Column("provider_key", False, "The operator's provider id (`provider_key` of the network file); "
                                              "the statement links to the provider's page when it is in the network.",
                       max_length=_shared(UsageEvent.provider_key, Authorization.provider_key))
_PROVIDER_NAME = Column("provider_name", True, "The provider's name as on the guide (also for dentists outside "
                                               "the network).",
                        max_length=_shared(UsageEvent.provider_name, Authorization.provider_name))
_PROCEDURE_COLUMNS = (_PROCEDURE, _OPERATOR_CODE, _TOOTH, _FACES)
_PROVIDER_COLUMNS = (_PROVIDER_KEY, _PROVIDER_NAME)

USAGE = Layout(
    Column("event_id", True, "The operator's stable id of the event; with the operator, the upsert key.",
           max_length=column_length(UsageEvent.event_key)),
    _CARD,
    Column("performed_on", True, "Date of the procedure (`AAAA-MM-DD`): not in the future, not before the "
                                 "member's inclusion in the plan."),
    *_PROCEDURE_COLUMNS,
    *_PROVIDER_COLUMNS,
    Column("location_key", False, "The operator's id of the service location.",
           max_length=column_length(UsageEvent.location_key)),
    Column("authorization_number", False, "Number of the authorization (guia) the procedure was done under.",
           max_length=column_length(UsageEvent.authorization_number)),
    Column("status", True, "`realizado`, `glosado` (billing refused by the operator), `negado` or `reembolsado`."),
    Column("status_reason", False, "Required with `glosado` and `negado`: the operator's reason (and clause).",
           max_length=MAX_REASON),
    Column("source", False, "`rede` (a network provider; the default) or `reembolso` (the member paid and asked "
                            "for reimbursement; required with `reembolsado`)."),
    Column("amount", False, "Value of the procedure, in reais."),
    Column("copayment", False, "Co-payment charged to the member; refused for products whose document says "
                               "there is none."),
    Column("reimbursed", False, "Reimbursed value (only with `reembolsado`, where it is required; at most the "
                                "amount)."),
)

AUTHORIZATION = Layout(
    Column("authorization_number", True, "The guia number; with the operator, the upsert key. One row per "
                                         "procedure: rows of one guia repeat its number and must agree on "
                                         "everything but the procedure columns.",
           max_length=column_length(Authorization.number)),
    Column("protocol", True, "Protocol number of the request (digits, 10 to 30; RN 395/2016)."),
    _CARD,
    Column("requested_on", True, "Date of the request (`AAAA-MM-DD`), not in the future."),
    Column("status", True, "`em-analise`, `autorizada`, `negada`, `executada` or `expirada`."),
    Column("decided_on", False, "Date of the operator's answer; required unless `em-analise`."),
    Column("valid_until", False, "Last day the guia may be used. Empty: worked out from the product's "
                                 "document when it states a validity (LEVE: 30 days, clause 15.5.9)."),
    Column("denial_reason", False, "Required with `negada`: the operator's reason.", max_length=MAX_REASON),
    Column("denial_clause", False, "Required with `negada`: the contract clause cited (e.g. `cláusula 13`).",
           max_length=column_length(Authorization.denial_clause)),
    *_PROVIDER_COLUMNS,
    *_PROCEDURE_COLUMNS,
)

USAGE_NAMES = USAGE.names
AUTHORIZATION_NAMES = AUTHORIZATION.names
