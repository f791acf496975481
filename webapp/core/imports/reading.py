"""Reading an operator's CSV file without trusting it: the first step of every importer.

No layout (network, usage, authorizations) has a cell that may span lines, so every physical
line is one record and is split on its own.  The csv module, reading a whole file, lets a stray
``"`` open a cell that swallows the following lines up to the next quote, silently; read line by
line, that quote only spoils its own line, which is reported with its number while the lines
after it are read as written.  Likewise a line that is not UTF-8, has more or fewer cells than
the header, a control character (NUL, CR, escape sequences…) or an overlong cell is a rejected
row with its line and a pt-BR reason, never a traceback and never a merged line.  Only problems
of the file as a whole (unreadable, header not UTF-8, unknown or missing columns, no data) stop
the import: :class:`FatalImportError`.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..parsing import control_characters

#: Longest cell any layout needs (the longest free texts, reasons, stop at 2,000 characters).
MAX_CELL = 2000
#: Longest line read at all; the csv module refuses cells past 131,072 characters anyway.
MAX_LINE = 100_000


class FatalImportError(Exception):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass(frozen=True)
class Reject:
    """One problem of one line: a rejected cell or line, or a warning.  *column* is empty when
    the whole line is at fault; *value* is the cell as a report may show it (:func:`shown`)."""

    line: int
    column: str
    value: str
    reason: str


def shown(value: str, limit: int = 200) -> str:
    """*value* as a report shows it: control characters written as ``\\u0000`` (so a NUL or an
    escape sequence never reaches the operator's terminal or spreadsheet), cut at *limit*."""
    marks = set(control_characters(value))
    if marks:
        value = "".join(f"\\u{ord(ch):04x}" if f"U+{ord(ch):04X}" in marks else ch for ch in value)
    return value[:limit]


@dataclass(frozen=True)
class Row:
    """One data line split into the header's cells, with the problems found while reading it
    (encoding, control characters, overlong cells); a row with problems is to be rejected."""

    line: int
    cells: dict[str, str]
    problems: tuple[Reject, ...] = ()


@dataclass(frozen=True)
class CsvFile:
    rows: list[Row]
    #: Lines that could not be split into the header's cells (a stray quote, a wrong number of
    #: cells, a carriage return inside the line): their cells, and so their keys, are unknown.
    unreadable: list[Reject]

    @property
    def lines(self) -> int:
        """Data lines in the file (blank lines aside)."""
        return len(self.rows) + len(self.unreadable)


def _split(text: str) -> list[str]:
    return next(csv.reader([text], strict=True))


def _unsplittable(text: str) -> str | None:
    """Why *text* cannot be one record, or None when it splits."""
    if len(text) > MAX_LINE:
        return f"linha longa demais ({len(text)} caracteres)"
    if "\r" in text:
        return "retorno de carro (U+000D) no meio da linha: uma célula não pode ter quebra de linha"
    try:
        _split(text)
    except csv.Error:
        if text.count('"') % 2:
            return ("aspas abertas que não fecham nesta linha: uma célula não pode ocupar mais de uma "
                    "linha, e aspas dentro de uma célula entre aspas são escritas dobradas (\"\")")
        return ("aspas fora do lugar: uma célula entre aspas deve começar e terminar com aspas, "
                "logo antes e logo depois das vírgulas")
    return None


def read_csv(path: Path, columns: Iterable[str], required: Iterable[str]) -> CsvFile:
    """The data lines of a UTF-8, comma-separated file whose header names some of *columns*."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FatalImportError(f"não foi possível ler o arquivo: {exc.strerror}") from exc
    data = data.removeprefix(codecs.BOM_UTF8)
    # b"\n" never occurs inside a multi-byte UTF-8 character, so bytes split where text would.
    lines = data.split(b"\n")
    try:
        header_text = lines[0].removesuffix(b"\r").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FatalImportError(f"o arquivo não está em UTF-8 (linha 1, byte {exc.start + 1})") from exc
    if not header_text.strip():
        raise FatalImportError("arquivo vazio: falta a linha de cabeçalho")
    problem = _unsplittable(header_text)
    if problem:
        raise FatalImportError(f"cabeçalho ilegível: {problem}")
    names = [name.strip() for name in _split(header_text)]
    columns, required = tuple(columns), frozenset(required)
    unknown = [shown(name, 60) for name in names if name not in columns]
    if unknown:
        raise FatalImportError(f"coluna desconhecida no cabeçalho: {', '.join(unknown)}")
    missing = [c for c in columns if c in required and c not in names]
    if missing:
        raise FatalImportError(f"colunas obrigatórias ausentes: {', '.join(missing)}")
    if len(set(names)) != len(names):
        raise FatalImportError("coluna repetida no cabeçalho")

    rows: list[Row] = []
    unreadable: list[Reject] = []
    for number, raw in enumerate(lines[1:], start=2):
        raw = raw.removesuffix(b"\r")
        if not raw.strip():
            continue
        try:
            text, undecodable = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            # Bytes that are not UTF-8 are never ASCII, so never a comma or a quote: with each
            # replaced by U+FFFD the line splits where it would have, and the cell is known.
            text, undecodable = raw.decode("utf-8", errors="replace"), True
        problem = _unsplittable(text)
        if problem is None:
            cells = _split(text)
            if len(cells) != len(names):
                problem = f"a linha tem {len(cells)} células e o cabeçalho tem {len(names)}"
        if problem:
            unreadable.append(Reject(number, "", shown(text), problem))
            continue
        row = dict(zip(names, cells))
        problems = []
        for name, value in row.items():
            if undecodable and "\ufffd" in value:
                problems.append(Reject(number, name, shown(value),
                                       "a célula não está em UTF-8: salve o arquivo como UTF-8"))
            elif marks := control_characters(value):
                problems.append(Reject(number, name, shown(value),
                                       f"caractere de controle ({', '.join(marks)}) na célula"))
            elif len(value) > MAX_CELL:
                problems.append(Reject(number, name, shown(value), f"célula longa demais ({len(value)} "
                                                                   f"caracteres; máximo {MAX_CELL})"))
        rows.append(Row(number, row, tuple(problems)))
    if not rows and not unreadable:
        raise FatalImportError("o arquivo não tem linhas de dados")
    return CsvFile(rows, unreadable)


def no_valid_row(rejects: list[Reject]) -> FatalImportError:
    """The error of a file none of whose rows could be imported, naming the first problem."""
    first = min(rejects, key=lambda r: r.line, default=None)
    detail = f" (linha {first.line}: {first.reason})" if first else ""
    return FatalImportError(f"nenhuma linha válida: nada foi importado{detail}")
