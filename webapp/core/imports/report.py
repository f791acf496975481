"""What every import tells the operator: lines read, rows accepted, the rejected lines and the
warnings, each with its line, column, value and a pt-BR reason; and the rejects file that lists
them for a spreadsheet.  Each importer adds what it wrote to this shape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .reading import CsvFile, Reject, no_valid_row


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejects})

    def close_reading(self, file: CsvFile, accepted: int) -> None:
        """The lines of *file* and its *accepted* rows counted, the rejects in line order; a file
        without an accepted row is fatal (:class:`FatalImportError`), so nothing is written."""
        self.rows = file.lines
        self.rejects.sort(key=lambda r: r.line)
        self.accepted = accepted
        if not accepted:
            raise no_valid_row(self.rejects)


def write_rejects(report: ImportReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["linha", "coluna", "valor", "motivo", "tipo"])
        for kind, items in (("rejeitada", report.rejects), ("aviso", report.warnings)):
            for item in items:
                writer.writerow([item.line, item.column, item.value, item.reason, kind])
