"""Which way mail leaves: SMTP when SMTP_HOST is set, otherwise the outbox folder."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from mailagent.integrations.mail_auth import AUTH_OAUTH2, AUTH_PASSWORD, TokenProvider
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


def mail_transport(*, token_provider: TokenProvider | None = None) -> Transport:
    """`token_provider` gives the access tokens of SMTP_USER when SMTP_AUTH is oauth2 (the
    services pass the token store's); without one, an OAuth2 send is a ConfigurationError."""
    if settings.SMTP_HOST:
        auth = (settings.SMTP_AUTH or AUTH_PASSWORD).strip().lower()
        oauth2 = auth == AUTH_OAUTH2
        return SmtpTransport(
            host=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            username=settings.SMTP_USER,
            password="" if oauth2 else settings.SMTP_PASSWORD,
            starttls=settings.SMTP_STARTTLS,
            timeout=settings.SMTP_TIMEOUT,
            auth=auth,
            token_provider=token_provider if oauth2 else None,
        )
    return OutboxTransport(settings.OUTBOX_DIR)
