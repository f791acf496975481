"""``flask --app webapp history …``: import the operator's usage and authorization files, build
the demo history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core import clock
from ..core.imports.command import (
    csv_file_argument,
    import_file,
    lines_read,
    rejects_option,
    today_option,
)
from .demo import create_demo_history as build
from .importer import UpsertReport, import_authorizations, import_usage

history_cli = AppGroup("history", help="Extrato de utilização e autorizações (guias).")

_today = today_option("Data de referência (AAAA-MM-DD); datas depois dela são rejeitadas.")


def _import(kind: str, function, csv_file: Path, rejects_path: Path | None, today: date | None, what: str) -> None:
    def summary(report: UpsertReport) -> str:
        return (f"{lines_read(report)}.\n"
                f"{what}: {report.created} novos, {report.updated} alterados, {report.unchanged} sem mudança.")

    import_file(kind, lambda session: function(session, csv_file, today=today), csv_file, rejects_path, summary)


@history_cli.command("import")
@csv_file_argument
@rejects_option
@_today
def import_usage_command(csv_file: Path, rejects_path: Path | None, today: date | None) -> None:
    """Importa o arquivo de utilização CSV_FILE (layout no README); linhas ruins são relatadas."""
    _import("usage", import_usage, csv_file, rejects_path, today, "Eventos")


@history_cli.command("import-authorizations")
@csv_file_argument
@rejects_option
@_today
def import_authorizations_command(csv_file: Path, rejects_path: Path | None, today: date | None) -> None:
    """Importa o arquivo de autorizações (guias) CSV_FILE, uma linha por procedimento."""
    _import("authorizations", import_authorizations, csv_file, rejects_path, today, "Guias")


def create_demo_history() -> None:
    """Histories of the demo families, through the importer (idempotent)."""
    with current_app.extensions["db"].write_session() as session:
        summary = build(session, clock.today())
    if not summary.families:
        click.echo("Extratos de demonstração: nenhuma família de demonstração encontrada.")
        return
    usage, guides = summary.usage, summary.authorizations
    click.echo(f"Extratos de demonstração ({summary.families} famílias): "
               f"{usage.created if usage else 0} eventos novos, {usage.updated if usage else 0} alterados; "
               f"{guides.created if guides else 0} guias novas, {guides.updated if guides else 0} alteradas.")


@history_cli.command("demo")
def demo_command() -> None:
    """Gera e importa o histórico das famílias de demonstração (rode de novo após importar a rede)."""
    create_demo_history()
