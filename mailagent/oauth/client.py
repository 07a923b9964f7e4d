"""Talking to a token endpoint, through authlib's OAuth2 client (PKCE, refresh and client
authentication are authlib's; the grant types and error handling are ours).

Every answer is turned into a `Grant` or one of two errors: `ProviderRefused` when the endpoint
answered with an OAuth2 error (RFC 6749 section 5.2: invalid_grant, access_denied,
authorization_pending, ...), `ProviderUnavailable` when it could not be reached or failed on its
side (5xx, `temporarily_unavailable`, `server_error`). A client without a secret (Microsoft's
public-client device flow) authenticates with its id in the body (`none`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

from mailagent.oauth.errors import ProviderRefused, ProviderUnavailable
from mailagent.oauth.providers import Provider

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session

# authlib and requests (with joserfc and cryptography under them: about 30 MB and 400 modules)
# are imported by the functions that talk to a provider, not here: the admin registers the
# mailbox connections at start-up, so every process (the poller and each of its workers too)
# would carry them, while only OAuth mailboxes ever use them.

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"  # RFC 8628 section 3.4
# Errors a provider sends when the fault is its own and a later try may work.
_PROVIDER_SIDE = {"temporarily_unavailable", "server_error"}
# An access token with no `expires_in` is assumed to last this long (both providers send it).
_DEFAULT_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Grant:
    """What a token endpoint gave. The tokens are kept out of repr() so that they never reach a
    log line or a traceback by accident."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    scopes: str


def grant_from(answer: dict[str, Any], *, now: datetime, requested_scope: str) -> Grant:
    """PURE: a token response (RFC 6749 section 5.1) as a Grant."""
    if not answer.get("access_token"):
        raise ProviderRefused("invalid_response", "the token endpoint sent no access token")
    try:
        lifetime = timedelta(seconds=int(answer["expires_in"]))
    except (KeyError, TypeError, ValueError):
        lifetime = _DEFAULT_LIFETIME
    return Grant(
        access_token=str(answer["access_token"]),
        refresh_token=str(answer.get("refresh_token") or ""),
        expires_at=now + lifetime,
        scopes=str(answer.get("scope") or requested_scope),
    )


def oauth_session(
    provider: Provider, *, client_id: str, client_secret: str, redirect_uri: str | None = None
) -> OAuth2Session:
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        client_id=client_id,
        client_secret=client_secret or None,
        token_endpoint_auth_method="client_secret_post" if client_secret else "none",
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=settings.OAUTH_TIMEOUT,
    )


def token_request(session: OAuth2Session, provider: Provider, **params: Any) -> dict[str, Any]:
    """POST to the token endpoint; the answer's fields, or ProviderRefused/ProviderUnavailable."""
    import requests
    from authlib.integrations.base_client import OAuthError

    try:
        return dict(session.fetch_token(provider.token_endpoint, **params))
    except OAuthError as exc:
        raise _refusal(exc.error, exc.description) from None
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(
            f"The {provider.name} token endpoint could not be used: {type(exc).__name__}"
        ) from None


def refresh_request(
    session: OAuth2Session, provider: Provider, *, refresh_token: str
) -> dict[str, Any]:
    import requests
    from authlib.integrations.base_client import OAuthError

    try:
        return dict(session.refresh_token(provider.token_endpoint, refresh_token=refresh_token))
    except OAuthError as exc:
        raise _refusal(exc.error, exc.description) from None
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(
            f"The {provider.name} token endpoint could not be used: {type(exc).__name__}"
        ) from None


def device_authorization_request(session: OAuth2Session, provider: Provider) -> dict[str, Any]:
    """RFC 8628 section 3.1: ask for a user code. Not a token request, so authlib has no method
    for it; the client authenticates as it would at the token endpoint."""
    import requests

    data = {"client_id": session.client_id, "scope": provider.scope}
    try:
        response = session.post(
            provider.device_authorization_endpoint,
            data=data,
            headers={"Accept": "application/json"},
            withhold_token=True,
        )
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(
            f"The {provider.name} device endpoint could not be used: {type(exc).__name__}"
        ) from None
    if not isinstance(answer, dict) or response.status_code >= 500:
        raise ProviderUnavailable(f"The {provider.name} device endpoint failed")
    if "error" in answer or response.status_code >= 400:
        raise _refusal(str(answer.get("error", "invalid_request")), answer.get("error_description"))
    return answer


def _refusal(error: str | None, description: str | None) -> Exception:
    error = error or "invalid_request"
    # Providers' descriptions are for developers (AADSTS codes, trace ids); keep them short.
    description = " ".join(str(description or "").split())[:200]
    if error in _PROVIDER_SIDE:
        return ProviderUnavailable(f"{error}: {description}" if description else error)
    return ProviderRefused(error, description)
