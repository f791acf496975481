"""Reading the cells of one row through :mod:`webapp.core.parsing`: texts bounded by their
column, codes of ASCII digits, bounded dates, money, ``sim``/``nao``, lists separated
by ``|`` and Brazilian phone numbers.  Each problem becomes a :class:`Reject` of that line and
column; what the values mean (which specialty, which member) is for each importer to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ..parsing import (
    EARLIEST_DATE,
    LATEST_DATE,
    ParseError,
    clean_text,
    is_ascii_digits,
    parse_date,
)
from .columns import Layout
from .reading import Reject, Row, shown

#: Punctuation allowed between the digits of a document, CEP or card number.
DOCUMENT_PUNCTUATION = frozenset(" .-/")
#: Separates the items of a list inside one cell (specialties, products, phones).
LIST_SEPARATOR = "|"
TRUE = frozenset({"sim", "s", "1", "true", "verdadeiro", "yes"})
FALSE = frozenset({"nao", "não", "n", "0", "false", "falso", "no", ""})
PHONE_PUNCTUATION = frozenset(" ()+-.")
# ASCII digits only: ``\d`` would take '３' or '٣', which Decimal() then reads as numbers.
_MONEY = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,2})?")
#: The largest amount a cell may state, in centavos (ten million reais).
MAX_CENTS = 10_000_000_00


def parse_money(value: str) -> int | None:
    """Centavos of ``"1234,5"`` / ``"1234.50"``; None when it is not an amount."""
    value = value.strip()
    if not _MONEY.fullmatch(value):
        return None
    cents = int((Decimal(value.replace(",", ".")) * 100).to_integral_value())
    return cents if cents <= MAX_CENTS else None


def parse_phone(value: str, ddds: frozenset[int], mobile_only: bool = False) -> str | None:
    """Formatted phone, or None when invalid. Accepts an optional +55 prefix."""
    d = "".join(ch for ch in value if ch not in PHONE_PUNCTUATION)
    if not is_ascii_digits(d):  # a letter or a look-alike digit ('²', '３') is not dropped
        return None
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


def _reason(error: ParseError) -> str:
    return str(error).rstrip(".")


def code_digits(value: str, lengths: Iterable[int],
                punctuation: frozenset[str] = DOCUMENT_PUNCTUATION) -> str | None:
    """The ASCII digits of a code written with optional *punctuation*, when there are as many as
    one of *lengths*; None for anything else."""
    digits = "".join(ch for ch in value if ch not in punctuation)
    return digits if is_ascii_digits(digits) and len(digits) in lengths else None


class RowCells:
    """The cells of one row, read through the app's parsers.

    Each reader returns the parsed value, or None after recording why not as a :class:`Reject`
    of this line and column; ``rejects`` starts with the problems found while reading the line.
    Cells are trimmed and their inner runs of whitespace collapsed to one space.
    """

    def __init__(self, row: Row):
        self.line, self.raw = row.line, row.cells
        self.rejects: list[Reject] = list(row.problems)
        self._cells = {column: " ".join(value.split()) for column, value in row.cells.items()}

    def __getitem__(self, column: str) -> str:
        return self._cells.get(column, "")

    def add(self, column: str, reason: str) -> None:
        self.rejects.append(Reject(self.line, column, shown(self.raw.get(column) or ""), reason))

    def has(self, column: str) -> bool:
        return any(item.column == column for item in self.rejects)

    def required(self, columns: Iterable[str]) -> None:
        for column in sorted(columns):
            if not self[column]:
                self.add(column, "campo obrigatório vazio")

    def text(self, column: str, max_length: int) -> str | None:
        """Free text of at most *max_length* characters (a column's length); None when empty."""
        try:
            return clean_text(self[column], max_length=max_length, what="o texto") or None
        except ParseError as error:
            self.add(column, _reason(error))
            return None

    def texts(self, layout: Layout) -> dict[str, str | None]:
        """Every free-text column of *layout*, by name (:meth:`text`)."""
        return {column: self.text(column, limit) for column, limit in layout.text_limits.items()}

    def digits(self, column: str, *, lengths: Iterable[int], what: str,
               punctuation: frozenset[str] = DOCUMENT_PUNCTUATION) -> str | None:
        """The ASCII digits of a code written with optional *punctuation* (``24230-052``), when
        there are as many as one of *lengths*; None when empty.  Any other character — a letter,
        a look-alike digit such as ``²`` or ``３`` — rejects the cell rather than being dropped."""
        value = self[column]
        if not value:
            return None
        lengths = tuple(lengths)
        digits = code_digits(value, lengths, punctuation)
        if digits is None:
            size = (f"{lengths[0]}" if len(lengths) == 1 else f"de {min(lengths)} a {max(lengths)}")
            self.add(column, f"{what} deve ter {size} dígitos (0 a 9)")
            return None
        return digits

    def date(self, column: str, *, required: bool, earliest: date = EARLIEST_DATE,
             latest: date = LATEST_DATE) -> date | None:
        value = self[column]
        if not value:
            if required:
                self.add(column, "data obrigatória (AAAA-MM-DD)")
            return None
        try:
            return parse_date(value, earliest=earliest, latest=latest, what="a data")
        except ParseError as error:
            self.add(column, _reason(error))
            return None

    def money(self, column: str) -> int | None:
        """An amount in reais (``150,00``), in centavos; None when empty."""
        value = self[column]
        if not value:
            return None
        cents = parse_money(value)
        if cents is None:
            self.add(column, "valor inválido: use reais com ponto ou vírgula, ex.: 150,00")
        return cents

    def flag(self, column: str) -> bool:
        """``sim`` or ``nao`` (also ``s``/``n``, ``1``/``0``, ``true``/``false``); empty is no."""
        value = self[column].casefold()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self.add(column, "use sim ou não")
        return False

    def items(self, column: str) -> list[str]:
        """The non-empty items of a list cell (``a|b``), trimmed, in order."""
        return [item.strip() for item in self[column].split(LIST_SEPARATOR) if item.strip()]
