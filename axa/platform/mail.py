"""Mail rendering and delivery backends, chosen by ``AXA_MAIL_URL``.

  smtp://[user:pass@]host:port[?starttls=1]   a real SMTP server
  file://<folder>                             the embedded default: one .eml per message + a log line
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

log = logging.getLogger(__name__)
SUBJECTS = {"confirm": "Confirm your AXA Platform email",
            "reset": "Reset your AXA Platform password",
            "password_changed": "Your AXA Platform password was changed",
            "email_changed": "Your AXA Platform email address was changed",
            "price_alert": "AXA Platform price alert: {symbol}",
            "go_live": "A channel you follow is live on AXA Platform"}
_env = Environment(loader=PackageLoader("axa.platform", "templates/mail"),
                   autoescape=select_autoescape(["html"]), undefined=StrictUndefined)


def render(template: str, to: str, sender: str, context: dict, message_id: str,
           subject: str | None = None) -> EmailMessage:
    """The message of ``template`` (``.txt`` and ``.html``, the latter escaped); the subject is
    the template's own (SUBJECTS) unless given."""
    msg = EmailMessage()
    msg["Subject"] = subject or SUBJECTS[template].format_map(context)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(usegmt=True)  # RFC 5322 requires it; smtplib does not add one
    msg["Message-ID"] = make_msgid(idstring=message_id, domain="axa.local")
    msg["X-AXA-Message-Id"] = message_id
    msg.set_content(_env.get_template(f"{template}.txt").render(**context))
    msg.add_alternative(_env.get_template(f"{template}.html").render(**context), subtype="html")
    return msg


class SmtpBackend:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 25
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] == "1"

    def send(self, msg: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg)


class FolderBackend:
    def __init__(self, url: str):
        self.folder = Path(url.removeprefix("file://"))

    def send(self, msg: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = msg["X-AXA-Message-Id"].replace("/", "_") + ".eml"
        tmp = self.folder / (name + ".tmp")
        tmp.write_bytes(bytes(msg))
        tmp.replace(self.folder / name)
        log.info("mail to %s (%s) written to %s", msg["To"], msg["Subject"], self.folder / name)


class TransientMailError(Exception):
    """Worth retrying: the server may accept the message later."""


def deliver(url: str, msg: EmailMessage) -> None:
    """Send through the backend of ``url``; a failure worth retrying (connection trouble, a 4xx
    reply) is raised as TransientMailError, a permanent one (5xx) as smtplib's own."""
    try:
        backend_from_url(url).send(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise TransientMailError(f"recipient temporarily refused: {codes}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientMailError(f"SMTP {exc.smtp_code}") from exc
        raise
    except OSError as exc:  # connection refused/reset, timeouts, server disconnected
        raise TransientMailError(type(exc).__name__) from exc


def backend_from_url(url: str):
    if url.startswith("smtp://"):
        return SmtpBackend(url)
    if url.startswith("file://"):
        return FolderBackend(url)
    raise ValueError(f"unsupported AXA_MAIL_URL scheme: {url.split(':', 1)[0]}")
