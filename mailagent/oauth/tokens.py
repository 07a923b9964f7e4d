"""Access tokens for the connected mailboxes: stored, handed out, refreshed, given up on.

`access_token` is what IMAP and SMTP call before each login. A token that lives at least five
more minutes is handed out as stored (a login and a pass over a folder fit in that); otherwise,
or when the caller says a server refused it (`refresh=True`), it is refreshed first.

Concurrency: several poller threads, workers and the portal may find the same token expiring at
once. On PostgreSQL the refresh runs under a row lock (`select_for_update`), and a caller that
waited on the lock takes the token the first one stored. SQLite has no row locks and a
transaction there locks the whole database (transaction_mode IMMEDIATE), so the refresh runs
outside any transaction and is saved by a conditional UPDATE on the refresh token it used: a
refresh that lost the race still returns its own, valid, access token and stores nothing. A
refusal marks the mailbox only if no one refreshed it meanwhile.

A refusal (invalid_grant: revoked, expired, password changed; invalid_client: the client secret
expired) marks the connection `needs_reconnect` with a sentence saying why and raises
`MailboxNeedsReconnect`; a provider that cannot be reached raises `ProviderUnavailable` (a
TransientError) and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailagent.errors import ConfigurationError
from mailagent.models import MailboxConnection
from mailagent.oauth.client import Grant, grant_from, oauth_session, refresh_request
from mailagent.oauth.encryption import decrypt, encrypt
from mailagent.oauth.errors import MailboxNeedsReconnect, ProviderRefused
from mailagent.oauth.providers import provider_for
from mailagent.services.audit import audit_record

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
Status = MailboxConnection.Status


def normalized(address: str) -> str:
    return address.strip().lower()


def is_oauth_mailbox(address: str) -> bool:
    return MailboxConnection.objects.filter(address=normalized(address)).exists()


def mailboxes_needing_reconnect() -> list[MailboxConnection]:
    return list(MailboxConnection.objects.filter(status=Status.NEEDS_RECONNECT))


def reconnect_url(mailbox: MailboxConnection | str) -> str:
    """The admin page that connects this mailbox again (address and provider filled in), as an
    absolute address for mail such as the digest."""
    if isinstance(mailbox, str):
        mailbox = MailboxConnection.objects.get(address=normalized(mailbox))
    query = urlencode({"address": mailbox.address, "provider": mailbox.provider})
    path = reverse("admin:mailagent_mailboxconnection_add")
    return f"{settings.PORTAL_BASE_URL}{path}?{query}"


def access_token(address: str, *, refresh: bool = False) -> str:
    """A valid access token for the mailbox; see the module's docstring."""
    seen = _connection(address)
    if seen.status == Status.NEEDS_RECONNECT:
        raise MailboxNeedsReconnect(seen.address, seen.reason)
    if not refresh and _lasts(seen, now=timezone.now()):
        return decrypt(seen.access_token_encrypted)
    if db_connection.features.has_select_for_update:
        return _refresh_under_row_lock(seen)
    return _refresh_then_save_if_unchanged(seen)


def connection_store(
    *, address: str, provider: str, client_id: str, client_secret: str, grant: Grant, actor: str
) -> MailboxConnection:
    """Save a consent's tokens: a new connection, or a reconnected one (connected again)."""
    if not grant.refresh_token:
        raise ProviderRefused(
            "no_refresh_token",
            "the provider gave no refresh token; for Microsoft ask for offline_access, for "
            "Google connect again (the consent page asks for offline access)",
        )
    with transaction.atomic():
        mailbox, created = MailboxConnection.objects.update_or_create(
            address=normalized(address),
            defaults={
                "provider": provider,
                "client_id": client_id,
                "client_secret_encrypted": encrypt(client_secret),
                "scopes": grant.scopes,
                "access_token_encrypted": encrypt(grant.access_token),
                "refresh_token_encrypted": encrypt(grant.refresh_token),
                "access_token_expires_at": grant.expires_at,
                "last_refreshed_at": timezone.now(),
                "status": Status.CONNECTED,
                "reason": "",
            },
        )
        audit_record(
            action="mailbox.connected" if created else "mailbox.reconnected",
            obj=mailbox,
            actor=actor,
            summary=f"{mailbox.address} connected with OAuth2 ({provider})",
            scopes=grant.scopes,
        )
    return mailbox


def _connection(address: str) -> MailboxConnection:
    try:
        return MailboxConnection.objects.get(address=normalized(address))
    except MailboxConnection.DoesNotExist:
        raise ConfigurationError(
            f"{address} is not connected with OAuth2: connect it in the admin or with "
            "`manage.py connect_mailbox`, or give it a password instead."
        ) from None


