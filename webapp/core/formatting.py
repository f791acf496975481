"""Jinja filters for dates, times and numbers in pt-BR (Babel)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from datetime import timedelta

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask
from markupsafe import Markup, escape

from . import clock
from .clock import TIMEZONE

LOCALE = "pt_BR"


def data(value: date | datetime | None) -> str:
    """dd/mm/aaaa (a datetime is shown in America/Sao_Paulo)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date() if value.tzinfo else value.date()
    return _data(value)


@lru_cache(maxsize=4096)
def _data(day: date) -> str:
    # Babel takes ~15 us a date; a results page shows twenty, mostly the few days of the last imports.
    return format_date(day, "dd/MM/yyyy", locale=LOCALE)


def data_hora(value: datetime | None) -> str:
    """``06/12/2026 às 23:17`` — it carries its own "às", so never write "às" before it (say
    "até", "em", or use :func:`quando`, which brings its own words)."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy 'às' HH:mm", tzinfo=TIMEZONE, locale=LOCALE)


def quando(value: datetime | None) -> str:
    """A moment as words that follow a verb: ``hoje às 23:17``, ``amanhã às 00:17`` or
    ``em 09/12/2026 às 08:00`` (America/Sao_Paulo): "a tela fecha hoje às 23:17"."""
    if value is None:
        return ""
    day = value.astimezone(TIMEZONE).date() if value.tzinfo else value.date()
    hour = format_datetime(value, "'às' HH:mm", tzinfo=TIMEZONE, locale=LOCALE)
    today = clock.today()
    if day == today:
        return f"hoje {hour}"
    if day == today + timedelta(days=1):
        return f"amanhã {hour}"
    return f"em {data(day)} {hour}"


#: Below this many days :func:`ha_quanto` counts days ("há 45 dias"), not months: Babel would
#: round 25 days up to "há 1 mês" and 6 to "há 1 semana".
DAYS_BEFORE_MONTHS = 60


def ha_quanto(value: date | datetime | None) -> str:
    """How long ago *value* was, by calendar days in America/Sao_Paulo, as words that follow a
    participle: ``hoje``, ``ontem``, ``há 3 dias``, ``há 45 dias``, ``há 2 meses``, ``há 1 ano``
    ("verificado há 3 dias").  A day after today (a clock a little ahead) is ``hoje``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date() if value.tzinfo else value.date()
    days = (clock.today() - value).days
    if days <= 0:
        return "hoje"
    if days == 1:
        return "ontem"
    if days < DAYS_BEFORE_MONTHS:
        # A threshold no count of days reaches keeps Babel in days.
        return format_timedelta(timedelta(days=-days), granularity="day", threshold=DAYS_BEFORE_MONTHS + 1,
                                add_direction=True, locale=LOCALE)
    # Months and years, rounded (Babel's months are 30 days): "há 2 meses", "há 1 ano".
    return format_timedelta(timedelta(days=-days), granularity="month", threshold=1, add_direction=True,
                            locale=LOCALE)


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


def dinheiro(cents: int | None) -> str:
    """``12345`` (centavos) → ``R$ 123,45``."""
    if cents is None:
        return ""
    return format_currency(cents / 100, "BRL", locale=LOCALE)


def valor(cents: int | None) -> str:
    """``12345`` (centavos) → ``123,45``: reais without the symbol, for spreadsheets."""
    if cents is None:
        return ""
    return format_decimal(cents / 100, format="0.00", locale=LOCALE)


def sem_quebra(text: str | None) -> Markup:
    """*text* (a phone number, a CEP) kept on one line: ``(21) 96888-1206`` never breaks at its
    hyphen or space. The characters stay the ones typed, so copying and finding in the page work."""
    if not text:
        return Markup("")
    return Markup(f'<span class="go-nowrap">{escape(text)}</span>')


# A phone number or a CEP inside a text: "(44) 3123-0527", "4004-1234", "0800 000 0552",
# "CEP: 79002-480".
NUMBER_IN_TEXT = re.compile(r"\(\d{2}\) ?\d{4,5}-\d{4}|\b0[358]00[ -]?\d{3}[ -]?\d{4}\b|\b\d{4,5}-\d{4}\b"
                            r"|(?:\bCEP:? )?\b\d{5}-\d{3}\b")


def numeros_sem_quebra(text: str | None) -> Markup:
    """*text* (a document's sentence) with each phone number or CEP in it kept on one line, as
    :func:`sem_quebra` keeps a number shown alone."""
    if not text:
        return Markup("")
    if isinstance(text, Markup):
        return text  # already HTML: not ours to cut into
    parts, last = [], 0
    for match in NUMBER_IN_TEXT.finditer(text):
        parts += [escape(text[last:match.start()]), sem_quebra(match.group())]
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def init_app(app: Flask) -> None:
    app.add_template_filter(data)
    app.add_template_filter(data_hora)
    app.add_template_filter(quando)
    app.add_template_filter(ha_quanto)
    app.add_template_filter(dinheiro)
    app.add_template_filter(data_longa)
    app.add_template_filter(numero)
    app.add_template_filter(sem_quebra)
    app.add_template_filter(numeros_sem_quebra)


def percent(share: float) -> str:
    """``0.05`` → ``"5,0%"`` (one decimal, pt-BR)."""
    return format_percent(share, "#,##0.0%", locale=LOCALE)
