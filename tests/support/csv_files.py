"""Operators' CSV files, as the importers' tests write them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_csv(path: Path, rows: Iterable[dict], columns: Sequence[str]) -> Path:
    """*rows* under a header of *columns*: UTF-8, one line a row; a cell a row lacks is left empty,
    a key that is not a column is left out."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path
