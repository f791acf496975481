"""core.mail against real SMTP servers (aiosmtpd): the user and password of MAIL_URL are
percent-decoded and used to log in; a message the server refuses is a MailError."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.mail import Mailbox
from tests.support.server import free_port
from webapp.core import mail

# A test server on the loopback: AUTH without TLS is what it is for (aiosmtpd warns about it).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def _authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"guia@exemplo", b"s3nha:com/sinais"))


@pytest.fixture
def smtp_with_login():
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=_authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    yield port, box
    controller.stop()


def test_the_user_and_password_of_mail_url_log_in(app, smtp_with_login):
    port, box = smtp_with_login
    app.config.update(MAIL_URL=f"smtp://guia%40exemplo:s3nha%3Acom%2Fsinais@127.0.0.1:{port}",
                      MAIL_FROM="Guia Odonto <nao-responda@guia.exemplo>")
    with app.app_context():
        mail.send("ana@exemplo.com.br", "Assunto com acentuação", "Olá, código: 123456\n")
    message = box.last()
    assert message["From"] == "Guia Odonto <nao-responda@guia.exemplo>" and message["To"] == "ana@exemplo.com.br"
    assert message["Subject"] == "Assunto com acentuação" and "Olá, código" in message.get_content()


class Refusing:
    async def handle_DATA(self, server, session, envelope):
        return "451 Tente mais tarde"


def test_a_refused_message_is_a_mail_error_and_the_log_names_no_address(app, caplog):
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
        with app.app_context(), pytest.raises(mail.MailError):
            mail.send("ana@exemplo.com.br", "Assunto", "Texto")
    finally:
        controller.stop()
    assert "e-mail não enviado" in caplog.text and "ana@exemplo.com.br" not in caplog.text
