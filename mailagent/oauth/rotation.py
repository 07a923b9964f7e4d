"""Key rotation: every stored secret re-encrypted under the first of MAILBOX_TOKEN_KEYS.

Run after putting a new key first (the old one still listed, so everything stays readable);
once it has run, the old key can be removed. Each row is rewritten in its own transaction under
a row lock, and a token refreshed meanwhile is simply encrypted with the new key already.
"""

from __future__ import annotations

from django.db import transaction

from mailagent.models import MailboxConnection, OAuthAuthorization
from mailagent.oauth.encryption import reencrypt

_ENCRYPTED = {
    MailboxConnection: (
        "client_secret_encrypted",
        "access_token_encrypted",
        "refresh_token_encrypted",
    ),
    OAuthAuthorization: ("client_secret_encrypted", "code_verifier_encrypted"),
}


def mailbox_tokens_rotate() -> int:
    """Re-encrypt every mailbox's secrets (and consents in progress); how many mailboxes."""
    rotated = 0
    for model, fields in _ENCRYPTED.items():
        for pk in model.objects.values_list("pk", flat=True):
            with transaction.atomic():
                row = model.objects.select_for_update().filter(pk=pk).first()
                if row is None:
                    continue
                changes = {name: reencrypt(getattr(row, name)) for name in fields}
                model.objects.filter(pk=pk).update(**changes)
            rotated += model is MailboxConnection
    return rotated
