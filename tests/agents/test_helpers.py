"""Pure helpers: WhatsApp numbers and messages, the DDD's municipality, preview fetchers."""

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from webapp.agents import services


@pytest.mark.parametrize("phone, expected", [
    ("(21) 98888-1201", "5521988881201"),
    ("21 3333-4444", "552133334444"),  # a landline: wa.me still takes it
    ("+55 (11) 99999-0000", "5511999990000"),
    ("5567912345678", "5567912345678"),
    ("(20) 98888-1201", None),  # no such DDD
    ("(01) 98888-1201", None),
    ("98888-1201", None),  # no DDD
    ("", None), (None, None),
])
def test_whatsapp_number(phone, expected):
    assert services.whatsapp_number(phone) == expected


def test_whatsapp_url_encodes_the_whole_message():
    message = services.whatsapp_message("Dentistas de Endodontia perto de Niterói/RJ — LEVE", "https://g.example/s/abc",
                                        datetime(2026, 12, 24, 2, 0, tzinfo=UTC))
    assert "válido até 23/12/2026" in message  # the date in America/Sao_Paulo
    url = services.whatsapp_url("(21) 98888-1201", message)
    assert url.startswith("https://wa.me/5521988881201?text=")
    encoded = url.split("?text=", 1)[1]
    assert " " not in encoded and "/" not in encoded and "&" not in encoded and "#" not in encoded
    assert unquote(encoded) == message
    assert services.whatsapp_url(None, message) is None


@pytest.mark.parametrize("phone, label", [
    ("(21) 96888-1206", "Rio de Janeiro/RJ"), ("(67) 91888-1201", "Campo Grande/MS"),
    ("(11) 92888-1202", "São Paulo/SP"), ("(19) 3333-4444", "Campinas/SP"), ("123", None), (None, None),
])
def test_municipality_for_phone(phone, label):
    found = services.municipality_for_phone(phone)
    assert (found.label if found else None) == label


def test_preview_fetchers():
    assert services.is_preview_fetch("WhatsApp/2.23.20.0 A")
    assert services.is_preview_fetch("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")
    assert not services.is_preview_fetch("Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36")
    assert not services.is_preview_fetch(None)


def test_find_member_needs_a_whole_identifier(session):
    assert services.find_member(session, "") is None
    assert services.find_member(session, "12345") is None  # too short to be either


def test_reasons_and_actions_fit_their_columns():
    assert all(len(key) <= 20 for key in (*services.REASONS, *services.ACTIONS, *services.KINDS))
