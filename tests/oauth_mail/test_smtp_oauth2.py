"""Sending an approved draft through a mailbox connected with OAuth2: SASL XOAUTH2 at a real
aiosmtpd that checks tokens with the tests' authority, counted on what the server received."""

from __future__ import annotations

import pytest

from mailagent import oauth
from mailagent.models import Draft, OutboundEmail
from mailagent.services.outbound import draft_send
from tests.factories import approved, reply_draft
from tests.oauth_mail.authority import RefreshingProvider

pytestmark = pytest.mark.django_db

SENDER = "agent@acme.example"


@pytest.fixture
def provider(settings, authority, monkeypatch) -> RefreshingProvider:
    """The mailbox's tokens, as the token store would hand them out."""
    settings.SMTP_USER = SENDER
    tokens = RefreshingProvider(authority, SENDER)
    monkeypatch.setattr(oauth, "access_token", tokens)
    return tokens


def test_an_approved_draft_goes_out_with_the_access_token(xoauth2_smtp, provider):
    draft = draft_send(draft_id=approved(reply_draft()).pk)

    assert draft.status == Draft.Status.SENT
    assert len(xoauth2_smtp.received) == 1
    assert xoauth2_smtp.auths == [(SENDER, True)]
    assert provider.calls == [False]


def test_a_refused_token_is_refreshed_once_and_the_mail_goes_out_once(
    xoauth2_smtp, provider, authority
):
    authority.expire(provider.token)

    draft = draft_send(draft_id=approved(reply_draft()).pk)

    assert draft.status == Draft.Status.SENT
    assert len(xoauth2_smtp.received) == 1
    assert xoauth2_smtp.auths == [(SENDER, False), (SENDER, True)]
    assert provider.calls == [False, True]
    assert authority.refreshes(SENDER) == 1
    outbound = OutboundEmail.objects.get()
    assert outbound.attempts == 1 and outbound.status == OutboundEmail.Status.SENT


def test_a_fresh_token_refused_too_fails_the_send_saying_what_to_do(
    xoauth2_smtp, settings, authority, monkeypatch
):
    settings.SMTP_USER = SENDER
    # Tokens for another account: the server refuses every one of them for this address.
    other = RefreshingProvider(authority, "someone-else@acme.example")
    monkeypatch.setattr(
        oauth,
        "access_token",
        lambda _address, *, refresh=False: other(other.address, refresh=refresh),
    )

    draft = draft_send(draft_id=approved(reply_draft()).pk)

    assert draft.status == Draft.Status.FAILED
    assert "refused the OAuth2 access token" in draft.error and "SMTP scope" in draft.error
    assert other.token not in draft.error
    assert xoauth2_smtp.received == []
    assert len(xoauth2_smtp.auths) == 2
