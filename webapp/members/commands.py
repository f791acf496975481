"""``flask --app webapp members import``: import an operator's member file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ..core.imports.command import (
    csv_file_argument,
    import_file,
    lines_read,
    rejects_option,
    today_option,
)
from ..core.imports.reading import FatalImportError
from .importer import MAX_CANCEL_SHARE, CancellationsNotConfirmed, MemberReport, import_members


def summary(report: MemberReport) -> str:
    text = (f"{lines_read(report)}, {len(report.warnings)} avisos.\n"
            f"Beneficiários: {report.created} novos, {report.updated} alterados, {report.unchanged} sem mudança, "
            f"{report.cancelled} cancelados.")
    if report.full_blocked:
        text += (f"\nCancelamentos bloqueados: {report.rejected_lines} linhas do arquivo foram rejeitadas, e uma linha "
                 f"que não foi lida pode ser justamente de quem seria cancelado. Ninguém foi cancelado "
                 f"({report.cancellations_kept} seriam). Corrija as linhas rejeitadas e importe o arquivo de novo.")
    return text


@click.command("import")
@with_appcontext
@csv_file_argument
@click.option("--full", is_flag=True, help="O arquivo é a base inteira das operadoras que ele cita: quem não estiver "
                                          "nele fica cancelado a partir de hoje (só se nenhuma linha for rejeitada).")
@rejects_option
@today_option("Data de referência (AAAA-MM-DD).")
@click.option("--confirmar-cancelamentos", "confirm_cancellations", type=click.IntRange(min=0), metavar="N",
              help="Confirma que o arquivo cancela exatamente N beneficiários; necessário quando ele cancelaria "
                   f"mais de {MAX_CANCEL_SHARE:.0%} dos beneficiários de uma operadora.")
def member_import(csv_file: Path, full: bool, rejects_path: Path | None, today: date | None,
                  confirm_cancellations: int | None) -> None:
    """Importa o arquivo de beneficiários CSV_FILE (layout no README); arquivo com erro fatal não muda nada."""

    def run(session):
        try:
            return import_members(
                session, csv_file, full=full, today=today, confirm_cancellations=confirm_cancellations,
                progress=lambda rows: tqdm(rows, desc="linhas", unit=" linhas", file=sys.stderr, disable=None,
                                           mininterval=0.5))
        except CancellationsNotConfirmed as error:
            raise FatalImportError(f"{error}. Se esses cancelamentos estão certos, importe de novo com "
                                   f"--confirmar-cancelamentos {error.total}.") from None

    import_file("members", run, csv_file, rejects_path, summary)
