"""``flask --app webapp members import``: the operator's member file, through the command line,
on SQLite and PostgreSQL — rejects with line and reason, fatal errors that change nothing, an
idempotent upsert by card number, ``--full`` only from a clean file and within a share, the
product's rules on dependants, hostile cells, and two imports at once."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.clock import TODAY
from tests.support.csv_files import write_csv
from tests.support.databases import (
    BACKENDS,
    drop_postgres_database,
    prepared_engine,
    recreate_postgres_database,
)
from webapp.core.clock import TIMEZONE
from webapp.members.demo import make_cpf
from webapp.members.importer import MAX_CANCEL_SHARE, age_on
from webapp.members.layout import COLUMN_NAMES, MEMBERS
from webapp.members.models import Member

LEVE, MASTER, CONVENCIONAL, INTEGRAL, CASSEMS = (
    "leve-dental-rj-1-adesao", "sintaema-master", "sintaema-convencional", "sintaema-integral", "cassems-odonto")

storage = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def today(frozen_clock):
    frozen_clock(TODAY)
    return TODAY


def person(n: int, **overrides) -> dict:
    """A LEVE holder, seed *n* (card 7000000n, CPF from the seed); *overrides* change or add cells."""
    row = {
        "card_number": f"7{n:07d}", "kinship": "titular", "name": f"Pessoa Teste {n}", "cpf": make_cpf(5000 + n),
        "birth_date": "1985-03-14", "sex": "F", "cns": f"70000000000{n:04d}", "contract_number": "CT-77",
        "contracting_date": "2025-01-10", "product": LEVE, "inclusion_date": "2025-02-01", "status": "ativo",
        "phone": "(21) 99876-5432", "email": f"pessoa{n}@example.com",
    }
    return {**row, **overrides}


def dependant(n: int, holder: int, **overrides) -> dict:
    cells = {"holder_card_number": f"7{holder:07d}", "kinship": "filho", "birth_date": "2015-06-01", "sex": "M",
             "phone": "", "email": "", **overrides}
    return person(n, **cells)


def run(runner, tmp_path, rows, *options, name="beneficiarios.csv"):
    path = write_csv(tmp_path / name, rows, COLUMN_NAMES)
    return runner.invoke(args=["members", "import", str(path), "--today", TODAY.isoformat(), *options])


def members(session) -> dict[str, Member]:
    session.expire_all()
    return {m.card_number: m for m in session.scalars(select(Member))}


def rejects_file(tmp_path, name="beneficiarios") -> list[str]:
    return (tmp_path / f"{name}-rejeicoes.csv").read_text(encoding="utf-8").splitlines()


@storage
def test_a_family_goes_in_holder_first_whatever_the_order_and_twice_changes_nothing(runner, session, tmp_path,
                                                                                    frozen_clock):
    rows = [
        dependant(2, 1, inclusion_time="14:30", sex="F"),  # the child comes before its holder
        person(1, inclusion_time="09:15", phone="21 98765 4321", cpf="123.456.789-09"),
        dependant(3, 1, kinship="conjuge", birth_date="1984-01-01", cpf=make_cpf(5003), exemption="", sex=""),
    ]
    result = run(runner, tmp_path, rows)
    assert result.exit_code == 0, result.output
    assert "3 linhas lidas: 3 aceitas, 0 rejeitadas, 0 avisos." in result.output
    assert "Beneficiários: 3 novos, 0 alterados, 0 sem mudança, 0 cancelados." in result.output
    found = members(session)
    holder, child, spouse = found["70000001"], found["70000002"], found["70000003"]
    assert holder.holder_id is None and child.holder_id == holder.id and spouse.holder_id == holder.id
    assert (holder.kinship, child.kinship, spouse.kinship) == ("titular", "filho", "conjuge")
    assert holder.cpf == "12345678909" and child.cpf == make_cpf(5002)
    assert holder.phone == "(21) 98765-4321" and child.phone is None
    assert holder.email == "pessoa1@example.com" and (holder.sex, child.sex, spouse.sex) == ("F", "F", None)
    assert holder.inclusion_at == datetime(2025, 2, 1, 9, 15, tzinfo=TIMEZONE)
    assert child.inclusion_at == datetime(2025, 2, 1, 14, 30, tzinfo=TIMEZONE)
    assert holder.contracting_date == date(2025, 1, 10) and holder.cns == "700000000000001"
    assert holder.status == "ativo" and holder.cancelled_on is None
    stamps = {card: m.updated_at for card, m in found.items()}

    again = run(runner, tmp_path, rows)
    assert again.exit_code == 0, again.output
    assert "Beneficiários: 0 novos, 0 alterados, 3 sem mudança, 0 cancelados." in again.output
    assert {card: m.updated_at for card, m in members(session).items()} == stamps

    frozen_clock(datetime(2026, 11, 24, 15, 0, tzinfo=TIMEZONE))  # later that day
    rows[1] = {**rows[1], "phone": "(21) 91111-2222"}
    changed = run(runner, tmp_path, rows)
    assert "Beneficiários: 0 novos, 1 alterados, 2 sem mudança, 0 cancelados." in changed.output
    after = members(session)
    assert after["70000001"].phone == "(21) 91111-2222"
    assert [card for card, m in after.items() if m.updated_at != stamps[card]] == ["70000001"]


@storage
def test_suspended_and_cancelled_members_and_a_holder_found_in_the_database(runner, session, tmp_path):
    assert run(runner, tmp_path, [person(1)]).exit_code == 0
    result = run(runner, tmp_path, [
        dependant(2, 1, status="suspenso"),
        dependant(3, 1, status="Cancelado", cancelled_on="2026-10-31"),
    ], name="dependentes.csv")
    assert result.exit_code == 0, result.output
    found = members(session)
    assert found["70000002"].holder_id == found["70000001"].id
    assert found["70000002"].status == "suspenso"
    assert (found["70000003"].status, found["70000003"].cancelled_on) == ("cancelado", date(2026, 10, 31))


REJECTS = [
    # (cells of the bad row, column, reason): the bad row is line 3, after a good holder
    ({"card_number": "7000A002"}, "card_number", "o número da carteirinha deve ter de 1 a 30 dígitos (0 a 9)"),
    ({"card_number": "70000²02"}, "card_number", "o número da carteirinha deve ter"),
    ({"card_number": "9" * 400}, "card_number", "o número da carteirinha deve ter"),
    ({"card_number": ""}, "card_number", "campo obrigatório vazio"),
    ({"kinship": "primo"}, "kinship", "vínculo desconhecido"),
    ({"holder_card_number": "70000001", "kinship": "titular"}, "holder_card_number",
     "titular não tem carteirinha de titular"),
    ({"kinship": "filho"}, "holder_card_number", "dependente sem a carteirinha do titular"),
    ({"name": ""}, "name", "campo obrigatório vazio"),
    ({"name": "x" * 201}, "name", "o texto pode ter no máximo 200 caracteres"),
    ({"name": "Ana\x00Souza"}, "name", "caractere de controle (U+0000)"),
    ({"name": "Ana\u202eSouza"}, "name", "caractere de controle (U+202E)"),
    ({"cpf": "123.456.789-00"}, "cpf", "CPF inválido (dígitos verificadores não conferem)"),
    ({"cpf": "１２３４５６７８９０９"}, "cpf", "o CPF deve ter 11 dígitos (0 a 9)"),
    ({"cpf": ""}, "cpf", "CPF obrigatório a partir de 12 anos (41 anos)"),
    ({"cpf": make_cpf(5001)}, "cpf", "CPF repetido (já na linha 2)"),
    ({"birth_date": "2026-11-25"}, "birth_date", "data de nascimento no futuro"),
    ({"birth_date": "2026-02-30"}, "birth_date", "a data não existe no calendário"),
    ({"birth_date": "1899-12-31"}, "birth_date", "a data deve estar entre 01/01/1900 e 31/12/2100"),
    ({"birth_date": "14/03/1985"}, "birth_date", "a data deve estar no formato AAAA-MM-DD"),
    ({"birth_date": "1985-0٣-14"}, "birth_date", "a data deve estar no formato AAAA-MM-DD"),
    ({"sex": "X"}, "sex", "use F ou M"),
    ({"cns": "70000000000001"}, "cns", "o CNS deve ter 15 dígitos"),
    ({"contract_number": ""}, "contract_number", "campo obrigatório vazio"),
    ({"contracting_date": ""}, "contracting_date", "campo obrigatório vazio"),
    ({"product": "leve-dental"}, "product", "plano desconhecido no catálogo"),
    ({"inclusion_date": "2025-01-09"}, "inclusion_date", "inclusão anterior à data de contratação (10/01/2025)"),
    ({"inclusion_time": "24:00"}, "inclusion_time", "hora inválida: use HH:MM, de 00:00 a 23:59"),
    ({"inclusion_time": "9h"}, "inclusion_time", "hora inválida"),
    ({"exemption": "conjuge-companheiro-30-dias"}, "exemption",
     "isenção de carência desconhecida para LEVE DENTAL RJ 1 Adesão (conhecidas: aniversario-contrato, "
     "ingresso-30-dias-celebracao)"),
    ({"status": "inativo"}, "status", "use ativo, suspenso ou cancelado"),
    ({"status": "cancelado"}, "cancelled_on", "data obrigatória (AAAA-MM-DD)"),
    ({"cancelled_on": "2026-01-01"}, "cancelled_on", "data de cancelamento só com a situação cancelado"),
    ({"status": "cancelado", "cancelled_on": "2026-11-25"}, "cancelled_on", "data de cancelamento no futuro"),
    ({"status": "cancelado", "cancelled_on": "2025-01-31"}, "cancelled_on", "cancelamento anterior à inclusão"),
    ({"phone": "(21) 2222-3333"}, "phone", "celular inválido"),
    ({"phone": "(20) 99999-8888"}, "phone", "celular inválido"),
    ({"phone": "(21) 9999９-8888"}, "phone", "celular inválido"),
    ({"email": "pessoa2@"}, "email", "e-mail inválido"),
    ({"email": "pessoa 2@example.com"}, "email", "e-mail inválido"),
    ({"holder_card_number": "79999999", "kinship": "filho"}, "holder_card_number",
     "titular não encontrado: nem neste arquivo nem já importado"),
    ({"holder_card_number": "70000001", "kinship": "filho", "product": CONVENCIONAL}, "product",
     "o dependente fica no plano do titular (leve-dental-rj-1-adesao)"),
]


@storage
@pytest.mark.parametrize(("cells", "column", "reason"), REJECTS, ids=[f"{r[1]}-{i}" for i, r in enumerate(REJECTS)])
def test_a_bad_row_is_rejected_with_line_column_and_reason_and_the_good_row_goes_in(
        runner, session, tmp_path, cells, column, reason):
    result = run(runner, tmp_path, [person(1), person(2, **cells)])
    assert result.exit_code == 0, result.output
    assert "2 linhas lidas: 1 aceitas, 1 rejeitadas" in result.output
    assert f"linha 3, coluna {column}: {reason}" in result.output
    assert list(members(session)) == ["70000001"]
    header, line = rejects_file(tmp_path)
    assert header == "linha,coluna,valor,motivo,tipo"
    assert line.startswith(f"3,{column},") and line.endswith(",rejeitada")
    assert "\x00" not in line and "\u202e" not in line


@storage
def test_lines_that_cannot_be_read_are_rejected_and_the_rest_goes_in(runner, session, tmp_path):
    path = write_csv(tmp_path / "beneficiarios.csv", [person(1), person(2), person(3)], COLUMN_NAMES)
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Pessoa Teste 2", b"Pessoa\rTeste")  # a CR inside the line
    lines[3] = lines[3].replace(b"Pessoa Teste 3", b'"Pessoa Teste 3')  # a quote that never closes
    path.write_bytes(b"\n".join(lines) + b"\n" + "70000004,Á".encode("latin-1") + b"\n")
    result = runner.invoke(args=["members", "import", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "4 linhas lidas: 1 aceitas, 3 rejeitadas" in result.output
    assert "linha 3, coluna -: retorno de carro (U+000D) no meio da linha" in result.output
    assert "linha 4, coluna -: aspas abertas que não fecham nesta linha" in result.output
    assert list(members(session)) == ["70000001"]


@storage
def test_holders_and_products_the_file_cannot_satisfy(runner, session, tmp_path):
    """A dependant whose holder was rejected, whose holder is itself a dependant, in a product
    without dependants, or with a card already another operator's; repeated cards."""
    assert run(runner, tmp_path, [person(50, product=CONVENCIONAL), person(60, product=CASSEMS)],
               name="antes.csv").exit_code == 0
    rows = [
        person(1),
        person(2, cpf="111.111.111-11"),  # rejected: bad CPF
        dependant(3, 2),  # its holder was rejected on line 3
        dependant(4, 1),
        dependant(5, 4),  # its "holder" is a dependant
        person(6, product=MASTER),
        dependant(7, 6, product=MASTER),  # MASTER takes no dependants
        person(50, product=LEVE),  # card of a SINTAEMA (Odontoprev) member
        person(8),
        person(8, name="De Novo"),  # repeated card
        person(9, cpf=make_cpf(5060)),  # the CPF of the CASSEMS member 60
    ]
    result = run(runner, tmp_path, rows)
    assert result.exit_code == 0, result.output
    report = "\n".join(rejects_file(tmp_path))
    for expected in [
        "3,cpf,111.111.111-11,CPF inválido",
        "4,holder_card_number,70000002,titular rejeitado na linha 3",
        '6,holder_card_number,70000004,"a carteirinha informada é de um dependente (linha 5), não de um titular"',
        '8,kinship,filho,"Plano MASTER não admite dependentes (art. 5º, III)"',
        "9,card_number,70000050,carteirinha já cadastrada em um beneficiário de outra operadora (Odontoprev)",
        "11,card_number,70000008,carteirinha repetida (já na linha 10)",
        f"12,cpf,{make_cpf(5060)},CPF já cadastrado em outro beneficiário",
    ]:
        assert expected in report, report
    assert sorted(members(session)) == ["70000001", "70000004", "70000006", "70000008", "70000050", "70000060"]
    assert members(session)["70000008"].name == "Pessoa Teste 8"


