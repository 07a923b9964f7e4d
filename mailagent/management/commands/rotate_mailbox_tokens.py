"""Re-encrypt the connected mailboxes' tokens under the first of MAILBOX_TOKEN_KEYS."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mailagent.oauth.rotation import mailbox_tokens_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every mailbox's OAuth tokens with the first key of MAILBOX_TOKEN_KEYS; "
        "afterwards the other keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        count = mailbox_tokens_rotate()
        self.stdout.write(
            f"Re-encrypted the tokens of {count} mailbox(es) with the first key of "
            "MAILBOX_TOKEN_KEYS. The other keys can now be removed."
        )
