"""The browser flow: authorization code with PKCE (RFC 7636, S256) and a state parameter.

A staff user starts it in the admin; the state is random (256 bits), kept server-side only as a
SHA-256 beside the user who started it, lives OAUTH_STATE_MAX_AGE_SECONDS, and is deleted as the
callback reads it, so it works once. A callback whose state is unknown, someone else's, used or
expired is refused before anything is exchanged or stored. The code is exchanged with the PKCE
verifier, so a code intercepted on its way back (a log, a proxy) is useless on its own.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailagent.models import MailboxConnection, OAuthAuthorization
from mailagent.oauth.client import grant_from, oauth_session, token_request
from mailagent.oauth.encryption import decrypt, encrypt
from mailagent.oauth.errors import ConsentRefused
from mailagent.oauth.providers import provider_for
from mailagent.oauth.tokens import connection_store, normalized


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def callback_url() -> str:
    """The redirect URI to register with the provider: the portal's callback page."""
    return f"{settings.PORTAL_BASE_URL}{reverse('portal:oauth_callback')}"


def stored_client_secret(address: str) -> str:
    """The secret of the mailbox's current connection, for a reconnect that leaves it blank."""
    mailbox = MailboxConnection.objects.filter(address=normalized(address)).first()
    return decrypt(mailbox.client_secret_encrypted) if mailbox else ""


def consent_start(
    *,
    user: AbstractUser,
    provider: str,
    address: str,
    client_id: str,
    client_secret: str,
) -> str:
    """Record a consent in progress; the provider's authorization URL to send the user to."""
    if not (user.is_active and user.is_staff):
        raise PermissionDenied("Only staff may connect a mailbox.")
    endpoints = provider_for(provider)
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    redirect_uri = callback_url()
    max_age = timedelta(seconds=settings.OAUTH_STATE_MAX_AGE_SECONDS)
    OAuthAuthorization.objects.filter(created_at__lt=timezone.now() - max_age).delete()
    OAuthAuthorization.objects.create(
        state_hash=_state_hash(state),
        user=user,
        provider=provider,
        address=normalized(address),
        client_id=client_id,
        client_secret_encrypted=encrypt(client_secret),
        code_verifier_encrypted=encrypt(verifier),
        redirect_uri=redirect_uri,
    )
    session = oauth_session(
        endpoints, client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri
    )
    url, _ = session.create_authorization_url(
        endpoints.authorization_endpoint,
        state=state,
        code_verifier=verifier,
        login_hint=normalized(address),
        **endpoints.authorize_params,
    )
    return url


def consent_finish(
    *, user: AbstractUser, state: str, code: str, error: str = ""
) -> MailboxConnection:
    """Complete the consent the state names: exchange the code, store the tokens."""
    pending = _take_pending(user=user, state=state)
    if error:
        raise ConsentRefused(
            f"The provider did not give access ({error[:80]}); nothing was stored. Start again "
            "from the admin if that was a mistake."
        )
    if not code:
        raise ConsentRefused("The provider sent no authorization code; nothing was stored.")
    endpoints = provider_for(pending.provider)
    client_secret = decrypt(pending.client_secret_encrypted)
    session = oauth_session(
        endpoints,
        client_id=pending.client_id,
        client_secret=client_secret,
        redirect_uri=pending.redirect_uri,
    )
    answer = token_request(
        session,
        endpoints,
        grant_type="authorization_code",
        code=code,
        code_verifier=decrypt(pending.code_verifier_encrypted),
        redirect_uri=pending.redirect_uri,
    )
    grant = grant_from(answer, now=timezone.now(), requested_scope=endpoints.scope)
    return connection_store(
        address=pending.address,
        provider=pending.provider,
        client_id=pending.client_id,
        client_secret=client_secret,
        grant=grant,
        actor=user.email or user.get_username(),
    )


def _take_pending(*, user: AbstractUser, state: str) -> OAuthAuthorization:
    """The consent in progress this user started with this state, removed so it works once."""
    if not state or not user.is_authenticated:
        raise ConsentRefused("This connection attempt is not valid; nothing was changed.")
    with transaction.atomic():
        pending = (
            OAuthAuthorization.objects.select_for_update()
            .filter(state_hash=_state_hash(state), user_id=user.pk)
            .first()
        )
        if pending is None:
            raise ConsentRefused(
                "This connection attempt is unknown, was already used, or was started by "
                "someone else; nothing was changed. Start again from the admin."
            )
        OAuthAuthorization.objects.filter(pk=pending.pk).delete()
    max_age = timedelta(seconds=settings.OAUTH_STATE_MAX_AGE_SECONDS)
    if pending.created_at < timezone.now() - max_age:
        raise ConsentRefused(
            "This connection attempt took too long and has expired; nothing was changed. Start "
            "again from the admin."
        )
    return pending
