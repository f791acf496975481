"""``flask --app webapp network import``: import an operator's network file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from tqdm import tqdm

from ..core.imports.command import (
    csv_file_argument,
    import_file,
    lines_read,
    rejects_option,
    today_option,
)
from ..core.imports.reading import FatalImportError
from .geocoding import configured_geocoder
from .importer import MAX_EXIT_SHARE, ExitsNotConfirmed, NetworkReport, import_network

network_cli = AppGroup("network", help="Rede credenciada: importação do arquivo da operadora.")


def _summary(report: NetworkReport) -> str:
    summary = (
        f"{lines_read(report)}, {len(report.warnings)} avisos.\n"
        f"Prestadores: {report.providers_created} novos, {report.providers_updated} alterados, "
        f"{report.providers_unchanged} sem mudança. Locais: {report.locations_created} novos, "
        f"{report.locations_updated} alterados, {report.locations_deactivated} desativados, "
        f"{report.locations_verified} com verificação nova, {report.locations_accepting_informed} com "
        f"\"aceita novos pacientes\" informado.\n"
        f"Vínculos com planos: {report.memberships_created} novos, {report.memberships_updated} alterados, "
        f"{report.memberships_ended} encerrados. Alterações de rede registradas: {report.changes_recorded}.\n"
        f"Coordenadas: {report.geocoded} geocodificadas, {report.approximate} aproximadas (sede do município)."
    )
    if report.corrections_kept or report.corrections_superseded:
        summary += (
            f"\nCorreções da equipe de rede: {report.corrections_kept} mantidas (o arquivo ainda traz o valor "
            f"antigo), {report.corrections_superseded} encerradas (o arquivo agora traz outro valor)."
        )
    if report.exits_blocked:
        summary += (
            f"\nSaídas bloqueadas: {report.rejected_lines} linhas do arquivo foram rejeitadas, e uma linha que não "
            f"foi lida pode ser justamente de quem sairia. Nenhum vínculo foi encerrado "
            f"({report.memberships_kept} seriam) e nenhum local foi desativado ({report.locations_kept} seriam). "
            f"Corrija as linhas rejeitadas e importe o arquivo de novo."
        )
    return summary


@network_cli.command("import")
@csv_file_argument
@click.option("--full", is_flag=True, help="O arquivo é a rede inteira: quem não estiver nele sai da rede hoje "
                                          "(só se nenhuma linha for rejeitada).")
@rejects_option
@today_option("Data de referência (AAAA-MM-DD).")
@click.option("--confirmar-saidas", "confirm_exits", type=click.IntRange(min=0), metavar="N",
              help="Confirma que o arquivo encerra exatamente N vínculos com planos; necessário quando ele tiraria "
                   f"mais de {MAX_EXIT_SHARE:.0%} da rede de um plano.")
def network_import(csv_file: Path, full: bool, rejects_path: Path | None, today: date | None,
                   confirm_exits: int | None) -> None:
    """Importa CSV_FILE (layout em webapp/network/layout.py); arquivo com erro fatal não muda nada."""

    def run(session):
        try:
            return import_network(
                session, csv_file, full=full, today=today,
                geocoder=configured_geocoder(current_app.config, session), confirm_exits=confirm_exits,
                progress=lambda rows: tqdm(rows, desc="linhas", unit=" linhas", file=sys.stderr,
                                           disable=None, mininterval=0.5),
            )
        except ExitsNotConfirmed as error:
            raise FatalImportError(f"{error}. Se essas saídas estão certas, importe de novo com "
                                   f"--confirmar-saidas {error.exits}.") from None

    import_file("network", run, csv_file, rejects_path, _summary)
