"""Connect a mailbox with OAuth2 from a terminal: the device-code flow (RFC 8628).

The client id comes from --client-id, MAILBOX_OAUTH_CLIENT_ID or the mailbox's current
connection; the secret from --client-secret, MAILBOX_OAUTH_CLIENT_SECRET, the current connection
or a prompt that does not echo. It is never printed. Microsoft's device flow is a public-client
flow and takes no secret.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from mailagent.errors import ConfigurationError, TransientError
from mailagent.models import MailboxConnection
from mailagent.oauth.consent import stored_client_secret
from mailagent.oauth.device import DeviceCode, device_connect
from mailagent.oauth.errors import DeviceFlowStopped, ProviderRefused
from mailagent.oauth.providers import provider_for
from mailagent.oauth.tokens import normalized


class Command(BaseCommand):
    help = "Connect a Google or Microsoft mailbox with OAuth2, by the device-code flow."

    def add_arguments(self, parser) -> None:
        parser.add_argument("address", help="the mailbox's address, e.g. agent@acme.example")
        parser.add_argument("--provider", required=True, choices=["google", "microsoft"])
        parser.add_argument("--client-id", default="")
        parser.add_argument(
            "--client-secret",
            default="",
            help="better left out: read from MAILBOX_OAUTH_CLIENT_SECRET or asked for",
        )

    def handle(self, *args, address: str, provider: str, **options) -> None:
        current = MailboxConnection.objects.filter(address=normalized(address)).first()
        client_id = (
            options["client_id"]
            or os.environ.get("MAILBOX_OAUTH_CLIENT_ID", "")
            or (current.client_id if current else "")
        )
        if not client_id:
            raise CommandError("Give the OAuth client id: --client-id or MAILBOX_OAUTH_CLIENT_ID.")
        client_secret = "" if provider == "microsoft" else self._secret(address, options)
        try:
            mailbox = device_connect(
                provider=provider_for(provider),
                address=address,
                client_id=client_id,
                client_secret=client_secret,
                show=self._show,
                actor=f"{getpass.getuser()} (connect_mailbox)",
            )
        except (DeviceFlowStopped, ProviderRefused, TransientError, ConfigurationError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{mailbox.address} is connected ({provider})."))

    def _secret(self, address: str, options: dict) -> str:
        secret = (
            options["client_secret"]
            or os.environ.get("MAILBOX_OAUTH_CLIENT_SECRET", "")
            or stored_client_secret(address)
        )
        if not secret and sys.stdin.isatty():
            secret = getpass.getpass("OAuth client secret (not shown): ")
        if not secret:
            raise CommandError(
                "Give the OAuth client secret: set MAILBOX_OAUTH_CLIENT_SECRET, or run the "
                "command in a terminal to be asked for it."
            )
        return secret

    def _show(self, code: DeviceCode) -> None:
        self.stdout.write(
            f"Open {code.verification_uri} on any device and enter the code {code.user_code}\n"
            f"(it expires in {code.expires_in // 60} minutes). Waiting..."
        )
        self.stdout.flush()
