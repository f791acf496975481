"""``flask --app webapp history …``: import the operator's usage and authorization files, build
the demo history."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

history_cli = AppGroup("history", help="Extrato de utilização e autorizações (guias).")


def _run_import(function, csv_file: Path, rejects_path: Path | None, today, what: str) -> None:
    from ..core.imports import run_import
    from .importer import write_rejects

    report = run_import(lambda session: function(session, csv_file, today=today.date() if today else None))
    click.echo(f"{report.rows} linhas lidas: {report.accepted} aceitas, {report.rejected_lines} rejeitadas.\n"
               f"{what}: {report.created} novos, {report.updated} alterados, {report.unchanged} sem mudança.")
    if report.rejects:
        target = rejects_path or csv_file.with_name(csv_file.stem + "-rejeicoes.csv")
        write_rejects(report, target)
        for item in report.rejects[:20]:
            click.echo(f"  linha {item.line}, coluna {item.column or '-'}: {item.reason} [{item.value}]")
        if len(report.rejects) > 20:
            click.echo(f"  … e mais {len(report.rejects) - 20}.")
        click.echo(f"Relatório completo: {target}")


_file = click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_rejects = click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
                        help="Onde gravar o relatório de linhas rejeitadas (CSV). Padrão: ao lado do arquivo.")
_today = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
                      help="Data de referência (AAAA-MM-DD); datas depois dela são rejeitadas.")


@history_cli.command("import")
@_file
@_rejects
@_today
def import_usage_command(csv_file: Path, rejects_path: Path | None, today) -> None:
    """Importa o arquivo de utilização CSV_FILE (layout no README); linhas ruins são relatadas."""
    from .importer import import_usage

    _run_import(import_usage, csv_file, rejects_path, today, "Eventos")


@history_cli.command("import-authorizations")
@_file
@_rejects
@_today
def import_authorizations_command(csv_file: Path, rejects_path: Path | None, today) -> None:
    """Importa o arquivo de autorizações (guias) CSV_FILE, uma linha por procedimento."""
    from .importer import import_authorizations

    _run_import(import_authorizations, csv_file, rejects_path, today, "Guias")


def create_demo_history() -> None:
    """Histories of the demo families, through the importer (idempotent)."""
    from ..core import clock
    from .demo import create_demo_history as build

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