@storage
def test_a_holder_with_dependants_cannot_become_a_dependant_and_a_dependant_can_become_a_holder(
        runner, session, tmp_path):
    assert run(runner, tmp_path, [person(1), dependant(2, 1), person(3)], name="antes.csv").exit_code == 0
    result = run(runner, tmp_path, [person(1, holder_card_number="70000003", kinship="conjuge"),
                                    person(2, birth_date="2015-06-01", cpf=make_cpf(5002))])
    assert "linha 2, coluna kinship: este beneficiário é titular de outros" in result.output
    found = members(session)
    assert found["70000001"].holder_id is None and found["70000002"].holder_id is None
    assert found["70000002"].kinship == "titular"


@storage
@pytest.mark.parametrize(("content", "message"), [
    (b"", "arquivo vazio"),
    (b"card_number,nome\n1,A\n", "coluna desconhecida no cabe\xc3\xa7alho: nome"),
    (b"card_number,name\n1,A\n", "colunas obrigat\xc3\xb3rias ausentes: kinship"),
    ("card_number,kinship,n\u00e1me\n".encode("latin-1"), "o arquivo n\xc3\xa3o est\xc3\xa1 em UTF-8"),
    (",".join(COLUMN_NAMES).encode() + b"\n\n", "o arquivo n\xc3\xa3o tem linhas de dados"),
    (",".join(COLUMN_NAMES).encode() + b"\n" + b"x," * (len(COLUMN_NAMES) - 1) + b"x\n", "nenhuma linha v\xc3\xa1lida"),
])
def test_file_level_problems_are_fatal_and_change_nothing(runner, session, tmp_path, content, message):
    assert run(runner, tmp_path, [person(1)], name="antes.csv").exit_code == 0
    before = {card: (m.name, m.updated_at) for card, m in members(session).items()}
    path = tmp_path / "ruim.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["members", "import", str(path), "--full", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "importação cancelada, nada foi alterado" in result.output
    assert message.encode("latin-1").decode("utf-8") in result.output
    assert {card: (m.name, m.updated_at) for card, m in members(session).items()} == before


