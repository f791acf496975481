"""The members' sign-in, first-access and password-reset forms, and the clinic's card check
(posted; the templates render the fields)."""

from __future__ import annotations

import re

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..core import clock
from ..core.documents import cpf_valid, digits
from ..core.forms import Form, Parsed, stripped
from ..core.parsing import parse_date
from .recovery import CODE_DIGITS
from .devices import normal_card_number, normal_code
from .services import MIN_PASSWORD

MAX_TYPED = 40  # longer than any CPF, card number or date, with punctuation


class SignInForm(Form):
    login = StringField(filters=[stripped(MAX_TYPED)],
                        validators=[DataRequired("Informe o CPF ou o número da carteirinha.")])
    senha = PasswordField(default="", validators=[DataRequired("Informe a sua senha.")])


def _cpf(form, field) -> None:
    if not cpf_valid(field.data):
        raise ValidationError("CPF inválido. Confira os 11 números.")


def _card_number(form, field) -> None:
    if not digits(field.data):
        raise ValidationError("Informe o número da carteirinha.")


class IdentityForm(Form):
    """Who you are: CPF, birth date and card number (first access, "Esqueci minha senha")."""

    cpf = StringField(filters=[stripped(MAX_TYPED)], validators=[_cpf])
    nascimento = StringField(filters=[stripped(MAX_TYPED)], validators=[Parsed(
        lambda text: parse_date(text, latest=clock.today(), what="A data de nascimento"))])
    senha = PasswordField(default="")  # declared again: after the birth date, in the form's order
    confirmacao = PasswordField(default="")
    carteirinha = StringField(filters=[stripped(MAX_TYPED)], validators=[_card_number])


class NewPasswordForm(Form):
    senha = PasswordField(default="")
    confirmacao = PasswordField(default="")

    def validate_senha(self, field) -> None:
        if len(field.data) < MIN_PASSWORD:
            raise ValidationError(f"A senha precisa ter pelo menos {MIN_PASSWORD} caracteres.")

    def validate_confirmacao(self, field) -> None:
        # Only once the password itself is acceptable: one message at a time.
        if len(self.senha.data) >= MIN_PASSWORD and field.data != self.senha.data:
            raise ValidationError("A confirmação não é igual à senha.")


class FirstAccessForm(IdentityForm, NewPasswordForm):
    pass


def _code(form, field) -> None:
    # ASCII digits only ([0-9], not str.isdigit, which also takes "²" and Arabic-Indic digits);
    # spaces people type between groups are dropped.
    field.data = "".join(field.data.split())
    if not re.fullmatch(r"[0-9]{%d}" % CODE_DIGITS, field.data):
        raise ValidationError(f"O código tem {CODE_DIGITS} números: confira o e-mail que enviamos.")


class ResetCodeForm(NewPasswordForm):
    """The code sent by e-mail, and the new password."""

    codigo = StringField(filters=[stripped(MAX_TYPED)], validators=[_code])
    senha = PasswordField(default="")  # declared again: after the code, in the form's order
    confirmacao = PasswordField(default="")


class ResetLinkForm(NewPasswordForm):
    """The birth date (a second factor: a link sent to the wrong phone is not enough), and the new
    password."""

    nascimento = StringField(filters=[stripped(MAX_TYPED)], validators=[Parsed(
        lambda text: parse_date(text, latest=clock.today(), what="A data de nascimento"))])
    senha = PasswordField(default="")  # declared again: after the birth date, in the form's order
    confirmacao = PasswordField(default="")
class VerifyForm(Form):
    """A clinic's check of a card: the card number and the code on the member's phone (their
    shape only; whether they match is the service's answer)."""

    carteirinha = StringField(filters=[stripped(MAX_TYPED)])
    codigo = StringField(filters=[stripped(MAX_TYPED)])

    def validate_carteirinha(self, field) -> None:
        field.parsed = normal_card_number(field.data)
        if field.parsed is None:
            raise ValidationError("Informe o número da carteirinha, só com algarismos (pontos e espaços podem ficar).")

    def validate_codigo(self, field) -> None:
        field.parsed = normal_code(field.data)
        if field.parsed is None:
            raise ValidationError("Informe o código de 6 números que aparece na carteirinha, no celular do "
                                  "beneficiário.")
