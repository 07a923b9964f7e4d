"""Which way mail leaves: SMTP when SMTP_HOST is set, otherwise the outbox folder."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from django.conf import settings

from mailagent.integrations.outbox import OutboxTransport
from mailagent.integrations.smtp import SmtpTransport


class Transport(Protocol):
    name: str

    def deliver(self, message: EmailMessage, recipients: list[str]) -> str:
        """Hand the message over; return what the far end said (a path or a server reply)."""
        ...


def mail_transport() -> Transport:
    if settings.SMTP_HOST:
        return SmtpTransport(
            host=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            username=settings.SMTP_USER,
            password=settings.SMTP_PASSWORD,
            starttls=settings.SMTP_STARTTLS,
            timeout=settings.SMTP_TIMEOUT,
        )
    return OutboxTransport(settings.OUTBOX_DIR)
