"""Mailboxes connected with OAuth2 that a person must connect again (their refresh token was
revoked or has expired), as the poller, the sender and the digest say it. Reads only: the token
store marks them (`mailagent.oauth`), and connecting one again in the admin clears the mark."""

from __future__ import annotations

from dataclasses import dataclass

from mailagent.models import MailboxConnection
from mailagent.oauth import MailboxNeedsReconnect, mailboxes_needing_reconnect, reconnect_url


@dataclass(frozen=True)
class MailboxToReconnect:
    address: str
    # What the provider said and what to do, as a sentence for people (never a token).
    reason: str
    # The admin page that connects it again, absolute (it goes into mail and logs).
    url: str

    @property
    def line(self) -> str:
        where = f": {self.url}" if self.url else " (in the admin, Mailbox connections)"
        return f"mailbox {self.address} needs to be connected again{where}"


def mailbox_to_reconnect(exc: MailboxNeedsReconnect) -> MailboxToReconnect:
    """What to tell a person about the mailbox a token request just gave up on."""
    try:
        url = reconnect_url(exc.address)
    except MailboxConnection.DoesNotExist:  # deleted in the admin since
        url = ""
    return MailboxToReconnect(address=exc.address, reason=exc.reason, url=url)


def mailboxes_to_reconnect() -> list[MailboxToReconnect]:
    """Every mailbox waiting for a person to connect it again, by address."""
    return [
        MailboxToReconnect(address=m.address, reason=m.reason, url=reconnect_url(m))
        for m in sorted(mailboxes_needing_reconnect(), key=lambda m: m.address)
    ]
