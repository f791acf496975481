"""The parsers every route, form and importer uses: ASCII digits, bounds, pt-BR messages, no crash."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.core.parsing import (MAX_ID, IdConverter, ParseError, clean_text, control_characters,
                                 is_ascii_digits, is_slug, parse_date, parse_decimal, parse_id, parse_int)

# Digits that str.isdigit() or int() accept and a person or a file may still send us.
LOOK_ALIKES = ["²", "³", "¹", "٣", "۳", "３", "१", "①", "𝟕", "1_000", "+7", " 7 ", "7\n", "0x1f", "1e3", "-0"]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_digits_are_refused_not_read(text):
    if text.strip() == "7":
        assert parse_int(text, minimum=0, maximum=10) == 7  # surrounding blanks are trimmed
        return
    with pytest.raises(ParseError):
        parse_int(text, minimum=0, maximum=10**9)
    assert parse_id(text) is None


def test_bounds_and_huge_numbers():
    assert parse_int("50", minimum=1, maximum=50) == 50
    for text in ("0", "51", "9" * 5000, str(2**63), str(2**64)):
        with pytest.raises(ParseError):
            parse_int(text, minimum=1, maximum=50)
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id(str(MAX_ID + 1)) is None and parse_id("0") is None


def test_messages_are_portuguese():
    with pytest.raises(ParseError, match="só algarismos"):
        parse_int("²", minimum=1, maximum=9, what="A página")
    with pytest.raises(ParseError, match="formato AAAA-MM-DD"):
        parse_date("24/11/2026")


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2026-02-30", "2026-13-01",
                                  "２０２６-01-01", "2026-1-1", "20260101", "2026-01-01T00:00", "", "2026-01-01\x00"])
def test_dates_out_of_range_or_shape_are_refused(text):
    with pytest.raises(ParseError):
        parse_date(text)


def test_dates_in_range():
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    assert parse_date(" 1900-01-01 ") == date(1900, 1, 1)
    assert parse_date("2026-11-24", earliest=date(2026, 11, 24), latest=date(2026, 11, 24)) == date(2026, 11, 24)


@pytest.mark.parametrize("text", ["-22.9", "-22,9068", "0", "180", "-180.000000000000001"])
def test_decimals(text):
    assert -180 <= parse_decimal(text, minimum=-180, maximum=180) <= 180


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e2", "٣", "--1", "1.", ".5", "1000", "22.9.1", "1_0"])
def test_decimal_refusals(text):
    with pytest.raises(ParseError):
        parse_decimal(text, minimum=-180, maximum=180)


def test_control_characters_in_text():
    assert control_characters("Dra. Ana\x00") == ["U+0000"]
    assert control_characters("linha\r\nnova") == ["U+000D", "U+000A"]
    assert control_characters("linha\r\nnova", allow_newlines=True) == []
    assert control_characters("abc\u202edef") == ["U+202E"]  # a right-to-left override
    assert control_characters("👩\u200d⚕️ Clínica São José") == []
    assert clean_text("  Sorriso  ", max_length=10) == "Sorriso"
    with pytest.raises(ParseError, match="no máximo 3"):
        clean_text("abcd", max_length=3)
    with pytest.raises(ParseError, match="controle"):
        clean_text("a\x07b", max_length=10)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_any_text_parses_or_raises_parse_error(text):
    """Whatever arrives, the parsers either return a bounded value or raise ParseError — never
    another exception."""
    for parse in (lambda t: parse_int(t, minimum=1, maximum=50), parse_date,
                  lambda t: parse_decimal(t, minimum=-90, maximum=90),
                  lambda t: clean_text(t, max_length=20)):
        try:
            parse(text)
        except ParseError:
            pass
    number = parse_id(text)
    assert number is None or 1 <= number <= MAX_ID
    if number is not None:
        assert is_ascii_digits(text.strip())


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_in_range_round_trips(number):
    assert parse_id(str(number)) == number


def test_the_id_converter_matches_ascii_digits_only(app):
    assert app.url_map.converters["id"] is IdConverter

    @app.get("/teste-id/<id:item>")
    def _item(item: int):
        return str(item)

    client = app.test_client()
    assert client.get("/teste-id/42").get_data(as_text=True) == "42"
    for segment in ("٤٢", "４２", "²", "0", str(MAX_ID + 1), "9" * 30, "-1", "4 2"):
        assert client.get(f"/teste-id/{segment}").status_code == 404, segment



def test_slugs():
    assert is_slug("cassems-odonto") and is_slug("leve-dental-rj-1-adesao")
    for text in ("Cassems", "a--b", "-a", "a-", "", "\x00", "a\x00b", "a\r\nb", "ａ", "é", "a_b", "a.", "a b",
                 "-".join("a" * 51)):
        assert not is_slug(text), text
