"""Which way mail leaves: SMTP when SMTP_HOST is set, otherwise the outbox folder."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from mailagent.integrations.outbox import OutboxTransport
from mailagent.integrations.smtp import SmtpTransport


class Transport(Protocol):
    name: str

    def deliver(self, raw: bytes, *, sender: str, recipients: list[str], message_id: str) -> str:
        """Hand the stored bytes over unchanged; return what the far end said (a path or a
        server reply). Raises `TransientError` (try again later), `DeliveryRefused` (refused for
        good), `DeliveryUnknown` (handed over, answer lost: never resend automatically) or
        `ConfigurationError`."""
        ...

    def offers(self, extension: str) -> bool:
        """Whether the far end takes an ESMTP extension (SMTPUTF8). May raise what connecting
        raises."""
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