@pytest.fixture
def base_of_twenty(runner, session, tmp_path):
    """Twenty LEVE holders (5% of them is one) and a SINTAEMA holder, another operator's."""
    rows = [person(n) for n in range(1, 21)]
    assert run(runner, tmp_path, [*rows, person(90, product=CONVENCIONAL)], name="base.csv").exit_code == 0
    return rows


@storage
def test_a_clean_full_file_cancels_the_missing_from_today_within_the_share(runner, session, tmp_path, base_of_twenty):
    result = run(runner, tmp_path, base_of_twenty[1:], "--full")  # 70000001 is missing
    assert result.exit_code == 0, result.output
    assert "0 novos, 0 alterados, 19 sem mudança, 1 cancelados." in result.output
    found = members(session)
    assert (found["70000001"].status, found["70000001"].cancelled_on) == ("cancelado", TODAY)
    assert found["70000090"].status == "ativo"  # another operator's member, not named by the file
    again = run(runner, tmp_path, base_of_twenty[1:], "--full")
    assert "0 cancelados" in again.output  # already cancelled


@storage
def test_a_full_file_with_a_rejected_line_cancels_nobody_and_says_why(runner, session, tmp_path, base_of_twenty):
    rows = base_of_twenty[1:]
    rows[3] = {**rows[3], "birth_date": "ontem"}
    result = run(runner, tmp_path, rows, "--full")
    assert result.exit_code == 0, result.output
    assert "Cancelamentos bloqueados: 1 linhas do arquivo foram rejeitadas" in result.output
    assert "Ninguém foi cancelado (2 seriam)" in result.output
    assert "0 cancelados" in result.output
    assert all(m.status == "ativo" for m in members(session).values())


