"""A file layout: the columns of one kind of operator file, which of them are required and how
long a free text may be.  The importer reads a file by its layout and the demo writes one, so
the demo goes through the real import path; the README's tables describe the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reading import CsvFile, read_csv


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str
    #: Set for a free-text column: the longest value a cell may bring (its database column's
    #: length, :func:`column_length`), read by ``RowCells.texts``.
    max_length: int | None = None


class Layout:
    """The columns of one kind of file, in the order files are written (any order is read)."""

    def __init__(self, *columns: Column):
        self.columns = columns
        self.names = tuple(c.name for c in columns)
        self.required = frozenset(c.name for c in columns if c.required)
        self.text_limits = {c.name: c.max_length for c in columns if c.max_length is not None}

    def read(self, path: Path) -> CsvFile:
        """The data lines of the file at *path* (:func:`read_csv`)."""
        return read_csv(path, self.names, self.required)


def column_length(attribute) -> int:
    """The length of a mapped ``String(n)`` column: the longest value a cell may bring to it."""
    length = attribute.type.length
    if length is None:
        raise ValueError(f"{attribute} has no length; give the importer a limit of its own")
    return length
