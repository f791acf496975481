"""Reading an operator's CSV file line by line: what a broken line does, and what it cannot do."""

from __future__ import annotations

import pytest

from webapp.core.imports.reading import FatalImportError, read_csv, shown

COLUMNS = ("key", "name", "city")


def read(tmp_path, content: bytes | str):
    path = tmp_path / "file.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_csv(path, COLUMNS, {"key"})


def cells_by_line(file) -> dict[int, dict]:
    return {row.line: row.cells for row in file.rows}


def test_a_stray_quote_spoils_its_own_line_only(tmp_path):
    # Read whole, the csv module would open a cell at `"Beto` and swallow lines 4 and 5 into it.
    file = read(tmp_path, 'key,name,city\nA,Ana,Rio\nB,"Beto,Niterói\nC,Carla,Rio\nD,Davi,"São Paulo"\n')
    assert [(r.line, r.column) for r in file.unreadable] == [(3, "")]
    assert "aspas abertas que não fecham nesta linha" in file.unreadable[0].reason
    assert cells_by_line(file) == {
        2: {"key": "A", "name": "Ana", "city": "Rio"},
        4: {"key": "C", "name": "Carla", "city": "Rio"},
        5: {"key": "D", "name": "Davi", "city": "São Paulo"},
    }
    assert file.lines == 4


def test_a_quoted_cell_spanning_lines_is_reported_not_merged(tmp_path):
    file = read(tmp_path, 'key,name,city\nA,"Ana\nSouza",Rio\nB,Beto,Rio\n')
    assert [r.line for r in file.unreadable] == [2, 3]  # the opening line and its continuation
    assert "não pode ocupar mais de uma linha" in file.unreadable[0].reason
    assert cells_by_line(file) == {4: {"key": "B", "name": "Beto", "city": "Rio"}}
    assert not any("\n" in value for row in file.rows for value in row.cells.values())


@pytest.mark.parametrize(("line", "reason"), [
    ("A,Ana", "a linha tem 2 células e o cabeçalho tem 3"),
    ("A,Ana,Rio,extra", "a linha tem 4 células e o cabeçalho tem 3"),
    ('A,"Ana" Souza,Rio', "aspas fora do lugar"),
    ("A,Ana\rSouza,Rio", "retorno de carro (U+000D) no meio da linha"),
    ("A," + "x" * 100_001 + ",Rio", "linha longa demais"),
])
def test_lines_that_cannot_be_split_into_the_header_cells_are_reported_with_their_number(tmp_path, line, reason):
    file = read(tmp_path, f"key,name,city\nB,Beto,Rio\n{line}\nC,Carla,Rio\n")
    assert [(r.line, r.column) for r in file.unreadable] == [(3, "")]
    assert reason in file.unreadable[0].reason
    assert sorted(cells_by_line(file)) == [2, 4]


@pytest.mark.parametrize(("cell", "reason"), [
    ("Ana\x00", "caractere de controle (U+0000)"),
    ("\x1b[31mAna", "caractere de controle (U+001B)"),
    ("Ana\u202e", "caractere de controle (U+202E)"),
    ("Ana\tSouza", "caractere de controle (U+0009)"),
    ("a" * 2001, "célula longa demais (2001 caracteres; máximo 2000)"),
])
def test_a_cell_with_a_control_character_or_too_long_is_a_problem_of_its_row_and_column(tmp_path, cell, reason):
    file = read(tmp_path, f"key,name,city\nA,{cell},Rio\nB,Beto,Rio\n")
    first, second = file.rows
    assert [(p.line, p.column) for p in first.problems] == [(2, "name")]
    assert reason in first.problems[0].reason
    assert "\x00" not in first.problems[0].value and "\x1b" not in first.problems[0].value
    assert second.problems == ()


def test_bytes_that_are_not_utf8_are_a_problem_of_their_cell_the_rest_of_the_line_is_read(tmp_path):
    file = read(tmp_path, b"key,name,city\nA,Cl\xednica,Rio\nB,Cl\xc3\xadnica,Rio\n")
    first, second = file.rows
    assert first.cells["key"] == "A" and first.cells["city"] == "Rio"
    assert [(p.line, p.column, p.reason) for p in first.problems] == [
        (2, "name", "a célula não está em UTF-8: salve o arquivo como UTF-8")]
    assert second.cells["name"] == "Clínica" and second.problems == ()


def test_bom_crlf_and_blank_lines_keep_physical_line_numbers(tmp_path):
    file = read(tmp_path, "\ufeffkey,name,city\r\nA,Ana,Rio\r\n\r\n   \r\nB,Beto,Rio\r\n")
    assert file.unreadable == [] and sorted(cells_by_line(file)) == [2, 5]
    assert cells_by_line(file)[5]["city"] == "Rio"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "arquivo vazio"),
    (b"key,n\xe1me,city\nA,B,C\n", "o arquivo não está em UTF-8 (linha 1, byte 6)"),
    (b'key,"name,city\nA,B,C\n', "cabeçalho ilegível"),
    (b"key,name,city,key\n", "coluna repetida"),
    (b"key,name,cidade\n", "coluna desconhecida no cabeçalho: cidade"),
    (b"name,city\nB,C\n", "colunas obrigatórias ausentes: key"),
    (b"key,name,city\n\n", "não tem linhas de dados"),
])
def test_problems_of_the_whole_file_are_fatal(tmp_path, content, message):
    with pytest.raises(FatalImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read(tmp_path, content)


def test_shown_values_never_carry_control_characters():
    assert shown("a\x00b\x1b[2Jc\u202e") == "a\\u0000b\\u001b[2Jc\\u202e"
    assert shown("Clínica São José") == "Clínica São José"
    assert len(shown("x" * 500)) == 200
