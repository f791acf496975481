"""The network team's forms: the queue's filters (a GET form), the four actions on a report and
the export. Values are read with the rules of the network file (``core.imports.cells``): a
phone with a real DDD, a WhatsApp that is a mobile, a CEP of 8 digits, texts no longer than
their column."""

from __future__ import annotations

import re
from functools import lru_cache

from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from ..core.forms import Form, Parsed, collapsed, stripped
from ..core.imports.cells import code_digits, parse_phone
from ..core.imports.columns import column_length
from ..core.parsing import ParseError, clean_line, control_characters, parse_id, parse_int
from ..geo import municipalities
from ..network.models import Location
from ..network.services import REPORT_REASONS
from .services import MAX_NOTE, MAX_PAGE, ORDERS

MAX_FIELD = 200  # longer than anything a filter or a choice holds
#: What separates the phones typed in one field: the file's "|", or what people type.
PHONE_SEPARATORS = re.compile(r"[|;,\n]")


@lru_cache(maxsize=1)
def _ddds() -> frozenset[int]:
    return frozenset(m.ddd for m in municipalities.all_municipalities())


def _choice(choices, message: str):
    def check(form, field) -> None:
        if field.data and field.data not in choices():
            raise ValidationError(message)
    return check


def _municipality(text: str):
    code = parse_int(text, minimum=1_000_000, maximum=9_999_999, what="O código do município")
    if municipalities.get(code) is None:
        raise ParseError("Município não encontrado: escolha um da lista.")
    return code


class QueueForm(Form):
    """The queue's filters and order, from its URL. ``plano`` is checked against the products by
    the view (they are in the database)."""

    plano = StringField(filters=[stripped(MAX_FIELD)])
    municipio = StringField(filters=[stripped(MAX_FIELD)], validators=[Parsed(_municipality, optional=True)])
    motivo = StringField(filters=[stripped(MAX_FIELD)],
                         validators=[_choice(lambda: REPORT_REASONS, "Tipo de relato desconhecido: escolha um da lista.")])
    ordem = StringField(filters=[stripped(MAX_FIELD)],
                        validators=[_choice(lambda: ORDERS, "Ordem desconhecida: escolha uma da lista.")])
    pagina = StringField(filters=[stripped(MAX_FIELD)], validators=[Parsed(
        lambda text: parse_int(text, minimum=1, maximum=MAX_PAGE, what="A página"), optional=True)])


def _location_id(form, field) -> None:
    field.parsed = parse_id(field.data) if field.data else None
    if field.parsed is None:
        raise ValidationError("Escolha um dos endereços do prestador.")


def _text(column, what: str, required: bool = False):
    """A one-line text of at most the column's length; None when empty."""

    def read(form, field) -> None:
        raw = field.raw_data[0] if field.raw_data else ""
        try:
            field.parsed = clean_line(raw, max_length=column_length(column), what=what) or None
        except ParseError as error:
            field.parsed = None
            raise ValidationError(str(error)) from error
        if required and field.parsed is None:
            raise ValidationError(f"Informe {what.lower()}.")

    return read


def _phones(form, field) -> None:
    raw = field.raw_data[0] if field.raw_data else ""
    if len(raw) > MAX_FIELD * 2:
        raise ValidationError("Telefones demais: informe até 10, separados por |.")
    phones = []
    for part in (p.strip() for p in PHONE_SEPARATORS.split(raw)):
        if not part:
            continue
        formatted = parse_phone(part, _ddds())
        if formatted is None:
            raise ValidationError(f"Telefone inválido: {part[:40]} (use DDD + número, como (21) 2222-3333).")
        if formatted not in phones:
            phones.append(formatted)
    if len(phones) > 10:
        raise ValidationError("Telefones demais: informe até 10, separados por |.")
    field.parsed = phones


def _whatsapp(form, field) -> None:
    raw = (field.raw_data[0] if field.raw_data else "").strip()
    field.parsed = None
    if raw:
        field.parsed = parse_phone(raw[:MAX_FIELD], _ddds(), mobile_only=True)
        if field.parsed is None:
            raise ValidationError("O WhatsApp deve ser um celular com DDD, como (21) 99999-8888.")


def _cep(form, field) -> None:
    raw = (field.raw_data[0] if field.raw_data else "").strip()
    field.parsed = None
    if raw:
        field.parsed = code_digits(raw[:MAX_FIELD], (8,))
        if field.parsed is None:
            raise ValidationError("O CEP deve ter 8 dígitos, como 24230-052.")


class CorrectionForm(Form):
    """"Corrigir dados": one location's phones, WhatsApp and address, as they should be."""

    local = StringField(filters=[stripped(MAX_FIELD)], validators=[_location_id])
    telefones = StringField(validators=[_phones])
    whatsapp = StringField(validators=[_whatsapp])
    logradouro = StringField(validators=[_text(Location.street, "O logradouro", required=True)])
    numero = StringField(validators=[_text(Location.number, "O número")])
    complemento = StringField(validators=[_text(Location.complement, "O complemento")])
    bairro = StringField(validators=[_text(Location.neighbourhood, "O bairro")])
    cep = StringField(validators=[_cep])

    #: form field → Location attribute
    FIELDS = {"telefones": "phones", "whatsapp": "whatsapp", "logradouro": "street", "numero": "number",
              "complemento": "complement", "bairro": "neighbourhood", "cep": "cep"}

    def values(self) -> dict:
        """Location attribute → the value read (after ``validate``)."""
        return {attribute: self[name].parsed for name, attribute in self.FIELDS.items()}


class LeaveForm(Form):
    """"Não atende mais o plano": which product's network the provider leaves (checked by the view
    against its open memberships)."""

    plano = StringField(filters=[stripped(MAX_FIELD)])


class VerifyForm(Form):
    local = StringField(filters=[stripped(MAX_FIELD)], validators=[_location_id])


def _note(form, field) -> None:
    raw = field.raw_data[0] if field.raw_data else ""
    # A textarea: line breaks are folded into spaces; any other control character is refused.
    if control_characters(raw, allow_newlines=True):
        raise ValidationError("Use na justificativa só texto.")
    text = " ".join(raw.split())
    if not text:
        raise ValidationError("Escreva por que o relato está sendo rejeitado.")
    if len(text) > MAX_NOTE:
        raise ValidationError(f"Escreva na justificativa no máximo {MAX_NOTE} caracteres.")
    field.parsed = text


class RejectForm(Form):
    justificativa = TextAreaField(validators=[_note])


class ExportForm(Form):
    operadora = StringField(filters=[collapsed])
