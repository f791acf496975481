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

from ..plans.services import CATEGORY_NAMES
from . import teeth

FIELDS = ("pessoa", "ano", "de", "ate", "categoria", "dente")


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
        return (args.get(name) or "").strip()[:20]

    pessoa = text("pessoa")
    if pessoa:
        if pessoa.isdigit() and int(pessoa) in visible_ids:
            params.pessoa = int(pessoa)
        else:
            params.errors["pessoa"] = "Escolha uma pessoa da lista."
    ano = text("ano")
    if ano:
        if ano.isdigit() and len(ano) == 4 and 1990 <= int(ano) <= 2100:
            params.ano = int(ano)
        else:
            params.errors["ano"] = "Ano inválido. Escolha um ano da lista."
    for name, label in (("de", "início"), ("ate", "fim")):
        value = text(name)
        if value:
            try:
                setattr(params, name, date.fromisoformat(value))
            except ValueError:
                params.errors[name] = f"Data de {label} do período inválida. Informe dia, mês e ano."
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
