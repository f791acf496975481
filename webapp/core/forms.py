"""What every form class shares: no second CSRF check, the filters that tidy typed text, and a
validator that reads a value with the parsers of ``core.parsing``.

Forms give the templates plain dicts (``errors_of``: the first message of each field in error,
in the order of the form's fields; ``values_of``: the text to show back), so the field
components of ``templates/components/forms.html`` stay the same for forms with and without a
class. WTForms' own number and date fields are not used: they read what ``int()`` and
``date.fromisoformat()`` accept (``'٣'``, ``' 7 '``, ``'1_000'``), which ``core.parsing`` refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms.validators import StopValidation, ValidationError

from .parsing import ParseError


class Form(FlaskForm):
    class Meta:
        # CSRFProtect checks the token of every POST before any view runs (a pt-BR 400 page
        # when it fails); the form would only repeat that check, with an English message.
        csrf = False


def stripped(max_length: int) -> Callable[[str | None], str]:
    """Filter: the text without surrounding white space, cut to *max_length* characters."""

    def strip(value: str | None) -> str:
        return (value or "").strip()[:max_length]

    return strip


def collapsed(value: str | None) -> str:
    """Filter: runs of white space (line breaks too) as one space, none at the ends."""
    return " ".join((value or "").split())


class Parsed:
    """Validator: *parse* reads the field's text (raising ``ParseError`` with a pt-BR message);
    the value read is left in ``field.parsed``. With *optional*, an empty field is not read."""

    def __init__(self, parse: Callable[[str], object], *, optional: bool = False):
        self.parse, self.optional = parse, optional

    def __call__(self, form, field) -> None:
        field.parsed = None
        if self.optional and not field.data:
            raise StopValidation()
        try:
            field.parsed = self.parse(field.data)
        except ParseError as error:
            raise ValidationError(str(error)) from error


def errors_of(form: FlaskForm) -> dict[str, str]:
    return {name: messages[0] for name, messages in form.errors.items() if messages}


def values_of(form: FlaskForm, *names: str) -> dict[str, str]:
    return {name: form[name].data for name in names}
