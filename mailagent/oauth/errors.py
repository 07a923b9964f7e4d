"""What can go wrong with a mailbox connected by OAuth2, as the callers need to tell it apart.

Only `MailboxNeedsReconnect` stops a mailbox: a person must consent again. A provider that cannot
be reached is a `TransientError` like any dropped connection (retry later; the connection stays
connected). Nothing here carries a token: messages are read by people and land in logs.
"""

from __future__ import annotations

from mailagent.errors import MailAgentError, TransientError, UserInputError


class MailboxNeedsReconnect(MailAgentError):
    """The provider refused the stored refresh token (revoked, expired, the password changed,
    the client secret expired): this mailbox waits until someone connects it again."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"{address} needs to be connected again: {reason}")
        self.address = address
        self.reason = reason


class ProviderRefused(MailAgentError):
    """A token endpoint answered with an OAuth2 error (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class ProviderUnavailable(TransientError):
    """The provider could not be reached, or answered with a server error: try again later."""


class ConsentRefused(UserInputError):
    """A consent callback that must change nothing: unknown, reused or expired state, or the
    person declined on the provider's page."""


class DeviceFlowStopped(UserInputError):
    """The device-code flow ended without tokens; the message says why and what to do."""
