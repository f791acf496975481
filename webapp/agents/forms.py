"""The agents' sign-in and look-up forms (posted; the templates render the fields)."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..core.forms import Form, collapsed, stripped
from ..core.parsing import ParseError, clean_line
from .services import MAX_PROTOCOL, REASONS

MAX_IDENTIFIER = 40  # longer than any CPF or card number, with punctuation


class SignInForm(Form):
    usuario = StringField(filters=[stripped(40)], validators=[DataRequired("Informe o seu usuário.")])
    senha = PasswordField(default="", validators=[DataRequired("Informe a sua senha.")])


def _identifier(form, field) -> None:
    if not field.data:
        raise ValidationError("Informe o CPF ou o número da carteirinha.")
    if len(field.data) > MAX_IDENTIFIER:
        raise ValidationError("CPF ou número da carteirinha longo demais.")


def _reason(form, field) -> None:
    if field.data not in REASONS:
        raise ValidationError("Escolha o motivo da consulta.")


def _protocol(form, field) -> None:
    # The text as sent: collapsing blanks first would hide a tab or a line break.
    try:
        clean_line(field.raw_data[0] if field.raw_data else "", max_length=MAX_PROTOCOL, what="O protocolo")
    except ParseError as error:
        raise ValidationError(str(error)) from error


class LookupForm(Form):
    identificador = StringField(filters=[collapsed], validators=[_identifier])
    motivo = StringField(filters=[collapsed], validators=[_reason])
    protocolo = StringField(filters=[collapsed], validators=[_protocol])
