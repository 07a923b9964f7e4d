"""Encryption at rest of the connected mailboxes' tokens and client secrets.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the keys in MAILBOX_TOKEN_KEYS,
wrapped in a MultiFernet: the first key encrypts, every key decrypts, and `reencrypt` moves a
value to the first key, which is how keys are rotated without a window where tokens are
unreadable. A ciphertext differs on every call (a random IV), so equal tokens never look equal in
the database.

With MAILBOX_TOKEN_KEYS empty (development only: production refuses to start) the key is derived
from SECRET_KEY with HKDF and a warning is logged the first time it is used: a changed SECRET_KEY
then makes the stored tokens unreadable, and the mailboxes must be connected again.
"""

from __future__ import annotations

import base64
import functools
import logging
from typing import TYPE_CHECKING

from django.conf import settings

from mailagent.errors import ConfigurationError

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

# `cryptography` is imported where a token is encrypted or read, not here: the admin imports
# this module at start-up, and only installations with OAuth mailboxes ever use it.

logger = logging.getLogger(__name__)

_DERIVED_INFO = b"mailagent mailbox tokens v1"


@functools.cache
def _cipher(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if keys:
        return MultiFernet([Fernet(key.strip().encode("ascii")) for key in keys])
    logger.warning(
        "MAILBOX_TOKEN_KEYS is not set: mailbox tokens are encrypted with a key derived from "
        "SECRET_KEY (development only). Set MAILBOX_TOKEN_KEYS before relying on it; changing "
        "SECRET_KEY would make the stored tokens unreadable."
    )
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DERIVED_INFO).derive(
        secret_key.encode()
    )
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def cipher() -> MultiFernet:
    """The cipher for the settings in force (tests change them; each set is built once)."""
    return _cipher(tuple(settings.MAILBOX_TOKEN_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return cipher().encrypt(value.encode()).decode("ascii")


def decrypt(value: str) -> str:
    if not value:
        return ""
    from cryptography.fernet import InvalidToken

    try:
        return cipher().decrypt(value.encode("ascii")).decode()
    except InvalidToken:
        raise ConfigurationError(
            "A stored mailbox token cannot be decrypted with MAILBOX_TOKEN_KEYS: was a key "
            "removed before `manage.py rotate_mailbox_tokens` ran? Put the old key back (after "
            "the new one), or connect the mailbox again."
        ) from None


def reencrypt(value: str) -> str:
    """The same secret under the first key (MultiFernet.rotate)."""
    if not value:
        return ""
    from cryptography.fernet import InvalidToken

    try:
        return cipher().rotate(value.encode("ascii")).decode("ascii")
    except InvalidToken:
        decrypt(value)  # raises the ConfigurationError that says what to do
        raise
