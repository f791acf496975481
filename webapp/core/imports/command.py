"""An import on the command line: the file argument and the options every import command
shares, all of the import in one transaction or nothing, and what the operator is told — the
summary, the first rejected lines, the rejects file — with exit status 1 when nothing was
imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import current_app
from sqlalchemy.orm import Session

from .. import metrics
from .reading import FatalImportError
from .report import ImportReport, write_rejects

Report = TypeVar("Report", bound=ImportReport)

#: Rejected lines printed on the terminal; the rejects file lists them all.
REJECTS_SHOWN = 20

csv_file_argument = click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
rejects_option = click.option(
    "--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Onde gravar o relatório de linhas rejeitadas (CSV). Padrão: ao lado do arquivo.")


def today_option(help: str):
    """``--today AAAA-MM-DD``, given to the command as a date (None when not given)."""
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help=help,
                        callback=lambda _context, _option, value: value.date() if value else None)


def run_import(run: Callable[[Session], Report]) -> Report:
    """``run(session)`` in a session of its own, one write transaction committed when it
    returns; a file-level problem (FatalImportError) rolls everything back and becomes a pt-BR
    command error.

    On SQLite the transaction takes the write lock before the first read, so an import waits
    for the app's writers (``busy_timeout``) instead of failing halfway with "database is
    locked"; while it runs, the app's writes wait for it."""
    try:
        with current_app.extensions["db"].write_session() as session:
            return run(session)
    except FatalImportError as error:
        raise click.ClickException(f"importação cancelada, nada foi alterado — {error}") from None


def lines_read(report: ImportReport) -> str:
    """The first words of every summary: lines read, accepted and rejected."""
    return f"{report.rows} linhas lidas: {report.accepted} aceitas, {report.rejected_lines} rejeitadas"


def import_file(kind: str, run: Callable[[Session], Report], csv_file: Path, rejects_path: Path | None,
                summary: Callable[[Report], str]) -> None:
    """Import *csv_file* with ``run(session)`` (:func:`run_import`), print ``summary(report)``
    and the first rejected lines, and write the rejects file (by default beside the file).
    The rows accepted and rejected are counted in the metrics under *kind* (``network``…)."""
    try:
        report = run_import(run)
    except click.ClickException:
        metrics.count_import(kind, imported=False)
        raise
    metrics.count_import(kind, accepted=report.accepted, rejected=report.rejected_lines)
    click.echo(summary(report))
    if report.rejects or report.warnings:
        target = rejects_path or csv_file.with_name(csv_file.stem + "-rejeicoes.csv")
        write_rejects(report, target)
        for item in report.rejects[:REJECTS_SHOWN]:
            click.echo(f"  linha {item.line}, coluna {item.column or '-'}: {item.reason} [{item.value}]")
        if len(report.rejects) > REJECTS_SHOWN:
            click.echo(f"  … e mais {len(report.rejects) - REJECTS_SHOWN}.")
        click.echo(f"Relatório completo: {target}")
