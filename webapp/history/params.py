"""The statement's filters, from the URL (the URL is the state: every filter is a GET parameter).

| parameter   | meaning                                                            |
|-------------|--------------------------------------------------------------------|
| `pessoa`    | a family member's id, among those the signed-in member may see     |
| `ano`       | a year                                                             |
| `de`, `ate` | a period (AAAA-MM-DD, both optional, inclusive)                    |
| `categoria` | a procedure category (`dentistica`, `endodontia`…)                 |
| `dente`     | an FDI tooth (11–48, 51–85)                                        |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..core.parsing import ParseError, parse_date, parse_id, parse_int
from ..plans.services import CATEGORY_NAMES
from . import teeth

FIELDS = ("pessoa", "ano", "de", "ate", "categoria", "dente")
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass
class StatementParams:
    pessoa: int | None = None
    ano: int | None = None
    de: date | None = None
    ate: date | None = None
    categoria: str | None = None
    dente: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def query(self, **overrides) -> dict[str, str]:
        """The filters as URL parameters (empty ones left out), with *overrides* applied."""
        values = {name: getattr(self, name) for name in FIELDS}
        values.update(overrides)
        out = {}
        for name, value in values.items():
            if value is None or value == "":
                continue
            out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) is not None for name in FIELDS)


def parse(args: Mapping[str, str], visible_ids: list[int]) -> StatementParams:
    """Validated filters; an id outside *visible_ids* is an error, never a look at someone else."""
    params = StatementParams()

    def text(name: str) -> str:
        return (args.get(name) or "").strip()

    pessoa = text("pessoa")
    if pessoa:
        # Any id but the family's (malformed, out of range or someone else's) gets the same answer.
        person = parse_id(pessoa)
        if person in visible_ids:
            params.pessoa = person
        else:
            params.errors["pessoa"] = "Escolha uma pessoa da lista."
    ano = text("ano")
    if ano:
        try:
            params.ano = parse_int(ano, minimum=MIN_YEAR, maximum=MAX_YEAR, what="O ano")
        except ParseError:
            params.errors["ano"] = "Ano inválido. Escolha um ano da lista."
    for name, label in (("de", "início"), ("ate", "fim")):
        value = text(name)
        if value:
            try:
                setattr(params, name, parse_date(value, what=f"A data de {label} do período"))
            except ParseError as error:
                params.errors[name] = str(error)
    if params.de and params.ate and params.de > params.ate:
        params.errors["ate"] = "O fim do período deve ser depois do início."
    categoria = text("categoria")
    if categoria:
        if categoria in CATEGORY_NAMES:
            params.categoria = categoria
        else:
            params.errors["categoria"] = "Categoria desconhecida. Escolha uma da lista."
    dente = text("dente")
    if dente:
        number = teeth.parse_tooth(dente)
        if number is None:
            params.errors["dente"] = "Dente inválido: use a numeração de dois dígitos (11 a 48, 51 a 85)."
        else:
            params.dente = number
    return params
