"""IMAP with an OAuth2 access token, against a real Dovecot checking tokens with its oauth2 passdb
(introspection at the tests' token authority): the token logs in, an expired one is refreshed
once, a refused fresh one is a clear error, and a sync then reads the mail."""

from __future__ import annotations

import dataclasses

import pytest

from mailagent.errors import ConfigurationError
from mailagent.integrations.imap import ImapAccount, imap_connect
from tests.imap.dovecot import Mailbox
from tests.imap.messages import question
from tests.oauth_mail.authority import Authority, RefreshingProvider


def oauth_account(mailbox: Mailbox, provider) -> ImapAccount:
    return ImapAccount(
        host=mailbox.host,
        port=mailbox.port,
        user=mailbox.user,
        ssl=False,
        timeout=10,
        auth="oauth2",
        token_provider=provider,
    )


class TestXoauth2Login:
    def test_a_valid_token_logs_in_without_a_refresh(self, oauth_mailbox, authority, oauth_dovecot):
        provider = RefreshingProvider(authority, oauth_mailbox.user)
        with imap_connect(oauth_account(oauth_mailbox, provider)) as conn:
            assert conn.select("INBOX", readonly=True).exists == 0
        assert provider.calls == [False]
        assert authority.refreshes(oauth_mailbox.user) == 0
        assert f"user=<{oauth_mailbox.user}>, method=XOAUTH2" in oauth_dovecot.log()

    def test_an_expired_token_is_refreshed_once_and_the_login_goes_on(
        self, oauth_mailbox, authority: Authority
    ):
        provider = RefreshingProvider(authority, oauth_mailbox.user)
        authority.expire(provider.token)
        with imap_connect(oauth_account(oauth_mailbox, provider)) as conn:
            conn.select("INBOX", readonly=True)
        assert provider.calls == [False, True]
        assert authority.refreshes(oauth_mailbox.user) == 1

    def test_a_fresh_token_refused_too_names_what_to_do(self, oauth_mailbox, authority):
        provider = RefreshingProvider(authority, "someone-else@acme.example")
        with pytest.raises(ConfigurationError) as refused:
            imap_connect(oauth_account(oauth_mailbox, _as(provider, oauth_mailbox.user)))
        text = str(refused.value)
        assert "refused the OAuth2 access token" in text and "twice" in text
        assert "IMAP scope" in text and "connect the mailbox again" in text
        assert provider.token not in text
        assert provider.calls == [False, True]

    def test_oauthbearer_is_used_where_the_server_offers_no_xoauth2(
        self, oauth_mailbox, authority, oauth_dovecot, monkeypatch
    ):
        from imapclient import IMAPClient

        real = IMAPClient.has_capability
        monkeypatch.setattr(
            IMAPClient,
            "has_capability",
            lambda self, name: name.upper() != "AUTH=XOAUTH2" and real(self, name),
        )
        provider = RefreshingProvider(authority, oauth_mailbox.user)
        with imap_connect(oauth_account(oauth_mailbox, provider)) as conn:
            conn.select("INBOX", readonly=True)
        assert f"user=<{oauth_mailbox.user}>, method=OAUTHBEARER" in oauth_dovecot.log()

    def test_a_password_mailbox_on_the_same_server_logs_in_as_before(self, oauth_mailbox):
        account = ImapAccount(
            host=oauth_mailbox.host,
            port=oauth_mailbox.port,
            user=oauth_mailbox.user,
            password=oauth_mailbox.password,
            ssl=False,
            timeout=10,
        )
        with imap_connect(account) as conn:
            conn.select("INBOX", readonly=True)
        with pytest.raises(ConfigurationError, match="check IMAP_USER and IMAP_PASSWORD"):
            imap_connect(dataclasses.replace(account, password="wrong"))


@pytest.mark.django_db
def test_a_sync_after_the_refresh_fetches_the_mail(oauth_mailbox, authority, settings):
    from django.utils import timezone

    from mailagent.models import InboundEmail
    from mailagent.services.imap_sync import folder_sync
    from mailagent.services.mailboxes import ImapFolder

    settings.IMAP_BACKFILL_DAYS = 7
    oauth_mailbox.append(question(1, subject="Do you deliver on Saturdays?"))
    provider = RefreshingProvider(authority, oauth_mailbox.user)
    authority.expire(provider.token)
    folder = ImapFolder(account=oauth_account(oauth_mailbox, provider), folder="INBOX")
    with imap_connect(folder.account) as conn:
        report, _ = folder_sync(conn=conn, folder=folder, today=timezone.localdate())
    assert len(report.stored) == 1
    assert b"Subject: Do you deliver on Saturdays?" in bytes(InboundEmail.objects.get().raw)
    assert authority.refreshes(oauth_mailbox.user) == 1


def _as(provider: RefreshingProvider, address: str):
    """The provider's tokens, handed out for another address: the server refuses every one."""
    return lambda _address, *, refresh=False: provider(provider.address, refresh=refresh)
