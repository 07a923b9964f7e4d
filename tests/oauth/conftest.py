"""A test authorization server for both providers, and a fresh token key for each test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailagent.models import MailboxConnection
from mailagent.oauth.client import Grant
from mailagent.oauth.tokens import connection_store
from tests.oauth.authserver import CLIENT_ID, CLIENT_SECRET, AuthServer, serve_for

ADDRESS = "agent@acme.example"


@pytest.fixture
def authserver(settings):
    yield from serve_for(settings)


def connected_mailbox(
    server: AuthServer,
    *,
    address: str = ADDRESS,
    provider: str = "google",
    expires_in: timedelta = timedelta(hours=1),
) -> tuple[MailboxConnection, Grant]:
    """A mailbox connected as a consent would leave it, with tokens the server knows."""
    answer = server._tokens("https://mail.google.com/", refresh=True)
    grant = Grant(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=timezone.now() + expires_in,
        scopes=answer["scope"],
    )
    mailbox = connection_store(
        address=address,
        provider=provider,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant=grant,
        actor="owner@acme.example",
    )
    return mailbox, grant
