"""Import of the operator's usage and authorization files: validation, rejects, idempotency."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.clock import TODAY
from tests.support.databases import BACKENDS
from tests.support.history import authorization_row, usage_row, write_authorizations, write_csv
from tests.support.members import CASSEMS, LEVE, family_of
from webapp.core.imports.cells import parse_money
from webapp.history.importer import FatalImportError, import_authorizations, import_usage
from webapp.history.models import Authorization, AuthorizationItem, UsageEvent


@pytest.fixture
def leve(families):
    return family_of(families, LEVE)


@pytest.fixture
def cassems(families):
    return family_of(families, CASSEMS)


def good_rows(holder, child):
    return [
        usage_row(event_id="E1", card_number=holder.card_number, performed_on="2026-03-02",
                  procedure="consulta-odontologica-inicial", operator_code="81000049", amount="60,00"),
        usage_row(event_id="E2", card_number=holder.card_number, performed_on="2026-03-09",
                  procedure="restauracao-resina-fotopolimerizavel-2-faces", tooth="36", faces="mo", amount="110.5",
                  provider_key="P0000001", location_key="P0000001-L1", authorization_number="123"),
        usage_row(event_id="E3", card_number=holder.card_number, performed_on="2026-04-01",
                  procedure="clareamento-dente-desvitalizado", tooth="21", status="negado",
                  status_reason="Tratamento estético fora da cobertura (cláusula 11.1, e)."),
        usage_row(event_id="E4", card_number=holder.card_number, performed_on="2026-05-01",
                  procedure="consulta-odontologica", source="reembolso", status="reembolsado", amount="180",
                  reimbursed="60", provider_name="Dra. Fora da Rede"),
        usage_row(event_id="E5", card_number=child.card_number, performed_on=TODAY.isoformat(),
                  procedure="exodontia-simples-deciduo", tooth="74", status="glosado", status_reason="Guia sem assinatura."),
    ]


def stamps_of(session) -> dict:
    return {key: at for key, at in session.execute(select(UsageEvent.event_key, UsageEvent.updated_at))}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_same_file_twice_changes_nothing(families, leve, tmp_path):
    holder, _spouse, child = leve
    path = write_csv(tmp_path / "extrato.csv", good_rows(holder, child))
    first = import_usage(families, path, today=TODAY)
    assert (first.rows, first.accepted, first.created, first.rejects) == (5, 5, 5, [])
    stamps = stamps_of(families)
    second = import_usage(families, path, today=TODAY)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5) and not second.changed_anything
    assert stamps_of(families) == stamps
    assert count(families, UsageEvent) == 5

    stored = families.scalars(select(UsageEvent).where(UsageEvent.event_key == "E2")).one()
    assert (stored.tooth, stored.faces, stored.amount_cents, stored.member_id, stored.source) == (
        36, "MO", 11050, holder.id, "rede")
    refund = families.scalars(select(UsageEvent).where(UsageEvent.event_key == "E4")).one()
    assert (refund.amount_cents, refund.reimbursed_cents, refund.source) == (18000, 6000, "reembolso")


def test_a_changed_row_updates_only_that_event(families, leve, tmp_path):
    holder, _spouse, child = leve
    rows = good_rows(holder, child)
    import_usage(families, write_csv(tmp_path / "a.csv", rows), today=TODAY)
    before = stamps_of(families)
    rows[0]["amount"] = "65,00"
    report = import_usage(families, write_csv(tmp_path / "b.csv", rows), today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    after = stamps_of(families)
    assert after["E1"] > before["E1"] and {k: v for k, v in after.items() if k != "E1"} == {
        k: v for k, v in before.items() if k != "E1"}


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_planted_bad_rows_are_each_reported_and_the_good_ones_go_in(families, leve, cassems, tmp_path):
    holder, _spouse, child = leve
    c_holder = cassems[0]
    card = holder.card_number
    planted = [  # (row, column, part of the reason); the file line is the position + 3
        (usage_row(event_id="B1", card_number="999999999"), "card_number", "beneficiário não encontrado"),
        (usage_row(event_id="B2", card_number=card, procedure="dentadura-magica"), "procedure", "desconhecido"),
        (usage_row(event_id="B3", card_number=card, performed_on=(TODAY + timedelta(days=1)).isoformat()),
         "performed_on", "data no futuro"),
        (usage_row(event_id="B4", card_number=card, performed_on="2026-02-30"), "performed_on",
         "não existe no calendário"),
        (usage_row(event_id="B5", card_number=card, procedure="radiografia-periapical", tooth="19"), "tooth",
         "notação FDI"),
        (usage_row(event_id="B6", card_number=card, tooth="36"), "tooth", "não é feito em um dente"),
        (usage_row(event_id="B7", card_number=card, procedure="restauracao-resina-fotopolimerizavel-2-faces",
                   tooth="36", faces="MOD"), "faces", "de 2 faces; foram informadas 3"),
        (usage_row(event_id="B8", card_number=card, procedure="restauracao-amalgama", tooth="36", faces="I"),
         "faces", "face incisal só existe em incisivos e caninos"),
        (usage_row(event_id="B9", card_number=card, procedure="exodontia-simples-deciduo", tooth="36"), "tooth",
         "dente decíduo"),
        (usage_row(event_id="B10", card_number=card, status="negado"), "status_reason", "informe o motivo"),
        (usage_row(event_id="B11", card_number=card, status="feito"), "status", "use realizado"),
        (usage_row(event_id="B12", card_number=card, amount="1.234,56"), "amount", "valor inválido"),
        (usage_row(event_id="B13", card_number=c_holder.card_number, amount="100", copayment="20"), "copayment",
         "não tem coparticipação"),
        (usage_row(event_id="B14", card_number=child.card_number, performed_on="2025-01-01"), "performed_on",
         "anterior à inclusão"),
        (usage_row(event_id="B15", card_number=card, status="reembolsado", source="reembolso", amount="100"),
         "reimbursed", "informe o valor reembolsado"),
        (usage_row(event_id="B16", card_number=card, amount="50", reimbursed="80", status="reembolsado",
                   source="reembolso"), "reimbursed", "maior que o valor"),
        (usage_row(event_id="B17", card_number=card, source="particular"), "source", "use rede ou reembolso"),
        (usage_row(event_id="E1", card_number=card, performed_on="2026-03-03"), "event_id", "evento repetido"),
        (usage_row(event_id="", card_number=card), "event_id", "campo obrigatório vazio"),
    ]
    good = usage_row(event_id="E1", card_number=card, performed_on="2026-03-02",
                     procedure="consulta-odontologica-inicial")
    path = write_csv(tmp_path / "extrato.csv", [good, *(row for row, _, _ in planted)])
    report = import_usage(families, path, today=TODAY)
    assert report.accepted == 1 and report.created == 1
    assert report.rejected_lines == len(planted)
    by_line = {}
    for reject in report.rejects:
        by_line.setdefault(reject.line, []).append(reject)
    for position, (_row, column, reason) in enumerate(planted):
        found = by_line[position + 3]
        assert any(r.column == column and reason in r.reason for r in found), (position + 3, column, found)
    assert count(families, UsageEvent) == 1


# Cells a hostile or broken export sends: look-alike digits ('²³'.isdigit() is true and int('²³')
# raises; int('３６') is 36 and Decimal('１５0') is 150), control characters, values longer than
# their column (a database error on PostgreSQL, silently kept on SQLite), out-of-range dates.
USAGE_HOSTILE_CELLS = [
    ("tooth", "３６", "dente inválido"),
    ("tooth", "²³", "dente inválido"),
    ("tooth", "٣٦", "dente inválido"),
    ("card_number", "{card}²", "o número da carteirinha deve ter"),
    ("card_number", "{wide_card}", "o número da carteirinha deve ter"),
    ("performed_on", "２０２６-03-02", "AAAA-MM-DD"),
    ("performed_on", "20260302", "AAAA-MM-DD"),
    ("performed_on", "0001-01-01", "entre 01/01/1900"),
    ("amount", "１５0", "valor inválido"),
    ("amount", "150\x0b", "caractere de controle (U+000B)"),
    ("provider_name", "Dra. Ana\x00", "caractere de controle (U+0000)"),
    ("provider_name", "\x1b]0;x\x07Dra. Ana", "caractere de controle (U+001B, U+0007)"),
    ("event_id", "E" * 61, "no máximo 60 caracteres"),
    ("operator_code", "8" * 21, "no máximo 20 caracteres"),
    ("provider_key", "K" * 61, "no máximo 60 caracteres"),
    ("provider_name", "N" * 201, "no máximo 200 caracteres"),
    ("location_key", "L" * 81, "no máximo 80 caracteres"),
    ("authorization_number", "9" * 31, "no máximo 30 caracteres"),
    ("status_reason", "r" * 2001, "célula longa demais"),
]


def _hostile(value: str, card: str) -> str:
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in card)  # full-width digits
    return value.replace("{card}", card).replace("{wide_card}", wide)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("column", "value", "reason"), USAGE_HOSTILE_CELLS,
                         ids=[f"{column}-{n}" for n, (column, _, _) in enumerate(USAGE_HOSTILE_CELLS)])
def test_a_hostile_usage_cell_rejects_its_row_with_line_and_reason(families, leve, tmp_path, column, value, reason):
    holder = leve[0]
    bad = usage_row(event_id="BAD", card_number=holder.card_number, performed_on="2026-03-02",
                    procedure="radiografia-periapical", tooth="36")
    bad[column] = _hostile(value, holder.card_number)
    path = write_csv(tmp_path / "extrato.csv", [
        usage_row(event_id="OK1", card_number=holder.card_number, performed_on="2026-03-02"), bad,
        usage_row(event_id="OK2", card_number=holder.card_number, performed_on="2026-03-03"),
    ])
    report = import_usage(families, path, today=TODAY)
    assert [(r.line, r.column) for r in report.rejects] == [(3, column)], report.rejects
    assert reason in report.rejects[0].reason
    assert not any(ch in report.rejects[0].value for ch in "\x00\x1b\x07\x0b")  # shown escaped
    assert sorted(families.scalars(select(UsageEvent.event_key))) == ["OK1", "OK2"]


AUTHORIZATION_HOSTILE_CELLS = [
    ("protocol", "4023392026060100000²", "o protocolo deve ter de 10 a 30 dígitos"),
    ("protocol", "４０２３３９２０２６０６０１", "o protocolo deve ter de 10 a 30 dígitos"),
    ("tooth", "３６", "dente inválido"),
    ("tooth", "²³", "dente inválido"),
    ("card_number", "{card}²", "o número da carteirinha deve ter"),
    ("requested_on", "２０２６-06-01", "AAAA-MM-DD"),
    ("decided_on", "20260602", "AAAA-MM-DD"),
    ("valid_until", "9999-12-31", "entre 01/01/1900 e 31/12/2100"),
    ("provider_name", "Dra.\u202eAna", "caractere de controle (U+202E)"),
    ("procedure", "radiografia-periapical\x00", "caractere de controle (U+0000)"),
    ("authorization_number", "A" * 31, "no máximo 30 caracteres"),
    ("provider_key", "K" * 61, "no máximo 60 caracteres"),
    ("provider_name", "N" * 201, "no máximo 200 caracteres"),
    ("operator_code", "8" * 21, "no máximo 20 caracteres"),
]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize(("column", "value", "reason"), AUTHORIZATION_HOSTILE_CELLS,
                         ids=[f"{column}-{n}" for n, (column, _, _) in enumerate(AUTHORIZATION_HOSTILE_CELLS)])
def test_a_hostile_authorization_cell_rejects_its_guia_with_line_and_reason(families, leve, tmp_path, column, value,
                                                                             reason):
    holder = leve[0]
    bad = authorization_row(authorization_number="BAD", card_number=holder.card_number)
    bad[column] = _hostile(value, holder.card_number)
    path = write_authorizations(tmp_path / "guias.csv", [
        authorization_row(authorization_number="OK1", card_number=holder.card_number), bad,
        authorization_row(authorization_number="OK2", card_number=holder.card_number, protocol="40233920260601000002"),
    ])
    report = import_authorizations(families, path, today=TODAY)
    assert [(r.line, r.column) for r in report.rejects] == [(3, column)], report.rejects
    assert reason in report.rejects[0].reason
    assert sorted(families.scalars(select(Authorization.number))) == ["OK1", "OK2"]


def test_usage_lines_that_cannot_be_split_are_rejected_and_the_rest_imported(families, leve, tmp_path):
    card = leve[0].card_number
    path = write_csv(tmp_path / "extrato.csv", [
        usage_row(event_id=f"E{n}", card_number=card, performed_on="2026-03-02") for n in range(1, 6)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Dra. Ana Souza", '"Dra. Ana Souza')  # E2: a quote never closed
    lines[4] = lines[4] + ",extra"  # E4: one cell too many
    path.write_bytes(("\n".join(lines) + "\n").encode().replace(b"E5,", b"E\xed5,"))  # E5: a Latin-1 byte
    report = import_usage(families, path, today=TODAY)
    assert [(r.line, r.column) for r in report.rejects] == [(3, ""), (5, ""), (6, "event_id")]
    assert "aspas abertas" in report.rejects[0].reason and "18 células e o cabeçalho tem 17" in report.rejects[1].reason
    assert "não está em UTF-8" in report.rejects[2].reason
    assert sorted(families.scalars(select(UsageEvent.event_key))) == ["E1", "E3"]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
@pytest.mark.parametrize("broken", [
    pytest.param(lambda line: line.replace("Dra. Ana Souza", '"Dra. Ana Souza'), id="stray-quote"),
    pytest.param(lambda line: line + ",extra", id="extra-cell"),
    pytest.param(lambda line: line.replace("A2,", "A2\x00,", 1), id="control-character-in-the-number"),
])
def test_an_authorization_line_whose_guia_cannot_be_known_stops_the_file(runner, families, leve, tmp_path, broken):
    card = leve[0].card_number
    rows = [authorization_row(authorization_number=number, card_number=card, protocol=f"4023392026060100000{n}",
                              procedure=procedure, tooth="36")
            for n, (number, procedure) in enumerate([("A1", "tratamento-endodontico-multirradicular"),
                                                     ("A2", "tratamento-endodontico-multirradicular"),
                                                     ("A2", "radiografia-periapical")])]
    rows[2]["protocol"] = rows[1]["protocol"]
    path = write_authorizations(tmp_path / "guias.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = broken(lines[3])  # the second procedure of guia A2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FatalImportError, match="linha 4: .*uma guia entra inteira ou não entra"):
        import_authorizations(families, path, today=TODAY)
    assert count(families, Authorization) == 0 and count(families, AuthorizationItem) == 0

    result = runner.invoke(args=["history", "import-authorizations", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 1 and "importação cancelada, nada foi alterado — linha 4" in result.output
    assert count(families, Authorization) == 0


@pytest.mark.parametrize("content, message", [
    (b"event_id,card_number\n", "colunas obrigatórias ausentes"),
    (b"event_id,card_number,performed_on,procedure,provider_name,status,color\nE1,1,2026-01-01,x,y,realizado,z\n",
     "coluna desconhecida"),
    (b"", "falta a linha de cabe"),
    ("event_id,card_number,performed_on,procedure,provider_name,status\n".encode(), "não tem linhas de dados"),
    ("event_id,card_number,performed_on,procedure,provider_name,status\nE1,9,2026-01-01,consulta,Dra,ok\n"
     .encode("latin-1"), "nenhuma linha válida"),
    ("event_id,card_number,performed_on,procedure,provider_name,status\nE1,9,2026-01-01,Clínica,Dra,ok\n"
     .encode("latin-1"), "não está em UTF-8"),
])
def test_file_level_problems_are_fatal_and_change_nothing(families, tmp_path, content, message):
    path = tmp_path / "extrato.csv"
    path.write_bytes(content)
    with pytest.raises(FatalImportError, match=message):
        import_usage(families, path, today=TODAY)
    assert count(families, UsageEvent) == 0


def test_money_parsing():
    assert parse_money("150") == 15000 and parse_money("150,5") == 15050 and parse_money("0.99") == 99
    for bad in ("", "-5", "1.234,56", "1e3", "12.345", "abc"):
        assert parse_money(bad) is None


# --------------------------------------------------------------------------- authorizations


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_authorizations_import_with_the_leve_validity_and_twice_changes_nothing(families, leve, cassems, tmp_path):
    holder, spouse, _child = leve
    rows = [
        authorization_row(authorization_number="A1", card_number=holder.card_number),
        authorization_row(authorization_number="A1", card_number=holder.card_number,
                          procedure="radiografia-periapical", tooth="36"),
        authorization_row(authorization_number="A2", card_number=spouse.card_number, protocol="40233920261020000002",
                          requested_on="2026-10-20", decided_on="2026-10-21", status="negada",
                          denial_reason="Procedimento em carência.", denial_clause="cláusula 13", tooth="15",
                          procedure="tratamento-endodontico-unirradicular"),
        authorization_row(authorization_number="A3", card_number=holder.card_number, status="Em análise",
                          decided_on="", requested_on="2026-11-20", protocol="40233920261120000003"),
        authorization_row(authorization_number="A4", card_number=cassems[0].card_number, valid_until="2026-08-01",
                          protocol="41466220260601000004"),
    ]
    path = write_authorizations(tmp_path / "guias.csv", rows)
    report = import_authorizations(families, path, today=TODAY)
    assert (report.rows, report.accepted, report.created, report.rejects) == (5, 5, 4, [])
    a1 = families.scalars(select(Authorization).where(Authorization.number == "A1")).one()
    assert a1.valid_until == date(2026, 7, 2) and a1.validity_reference == "cláusula 15.5.9"  # 30 days (LEVE)
    assert [(i.procedure_id, i.tooth) for i in a1.items] == [("tratamento-endodontico-multirradicular", 36),
                                                              ("radiografia-periapical", 36)]
    a3 = families.scalars(select(Authorization).where(Authorization.number == "A3")).one()
    assert (a3.status, a3.decided_on, a3.valid_until) == ("em-analise", None, None)
    a4 = families.scalars(select(Authorization).where(Authorization.number == "A4")).one()
    assert (a4.valid_until, a4.validity_reference) == (date(2026, 8, 1), None)  # the operator's date

    again = import_authorizations(families, path, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert count(families, AuthorizationItem) == 5

    rows[1]["tooth"] = "37"
    changed = import_authorizations(families, write_authorizations(tmp_path / "g2.csv", rows), today=TODAY)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    families.refresh(a1)
    assert [i.tooth for i in a1.items] == [36, 37]


def test_bad_authorization_rows_reject_the_whole_guia(families, leve, tmp_path):
    holder, _spouse, _child = leve
    card = holder.card_number
    rows = [
        authorization_row(authorization_number="OK", card_number=card),
        authorization_row(authorization_number="G1", card_number=card),
        authorization_row(authorization_number="G1", card_number=card, procedure="radiografia-periapical",
                          tooth="99"),
        authorization_row(authorization_number="G2", card_number=card, status="negada"),
        authorization_row(authorization_number="G3", card_number=card, protocol="123"),
        authorization_row(authorization_number="G4", card_number=card),
        authorization_row(authorization_number="G4", card_number=card, requested_on="2026-05-30",
                          procedure="radiografia-periapical"),
        authorization_row(authorization_number="G5", card_number=card, decided_on="2026-05-01"),
        authorization_row(authorization_number="G6", card_number=card, status="aprovada"),
        authorization_row(authorization_number="G7", card_number=card, decided_on=""),
    ]
    report = import_authorizations(families, write_authorizations(tmp_path / "g.csv", rows), today=TODAY)
    assert report.created == 1 and report.accepted == 1
    reasons = {(r.line, r.column): r.reason for r in report.rejects}
    assert "notação FDI" in reasons[(4, "tooth")]
    assert reasons[(3, "authorization_number")] == "guia não importada: a linha 4 tem erro"
    assert "informe o motivo" in reasons[(5, "denial_reason")]
    assert "cláusula do contrato" in reasons[(5, "denial_clause")]
    assert "10 a 30 dígitos" in reasons[(6, "protocol")]
    assert reasons[(8, "requested_on")] == "dados da guia divergem da linha 7"
    assert reasons[(7, "authorization_number")] == "guia não importada: a linha 8 tem erro"
    assert "anterior ao pedido" in reasons[(9, "decided_on")]
    assert "use em-analise" in reasons[(10, "status")]
    assert "data obrigatória" in reasons[(11, "decided_on")]
    assert [a.number for a in families.scalars(select(Authorization))] == ["OK"]


def test_cli_imports_and_writes_the_rejects_report(runner, families, leve, tmp_path):
    holder, _spouse, child = leve
    rows = [*good_rows(holder, child), usage_row(event_id="X", card_number="123")]
    path = write_csv(tmp_path / "extrato.csv", rows)
    result = runner.invoke(args=["history", "import", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "6 linhas lidas: 5 aceitas, 1 rejeitadas" in result.output
    assert "linha 7, coluna card_number: beneficiário não encontrado" in result.output
    assert (tmp_path / "extrato-rejeicoes.csv").read_text(encoding="utf-8").startswith("linha,coluna,valor,motivo")
    again = runner.invoke(args=["history", "import", str(path), "--today", TODAY.isoformat()])
    assert "Eventos: 0 novos, 0 alterados, 5 sem mudança." in again.output

    guides = write_authorizations(tmp_path / "guias.csv", [authorization_row(card_number=holder.card_number)])
    result = runner.invoke(args=["history", "import-authorizations", str(guides), "--today", TODAY.isoformat()])
    assert result.exit_code == 0 and "Guias: 1 novos" in result.output

    bad = tmp_path / "ruim.csv"
    bad.write_text("event_id\n1\n", encoding="utf-8")
    failed = runner.invoke(args=["history", "import", str(bad)])
    assert failed.exit_code != 0 and "nada foi alterado" in failed.output