def _lasts(mailbox: MailboxConnection, *, now: datetime) -> bool:
    expires = mailbox.access_token_expires_at
    return (
        bool(mailbox.access_token_encrypted)
        and expires is not None
        and expires > now + (REFRESH_MARGIN)
    )


def _refreshed_grant(mailbox: MailboxConnection) -> Grant:
    provider = provider_for(mailbox.provider)
    session = oauth_session(
        provider,
        client_id=mailbox.client_id,
        client_secret=decrypt(mailbox.client_secret_encrypted),
    )
    answer = refresh_request(
        session, provider, refresh_token=decrypt(mailbox.refresh_token_encrypted)
    )
    return grant_from(answer, now=timezone.now(), requested_scope=mailbox.scopes)


def _refreshed_fields(mailbox: MailboxConnection, grant: Grant) -> dict[str, object]:
    fields: dict[str, object] = {
        "access_token_encrypted": encrypt(grant.access_token),
        "access_token_expires_at": grant.expires_at,
        "scopes": grant.scopes,
        "last_refreshed_at": timezone.now(),
        "status": Status.CONNECTED,
        "reason": "",
        "updated_at": timezone.now(),
    }
    if grant.refresh_token:  # Microsoft sends a new one on each refresh; Google keeps its own
        fields["refresh_token_encrypted"] = encrypt(grant.refresh_token)
    return fields


def _refresh_under_row_lock(seen: MailboxConnection) -> str:
    refused: ProviderRefused | None = None
    with transaction.atomic():
        mailbox = MailboxConnection.objects.select_for_update().get(pk=seen.pk)
        if mailbox.status == Status.NEEDS_RECONNECT:
            raise MailboxNeedsReconnect(mailbox.address, mailbox.reason)
        if mailbox.access_token_encrypted != seen.access_token_encrypted and _lasts(
            mailbox, now=timezone.now()
        ):
            return decrypt(mailbox.access_token_encrypted)  # refreshed while we waited
        try:
            grant = _refreshed_grant(mailbox)
        except ProviderRefused as exc:
            refused = exc
            _mark_needs_reconnect(mailbox, exc)
        else:
            MailboxConnection.objects.filter(pk=mailbox.pk).update(
                **_refreshed_fields(mailbox, grant)
            )
            return grant.access_token
    raise MailboxNeedsReconnect(mailbox.address, reason_for(refused))


def _refresh_then_save_if_unchanged(seen: MailboxConnection) -> str:
    try:
        grant = _refreshed_grant(seen)
    except ProviderRefused as exc:
        with transaction.atomic():
            marked = _mark_needs_reconnect(seen, exc)
        if marked:
            raise MailboxNeedsReconnect(seen.address, reason_for(exc)) from None
        # Someone refreshed (maybe rotating the refresh token) while we tried: ask again.
        current = _connection(seen.address)
        if current.status == Status.NEEDS_RECONNECT:
            raise MailboxNeedsReconnect(current.address, current.reason) from None
        return decrypt(current.access_token_encrypted)
    MailboxConnection.objects.filter(
        pk=seen.pk, refresh_token_encrypted=seen.refresh_token_encrypted
    ).update(**_refreshed_fields(seen, grant))
    return grant.access_token


def _mark_needs_reconnect(mailbox: MailboxConnection, refused: ProviderRefused) -> bool:
    """Mark the mailbox, unless its refresh token changed since it was read; True if marked."""
    reason = reason_for(refused)
    marked = MailboxConnection.objects.filter(
        pk=mailbox.pk, refresh_token_encrypted=mailbox.refresh_token_encrypted
    ).update(status=Status.NEEDS_RECONNECT, reason=reason, updated_at=timezone.now())
    if marked:
        logger.warning("Mailbox %s needs to be connected again: %s", mailbox.address, reason)
        audit_record(
            action="mailbox.needs_reconnect", obj=mailbox, summary=reason, error=refused.error
        )
    return bool(marked)


def reason_for(refused: ProviderRefused | None) -> str:
    """A sentence for the admin and the digest: what the provider said, and what to do."""
    if refused is None:
        return "The provider refused the saved sign-in. Connect the mailbox again."
    said = {
        "invalid_grant": "refused the saved sign-in (it was revoked, it expired, or the "
        "account's password or policy changed)",
        "invalid_client": "refused the OAuth client's id or secret (a client secret may have "
        "expired)",
        "unauthorized_client": "no longer lets this OAuth client sign in",
        "invalid_scope": "no longer grants IMAP and SMTP access to this OAuth client",
    }.get(refused.error, f"refused to refresh the sign-in ({refused.error})")
    detail = f" It said: {refused.description}" if refused.description else ""
    return f"The provider {said}.{detail} Connect the mailbox again."[:500]
