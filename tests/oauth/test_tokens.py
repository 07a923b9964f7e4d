"""Stored tokens: encrypted at rest, readable across a key rotation, refreshed before they
expire or when a server refused one, and given up on (only for that mailbox) when revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from mailagent.errors import ConfigurationError, TransientError
from mailagent.models import AuditEvent, MailboxConnection
from mailagent.oauth import (
    MailboxNeedsReconnect,
    access_token,
    is_oauth_mailbox,
    mailboxes_needing_reconnect,
    reconnect_url,
    tokens,
)
from tests.oauth.authserver import CLIENT_SECRET
from tests.oauth.conftest import ADDRESS, connected_mailbox

pytestmark = pytest.mark.django_db


def stored_columns() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mailagent_mailboxconnection")
        return repr(cursor.fetchall())


class TestEncryptionAtRest:
    def test_the_database_holds_no_token_and_no_client_secret(self, authserver):
        _, grant = connected_mailbox(authserver)
        columns = stored_columns()
        assert ADDRESS in columns
        for secret in (grant.access_token, grant.refresh_token, CLIENT_SECRET):
            assert secret not in columns
        assert access_token(ADDRESS) == grant.access_token

    def test_a_new_key_first_then_rotation_then_the_old_key_removed(self, authserver, settings):
        _, grant = connected_mailbox(authserver)
        old, new = settings.MAILBOX_TOKEN_KEYS[0], Fernet.generate_key().decode()
        settings.MAILBOX_TOKEN_KEYS = [new, old]
        assert access_token(ADDRESS) == grant.access_token  # both keys decrypt
        call_command("rotate_mailbox_tokens", stdout=open("/dev/null", "w"))  # noqa: SIM115
        settings.MAILBOX_TOKEN_KEYS = [new]
        assert access_token(ADDRESS) == grant.access_token
        assert not authserver.refreshes()

    def test_removing_a_key_before_rotating_says_what_to_do(self, authserver, settings):
        connected_mailbox(authserver)
        settings.MAILBOX_TOKEN_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(ConfigurationError, match="rotate_mailbox_tokens"):
            access_token(ADDRESS)

    def test_without_keys_in_development_a_key_is_derived_from_the_secret_key(
        self, authserver, settings, caplog
    ):
        settings.MAILBOX_TOKEN_KEYS = []
        settings.SECRET_KEY = "a-development-secret-key-for-this-test-only-" + "x" * 20
        _, grant = connected_mailbox(authserver)
        assert grant.access_token not in stored_columns()
        assert access_token(ADDRESS) == grant.access_token
        assert "MAILBOX_TOKEN_KEYS is not set" in caplog.text


class TestRefresh:
    def test_a_token_that_lasts_is_handed_out_without_asking_the_provider(self, authserver):
        _, grant = connected_mailbox(authserver, expires_in=timedelta(minutes=30))
        assert access_token(ADDRESS) == grant.access_token
        assert authserver.refreshes() == []

    def test_a_token_expiring_within_five_minutes_is_refreshed_and_saved(self, authserver):
        _, grant = connected_mailbox(authserver, expires_in=timedelta(minutes=4))
        fresh = access_token(ADDRESS)
        assert fresh != grant.access_token and authserver.valid(fresh)
        assert len(authserver.refreshes()) == 1
        mailbox = MailboxConnection.objects.get()
        assert mailbox.last_refreshed_at is not None
        assert fresh not in stored_columns()
        assert access_token(ADDRESS) == fresh  # saved: no second refresh
        assert len(authserver.refreshes()) == 1

    def test_a_refused_token_is_refreshed_at_once_when_the_caller_says_so(self, authserver):
        _, grant = connected_mailbox(authserver)
        fresh = access_token(ADDRESS, refresh=True)
        assert fresh != grant.access_token
        assert len(authserver.refreshes()) == 1

    def test_a_rotated_refresh_token_is_kept_for_the_next_refresh(self, authserver):
        authserver.rotate_refresh_tokens = True  # as Microsoft does
        connected_mailbox(authserver, provider="microsoft")
        access_token(ADDRESS, refresh=True)
        second = access_token(ADDRESS, refresh=True)
        assert authserver.valid(second)
        assert len(authserver.refreshes()) == 2

    def test_a_refresh_that_lost_the_race_returns_its_own_token_and_stores_nothing(
        self, authserver
    ):
        """SQLite's path, the race pinned: another process refreshed between our read and our
        save."""
        connected_mailbox(authserver, expires_in=timedelta(0))
        seen = MailboxConnection.objects.get()
        winner = access_token(ADDRESS)
        mine = tokens._refresh_then_save_if_unchanged(seen)
        assert mine != winner and authserver.valid(mine)
        assert access_token(ADDRESS) == winner

    def test_a_refusal_after_someone_else_rotated_the_token_does_not_stop_the_mailbox(
        self, authserver
    ):
        authserver.rotate_refresh_tokens = True  # our refresh token dies with their refresh
        connected_mailbox(authserver, provider="microsoft", expires_in=timedelta(0))
        seen = MailboxConnection.objects.get()
        winner = access_token(ADDRESS)
        assert tokens._refresh_then_save_if_unchanged(seen) == winner
        assert MailboxConnection.objects.get().status == MailboxConnection.Status.CONNECTED


class TestRevoked:
    def test_a_revoked_refresh_token_stops_the_mailbox_with_a_reason(self, authserver):
        _, grant = connected_mailbox(authserver, expires_in=timedelta(minutes=1))
        authserver.revoke_all()
        with pytest.raises(MailboxNeedsReconnect) as raised:
            access_token(ADDRESS)
        assert raised.value.address == ADDRESS
        assert "Connect the mailbox again" in raised.value.reason
        mailbox = MailboxConnection.objects.get()
        assert mailbox.status == MailboxConnection.Status.NEEDS_RECONNECT
        assert mailbox.reason == raised.value.reason
        assert mailboxes_needing_reconnect() == [mailbox]
        assert reconnect_url(mailbox).startswith("http://testserver/admin/")
        assert "address=agent%40acme.example" in reconnect_url(ADDRESS)
        # No second trip to the provider: the mailbox waits for a person.
        with pytest.raises(MailboxNeedsReconnect):
            access_token(ADDRESS, refresh=True)
        assert len(authserver.refreshes()) == 1
        trail = serializers.serialize("json", AuditEvent.objects.all())
        assert "mailbox.needs_reconnect" in trail
        for secret in (grant.access_token, grant.refresh_token, CLIENT_SECRET):
            assert secret not in trail

    def test_only_that_mailbox_stops(self, authserver):
        connected_mailbox(authserver, address="a@acme.example", expires_in=timedelta(0))
        authserver.revoke_all()
        connected_mailbox(authserver, address="b@acme.example", expires_in=timedelta(0))
        with pytest.raises(MailboxNeedsReconnect):
            access_token("a@acme.example")
        assert authserver.valid(access_token("B@Acme.example"))
        assert [m.address for m in mailboxes_needing_reconnect()] == ["a@acme.example"]

    def test_an_unreachable_provider_is_transient_and_changes_nothing(self, authserver):
        connected_mailbox(authserver, expires_in=timedelta(0))
        authserver.stop()
        with pytest.raises(TransientError):
            access_token(ADDRESS)
        assert MailboxConnection.objects.get().status == MailboxConnection.Status.CONNECTED


def test_which_mailboxes_use_oauth(authserver):
    connected_mailbox(authserver)
    assert is_oauth_mailbox("Agent@acme.example")
    assert not is_oauth_mailbox("billing@acme.example")
    with pytest.raises(ConfigurationError, match="not connected with OAuth2"):
        access_token("billing@acme.example")


@pytest.mark.django_db(transaction=True)
def test_threads_refreshing_at_once_on_postgresql_refresh_once(authserver):
    """The row lock: the threads that waited take the token the first one stored."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's path is pinned by the race tests above")
    connected_mailbox(authserver, expires_in=timedelta(minutes=1))

    def one(_: int) -> str:
        try:
            return access_token(ADDRESS)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        tokens_seen = set(pool.map(one, range(4)))
    assert len(tokens_seen) == 1 and authserver.valid(tokens_seen.pop())
    assert len(authserver.refreshes()) == 1


def test_the_log_filter_redacts_the_token_keys(settings):
    import logging

    from mailagent.logs import RedactingFilter

    settings.MAILBOX_TOKEN_KEYS = [Fernet.generate_key().decode()]
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "key %s", (settings.MAILBOX_TOKEN_KEYS[0],), None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "key [redacted]"
