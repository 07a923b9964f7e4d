"""Mailboxes that log in with OAuth2 instead of a password (Google Workspace, Microsoft 365).

What the IMAP and SMTP side uses:

- `access_token(address, refresh=False)`: a token for XOAUTH2/OAUTHBEARER, refreshed when it
  expires within five minutes, or at once with `refresh=True` after a server refused it (once);
- `MailboxNeedsReconnect`: the provider refused the refresh; only that mailbox stops;
- `is_oauth_mailbox(address)`; `mailboxes_needing_reconnect()` and `reconnect_url(mailbox)` for
  the digest's "needs to be connected again" line.

Modules: `providers` (endpoints and scopes), `client` (authlib), `encryption` (Fernet keys),
`tokens` (stored tokens, refresh), `consent` (browser flow), `device` (device-code flow).
"""

from mailagent.oauth.errors import MailboxNeedsReconnect
from mailagent.oauth.tokens import (
    access_token,
    is_oauth_mailbox,
    mailboxes_needing_reconnect,
    reconnect_url,
)

__all__ = [
    "MailboxNeedsReconnect",
    "access_token",
    "is_oauth_mailbox",
    "mailboxes_needing_reconnect",
    "reconnect_url",
]
