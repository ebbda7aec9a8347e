"""A real SMTP server for the mail tests (aiosmtpd on a loopback port)."""
from __future__ import annotations

import socket
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import set_settings

PUBLIC_URL = "https://accounts.axa.example"


class CapturingHandler:
    """Keeps every accepted message; ``fail_next`` answers that many DATA commands with a 451."""

    def __init__(self):
        self.messages: list = []
        self.envelopes: list = []
        self.fail_next = 0
        self.reject_permanently = False

    async def handle_DATA(self, server, session, envelope):
        if self.reject_permanently:
            return "550 5.1.1 Mailbox unavailable"
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Temporary failure, try again later"
        self.envelopes.append(envelope)
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 2.0.0 Queued"

    def with_subject(self, subject: str) -> list:
        return [m for m in self.messages if m["Subject"] == subject]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    handler = CapturingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def smtp_app(auth_app, smtp):
    set_settings(auth_app, mail_url=smtp.url, public_url=PUBLIC_URL)
    return auth_app
