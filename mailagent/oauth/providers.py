"""The two providers' OAuth2 endpoints and the scopes for IMAP and SMTP, nothing more.

Google: one scope, https://mail.google.com/, covers IMAP and SMTP (the Gmail API need not be
enabled for them). `access_type=offline` asks for a refresh token and `prompt=consent` makes
Google issue a new one on every consent, including a reconnect (otherwise it sends one only the
first time). Google's device-code flow does not allow the mail scope: headless servers connect
Google mailboxes through the admin in a browser.

Microsoft: IMAP.AccessAsUser.All and SMTP.Send on the outlook.office.com resource, plus
offline_access for a refresh token. The tenant in the address is OAUTH_MICROSOFT_TENANT; an app
registered for one organisation must use its tenant id or domain there (AADSTS50194 otherwise).

OAUTH_PROVIDER_OVERRIDES replaces any endpoint by provider name (the tests serve them on
127.0.0.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings

GOOGLE_SCOPES = ("https://mail.google.com/",)
MICROSOFT_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)
ENDPOINT_NAMES = ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint")


@dataclass(frozen=True)
class Provider:
    name: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str
    scopes: tuple[str, ...]
    # Added to the authorization request (never to the token request).
    authorize_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)


def provider_named(
    name: str, *, microsoft_tenant: str, overrides: Mapping[str, Mapping[str, str]]
) -> Provider:
    """The provider's endpoints, with any overrides applied. PURE."""
    if name == "google":
        provider = Provider(
            name="google",
            authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
            token_endpoint="https://oauth2.googleapis.com/token",  # noqa: S106 (an address)
            device_authorization_endpoint="https://oauth2.googleapis.com/device/code",
            scopes=GOOGLE_SCOPES,
            authorize_params={"access_type": "offline", "prompt": "consent"},
        )
    elif name == "microsoft":
        base = (
            f"https://login.microsoftonline.com/{microsoft_tenant or 'organizations'}/oauth2/v2.0"
        )
        provider = Provider(
            name="microsoft",
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            device_authorization_endpoint=f"{base}/devicecode",
            scopes=MICROSOFT_SCOPES,
            authorize_params={"prompt": "select_account"},
        )
    else:
        raise ValueError(f"Unknown OAuth2 provider {name!r}: use google or microsoft.")
    changes = {k: v for k, v in overrides.get(name, {}).items() if k in ENDPOINT_NAMES}
    return replace(provider, **changes)


def provider_for(name: str) -> Provider:
    """The provider as the settings in force configure it."""
    return provider_named(
        name,
        microsoft_tenant=settings.OAUTH_MICROSOFT_TENANT,
        overrides=settings.OAUTH_PROVIDER_OVERRIDES,
    )
