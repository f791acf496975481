"""The agents' forms: sign-in, look-up and the audit log's filters (the templates render the fields)."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..core.forms import Form, Parsed, collapsed, stripped
from ..core.parsing import ParseError, clean_line, parse_date, parse_id, parse_int
from . import audit_log
from .services import LOOKUP_REASONS, MAX_PROTOCOL

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
    if field.data not in LOOKUP_REASONS:
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


MAX_FILTER = 40


def _agent_id(form, field) -> None:
    field.parsed = parse_id(field.data) if field.data else None
    if field.data and field.parsed is None:
        raise ValidationError("Escolha o atendente na lista.")


def _member_id(form, field) -> None:
    # A bad id is no error of its own: it names no member, which the view reports on the card
    # number's field (the one the supervisor typed).
    field.parsed = parse_id(field.data) if field.data else None


def _date(what: str) -> Parsed:
    return Parsed(lambda text: parse_date(text, what=what), optional=True)


class AuditFilterForm(Form):
    """The audit log's filters, from its URL (a GET form). The member is named by internal id
    (``beneficiario``), never by card number: see ``AuditMemberForm``."""

    agente = StringField(filters=[stripped(MAX_FILTER)], validators=[_agent_id])
    beneficiario = StringField(filters=[stripped(MAX_FILTER)], validators=[_member_id])
    de = StringField(filters=[stripped(MAX_FILTER)], validators=[_date("A data inicial")])
    ate = StringField(filters=[stripped(MAX_FILTER)], validators=[_date("A data final")])
    pagina = StringField(filters=[stripped(MAX_FILTER)], validators=[Parsed(
        lambda text: parse_int(text, minimum=1, maximum=audit_log.MAX_PAGE, what="A página"), optional=True)])

    def validate_ate(self, field) -> None:
        since, until = self.de.parsed, field.parsed
        if since and until and since > until:
            raise ValidationError("A data final é anterior à inicial.")


class AuditMemberForm(Form):
    """The audit log's filters, posted with a card number: a card number is personal data, so it
    travels in the body and the page it leads to names the member by internal id — never the card
    number in a URL, where access logs, proxies and the browser's history would keep it."""

    agente = StringField(filters=[stripped(MAX_FILTER)])
    de = StringField(filters=[stripped(MAX_FILTER)])
    ate = StringField(filters=[stripped(MAX_FILTER)])
    carteirinha = StringField(filters=[stripped(MAX_FILTER)])