@storage
def test_a_full_file_cancelling_more_than_the_share_is_refused_until_confirmed(runner, session, tmp_path,
                                                                               base_of_twenty):
    assert MAX_CANCEL_SHARE == 0.05
    rows = base_of_twenty[2:]  # two of twenty: 10%
    refused = run(runner, tmp_path, rows + [person(30)], "--full")
    assert refused.exit_code == 1
    assert ("o arquivo cancelaria 2 beneficiários, mais de 5,0% dos beneficiários de uma operadora "
            "(Leve Saúde: 2 de 20 (10,0%))") in refused.output
    assert "--confirmar-cancelamentos 2" in refused.output
    assert "70000030" not in members(session) and all(m.status == "ativo" for m in members(session).values())
    wrong = run(runner, tmp_path, rows, "--full", "--confirmar-cancelamentos", "3")
    assert wrong.exit_code == 1 and "o número de cancelamentos confirmado (3) não confere" in wrong.output
    confirmed = run(runner, tmp_path, rows, "--full", "--confirmar-cancelamentos", "2")
    assert confirmed.exit_code == 0, confirmed.output
    assert sorted(c for c, m in members(session).items() if m.status == "cancelado") == ["70000001", "70000002"]


@storage
def test_age_limits_of_the_document_are_warnings_and_the_row_goes_in(runner, session, tmp_path):
    def child(n, born, **cells):
        return dependant(n, 1, product=CONVENCIONAL, birth_date=born, cpf=make_cpf(5000 + n), **cells)

    rows = [
        person(1, product=CONVENCIONAL),
        child(2, "2005-11-25"),  # 20 today: under 21
        child(3, "2004-11-24"),  # 22: over 21, under 25 if a university student
        child(4, "2000-01-01"),  # 26: over both
        dependant(5, 1, product=CONVENCIONAL, kinship="neto"),  # SINTAEMA does not list grandchildren
        person(6, product=CASSEMS),
        dependant(7, 6, product=CASSEMS, birth_date="1990-01-01", cpf=make_cpf(5007)),  # the manual is silent
    ]
    result = run(runner, tmp_path, rows)
    assert result.exit_code == 0, result.output
    assert "7 linhas lidas: 7 aceitas, 0 rejeitadas, 3 avisos." in result.output
    assert "7 novos" in result.output
    lines = rejects_file(tmp_path)[1:]
    assert lines == [
        '4,birth_date,2004-11-24,"22 anos: Plano CONVENCIONAL admite filho menor de 21 anos, ou de 25 se '
        'universitário (art. 4º); confira a matrícula",aviso',
        "5,birth_date,2000-01-01,26 anos: Plano CONVENCIONAL admite filho menor de 21 anos (art. 4º),aviso",
        "6,kinship,neto,Plano CONVENCIONAL não lista “neto” entre os dependentes (art. 4º),aviso",
    ]


