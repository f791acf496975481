"""Parsers for untrusted text: query strings, form fields, URL segments and cells of imported files.

Every number, date and free text that a person or a file gives the app goes through here.
Python's own tools are too generous for that: ``'²'.isdigit()`` is true and ``int('²')`` raises;
``int('٣')`` and ``int('３')`` read Arabic-Indic and full-width digits; ``int`` and ``float`` take
``'1_000'``, ``' 7 '``, ``'+7'``, ``'1e400'``; a year 9999 is a valid ``date`` whose arithmetic then
overflows; and a number past the database's integers reaches it and fails there.  So: ASCII digits only,
explicit bounds, and one exception type whose message is pt-BR and can be shown as it is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from werkzeug.routing import BaseConverter, ValidationError

from .formatting import data

#: Largest id a URL or a form may name.  The keys are ``INTEGER`` columns: 64-bit on SQLite but
#: 32-bit on PostgreSQL, where a larger number is "integer out of range" (a 500), not a miss.
MAX_ID = 2**31 - 1
#: Dates the app reasons about (births, inclusions, events, filters).  Outside them the answer is
#: "invalid date", never an overflow further down (``date.max + timedelta(days=1)``).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DECIMAL = re.compile(r"-?[0-9]{1,3}(?:[.,][0-9]{1,15})?")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the catalog's slugs (plans/schema.py)
MAX_SLUG = 100


class ParseError(ValueError):
    """Input that does not parse; ``str(error)`` is a pt-BR sentence for the person who typed it."""


def is_ascii_digits(text: str) -> bool:
    """True when *text* is one or more of 0-9 and nothing else (``str.isdigit`` says yes to '²')."""
    return bool(_ASCII_DIGITS.fullmatch(text))


def parse_int(text: str, *, minimum: int, maximum: int, what: str = "O número") -> int:
    """A non-negative integer written in ASCII digits, between *minimum* and *maximum*."""
    text = text.strip()
    # The length test comes first, so a thousand-digit string is never handed to int().
    if not is_ascii_digits(text) or len(text) > len(str(maximum)):
        raise ParseError(f"{what} deve ter só algarismos (de {minimum} a {maximum}).")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParseError(f"{what} deve estar entre {minimum} e {maximum}.")
    return value


def is_slug(text: str) -> bool:
    """True for a lower-case slug (``cassems-odonto``): the only shape a product's key can have,
    so anything else (a NUL, which PostgreSQL refuses in a text parameter) is never looked up."""
    return len(text) <= MAX_SLUG and bool(_SLUG.fullmatch(text))


def parse_id(text: str) -> int | None:
    """A database id (1 … 2³¹−1) or None: callers answer None with a 404, not a 400."""
    try:
        return parse_int(text, minimum=1, maximum=MAX_ID)
    except ParseError:
        return None


def parse_date(text: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE,
               what: str = "A data") -> date:
    """A date written AAAA-MM-DD in ASCII digits, between *earliest* and *latest*."""
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        raise ParseError(f"{what} deve estar no formato AAAA-MM-DD.")
    try:
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ParseError(f"{what} não existe no calendário.") from None
    if not earliest <= value <= latest:
        raise ParseError(f"{what} deve estar entre {data(earliest)} e {data(latest)}.")
    return value


def parse_decimal(text: str, *, minimum: float, maximum: float, what: str = "O número") -> float:
    """A decimal number in ASCII digits (point or comma), finite, between the bounds: coordinates."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ParseError(f"{what} deve ser um número como -22.9068.")
    value = float(text.replace(",", "."))
    if not minimum <= value <= maximum:
        raise ParseError(f"{what} deve estar entre {minimum:g} e {maximum:g}.")
    return value


def control_characters(text: str, *, allow_newlines: bool = False) -> list[str]:
    """The control and format characters in *text* (NUL, CR/LF, bidi overrides...), as ``U+XXXX``."""
    if text.isprintable():  # no character of any "Other" category: the common case, in C
        return []
    # Zero-width (non-)joiners are format characters that emoji and some scripts need.
    allowed = {"\u200c", "\u200d"} | ({"\n", "\r", "\t"} if allow_newlines else set())
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(text)
            if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")]


def clean_text(text: str, *, max_length: int, what: str = "O texto", allow_newlines: bool = False) -> str:
    """Free text, trimmed: refused when longer than *max_length* or holding control characters."""
    text = text.strip()
    if len(text) > max_length:
        raise ParseError(f"{what} pode ter no máximo {max_length} caracteres.")
    if control_characters(text, allow_newlines=allow_newlines):
        raise ParseError(f"{what} tem caracteres de controle; digite de novo só o texto.")
    return text


def clean_line(text: str, *, max_length: int, what: str = "O texto") -> str:
    """One line of free text (a search box, a protocol number): control characters refused (a
    browser's single-line field never sends CR/LF or NUL), blanks collapsed, then bounded."""
    if control_characters(text):
        raise ParseError(f"{what} tem caracteres de controle; digite de novo só o texto.")
    return clean_text(" ".join(text.split()), max_length=max_length, what=what)


class IdConverter(BaseConverter):
    """``<id:name>`` in a route: ASCII digits, 1 … ``MAX_ID``; anything else does not match (a 404).

    Werkzeug's ``int`` converter matches ``\\d+``, which in Python includes Arabic-Indic and
    full-width digits, and has no upper bound, so ``/x/99999999999999999999`` reached the
    database as an integer it cannot hold.
    """

    regex = r"[0-9]{1,10}"  # len(str(MAX_ID)); to_python checks the value
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
