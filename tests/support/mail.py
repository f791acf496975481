"""A real SMTP server for tests: aiosmtpd on a free loopback port, keeping what it receives.

``smtp_server`` (one per session) listens; ``mailbox`` (per test) empties it and points the test's
app at it (``MAIL_URL``). ``code_in(message)`` reads the six-digit code of a reset e-mail.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.support.server import free_port

_CODE = re.compile(r"^\s+([0-9]{6})\s*$", re.MULTILINE)


class Mailbox:
    """The messages an SMTP server received, as parsed e-mails, with their envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.messages.clear()
        self.recipients.clear()

    def last(self) -> EmailMessage:
        assert self.messages, "nenhum e-mail recebido"
        return self.messages[-1]


def code_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    found = _CODE.findall(body)
    assert len(found) == 1, body
    return found[0]


@pytest.fixture(scope="session")
def smtp_server():
    """(url, mailbox): a real SMTP server on 127.0.0.1 for the whole run."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()


@pytest.fixture
def mailbox(app, smtp_server) -> Mailbox:
    url, box = smtp_server
    box.clear()
    app.config["MAIL_URL"] = url
    return box