def test_age_on_a_29_february_birthday():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@storage
def test_the_demo_families_go_in_through_the_import(runner, session):
    result = runner.invoke(args=["members", "demo"])
    assert result.exit_code == 0, result.output
    assert "Famílias de demonstração: 16 beneficiários criados." in result.output
    found = members(session)
    assert len(found) == 16
    holder = next(m for m in found.values() if m.cpf == make_cpf(61))
    assert holder.email == "luiz.henrique.barbosa@demo.invalid" and holder.sex == "M" and holder.password_hash
    child = next(m for m in found.values() if m.name == "Davi Barbosa")
    assert child.holder_id == holder.id and child.cpf is None and child.email is None and child.password_hash is None
    again = runner.invoke(args=["members", "demo"])
    assert "Famílias de demonstração: 0 beneficiários criados." in again.output
    assert {c: m.updated_at for c, m in members(session).items()} == {c: m.updated_at for c, m in found.items()}


def _import_in_thread(url: str, path, results: list, barrier: threading.Barrier) -> None:
    from webapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "concorrencia", "TESTING": True})
    barrier.wait(10)
    results.append(app.test_cli_runner().invoke(args=["members", "import", str(path), "--today", TODAY.isoformat()]))
    app.extensions["db"].engine.dispose()


@pytest.mark.slow  # two fresh databases, migrated
@pytest.mark.parametrize("db", BACKENDS)
def test_two_imports_at_once_both_finish_and_nothing_is_duplicated(tmp_path, db):
    """Two overlapping files started together: one waits for the other, then finds its rows."""
    if db == "sqlite":
        url = f"sqlite:///{tmp_path / 'concorrencia.sqlite3'}"
    else:
        url = recreate_postgres_database(f"guia_member_import_{threading.get_native_id()}")
    engine = prepared_engine(url)
    try:
        first = write_csv(tmp_path / "a.csv", [person(n) for n in range(1, 41)], COLUMN_NAMES)
        second = write_csv(tmp_path / "b.csv", [person(n, phone="(21) 91234-0000") for n in range(21, 61)],
                           COLUMN_NAMES)
        results: list = []
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_import_in_thread, args=(url, path, results, barrier))
                   for path in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Member)) == 60
            assert session.scalar(select(func.count(func.distinct(Member.card_number)))) == 60
            phones = {card: phone for card, phone in session.execute(select(Member.card_number, Member.phone))}
        # Whichever ran second wrote the overlap; the one that ran first saw none of the other's rows.
        assert {phones[f"7{n:07d}"] for n in range(21, 41)} in ({"(21) 99876-5432"}, {"(21) 91234-0000"})
    finally:
        engine.dispose()
        if db == "postgresql":
            drop_postgres_database(url.rpartition("/")[2])


def test_the_readme_describes_the_columns_the_importer_reads():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The member file", 1)[1].split("\n\n", 3)[2]
    rows = [line.split("|")[1:4] for line in section.splitlines()[2:]]
    assert [(name.strip().strip("`"), required.strip() == "yes") for name, required, _ in rows] == [
        (c.name, c.required) for c in MEMBERS.columns]
