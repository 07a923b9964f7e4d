"""How a mailbox logs in to IMAP and SMTP: with its password, or with an OAuth2 access token.

The integrations take a `TokenProvider` (any callable `(address, *, refresh=False) -> str`)
rather than importing the token store, which reads models: they stay I/O only, and their tests
can bring a token endpoint of their own. The services wire in `mailagent.oauth.access_token`,
whose exceptions go up unchanged: `MailboxNeedsReconnect` (a person must connect the mailbox
again), `ProviderUnavailable` (a `TransientError`), or a `ConfigurationError` for an address that
was never connected.
"""

from __future__ import annotations

from typing import Protocol

AUTH_PASSWORD = "password"  # noqa: S105 (the name of a way to log in, not a password)
AUTH_OAUTH2 = "oauth2"
AUTH_KINDS = (AUTH_PASSWORD, AUTH_OAUTH2)


class TokenProvider(Protocol):
    def __call__(self, address: str, *, refresh: bool = False) -> str:
        """A valid access token for the mailbox; a fresh one when `refresh` (a server refused
        the last one)."""
        ...
