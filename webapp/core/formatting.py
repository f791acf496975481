"""Jinja filters for dates, times and numbers in pt-BR (Babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask

from .clock import TIMEZONE

LOCALE = "pt_BR"


def data(value: date | datetime | None) -> str:
    """dd/mm/aaaa (a datetime is shown in America/Sao_Paulo)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date() if value.tzinfo else value.date()
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def data_hora(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy 'às' HH:mm", tzinfo=TIMEZONE, locale=LOCALE)


def data_longa(value: datetime) -> str:
    """"quarta-feira, 11 de março de 2026", with "às 16:20" when the time is not 00:00 (a
    period in hours, or one counted from a known moment), in America/Sao_Paulo."""
    local = value.astimezone(TIMEZONE) if value.tzinfo else value
    text = format_date(local.date(), "EEEE, d 'de' MMMM 'de' y", locale=LOCALE)
    if (local.hour, local.minute) != (0, 0):
        text += format_datetime(local, " 'às' HH:mm", tzinfo=TIMEZONE, locale=LOCALE)
    return text


def numero(value: float | int, casas: int = 0) -> str:
    fmt = "#,##0" + ("." + "0" * casas if casas else "")
    return format_decimal(value, format=fmt, locale=LOCALE)


def init_app(app: Flask) -> None:
    app.add_template_filter(data)
    app.add_template_filter(data_hora)
    app.add_template_filter(data_longa)
    app.add_template_filter(numero)
