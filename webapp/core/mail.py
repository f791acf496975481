"""Sending e-mail: plain-text pt-BR messages through SMTP (the standard library's ``smtplib`` and
``email.message.EmailMessage``), configured by ``MAIL_URL`` and ``MAIL_FROM``.

``MAIL_URL`` names the server: ``smtp://host:port`` (no encryption: a relay on the same machine or
network), ``smtps://user:password@host:465`` (TLS from the start) or
``smtp+starttls://user:password@host:587`` (STARTTLS). User and password are percent-decoded.

Without ``MAIL_URL``, outside production or in demo mode, the message is written to the console
(stderr) instead, with the address masked — so a demo can read the code it carries; in production
without it nothing can be sent and ``send`` raises ``MailUnavailable``. Nothing here logs an
address, and the log never holds a message's text.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

TIMEOUT = 10  # seconds to connect to and talk with the SMTP server
DEFAULT_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}


class MailError(Exception):
    """The message could not be handed to the SMTP server (down, refused, timed out)."""


class MailUnavailable(MailError):
    """No way to send e-mail is configured (production without ``MAIL_URL``)."""


def init_app(app: Flask) -> None:
    if not app.config.get("MAIL_URL") and app.config.get("ENV_NAME") == "production" and not app.config.get("DEMO"):
        app.logger.warning("MAIL_URL não definido: os códigos de “Esqueci minha senha” não podem ser enviados "
                           "por e-mail (só o link do atendimento por WhatsApp funciona).")


def mask_address(address: str) -> str:
    """``ana.souza@exemplo.com.br`` → ``a***@e***.com.br``: enough for a person to recognise their
    own address, not enough to read it."""
    local, _, domain = address.strip().rpartition("@")
    name, dot, rest = domain.partition(".")
    return f"{local[:1]}***@{name[:1]}***{dot}{rest}"


def build_message(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    message.set_content(body)  # text/plain; charset=utf-8
    return message


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to *to*; ``MailError`` when it could not be handed over."""
    config = current_app.config
    message = build_message(to, subject, body, config["MAIL_FROM"])
    url = config.get("MAIL_URL")
    if not url:
        if config.get("ENV_NAME") == "production" and not config.get("DEMO"):
            raise MailUnavailable("MAIL_URL não definido")
        _to_console(to, subject, body)
        return
    try:
        _deliver(url, message)
    except (smtplib.SMTPException, OSError) as error:
        # The server's answer, never the address or the text.
        current_app.logger.error("e-mail não enviado: %s", type(error).__name__)
        raise MailError(str(type(error).__name__)) from error


def _deliver(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def _to_console(to: str, subject: str, body: str) -> None:
    """Development and demo: the message on stderr, the address masked."""
    print(f"\n--- e-mail (MAIL_URL não definido: não enviado) ---\nPara: {mask_address(to)}\n"
          f"Assunto: {subject}\n\n{body}\n---", file=sys.stderr, flush=True)
    current_app.logger.info("e-mail escrito no console (MAIL_URL não definido)")
