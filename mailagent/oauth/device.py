"""The device-code flow (RFC 8628) for servers without a browser: `manage.py connect_mailbox`.

The provider gives a user code and a verification address; the person opens it on any device
and consents, while we poll the token endpoint every `interval` seconds (5 when the provider
names none), five seconds slower after each `slow_down`, until tokens come, the person declines
(`access_denied`) or the code expires (`expired_token`, or its `expires_in` passes).
Google's answer names the address `verification_url`, Microsoft's `verification_uri`.

Microsoft's device flow is a public-client flow: no client secret is sent (the app registration
must allow public client flows). Google's needs its secret, and does not allow the mail scope at
all (it answers invalid_scope): Google mailboxes connect through the admin.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from mailagent.models import MailboxConnection
from mailagent.oauth.client import (
    DEVICE_CODE_GRANT,
    Grant,
    device_authorization_request,
    grant_from,
    oauth_session,
    token_request,
)
from mailagent.oauth.errors import DeviceFlowStopped, ProviderRefused
from mailagent.oauth.providers import Provider
from mailagent.oauth.tokens import connection_store

DEFAULT_INTERVAL = 5  # seconds, RFC 8628 section 3.2
SLOW_DOWN_STEP = 5  # seconds, RFC 8628 section 3.5


@dataclass(frozen=True)
class DeviceCode:
    device_code: str = field(repr=False)
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int
    message: str = ""


def device_code_request(*, provider: Provider, client_id: str, client_secret: str) -> DeviceCode:
    session = oauth_session(provider, client_id=client_id, client_secret=client_secret)
    try:
        answer = device_authorization_request(session, provider)
    except ProviderRefused as exc:
        raise DeviceFlowStopped(_stopped_because(provider, exc)) from None
    try:
        return DeviceCode(
            device_code=str(answer["device_code"]),
            user_code=str(answer["user_code"]),
            verification_uri=str(
                answer.get("verification_uri")
                or answer.get("verification_url")
                or answer["verification_uri_complete"]
            ),
            expires_in=int(answer.get("expires_in", 900)),
            interval=int(answer.get("interval", DEFAULT_INTERVAL)),
            message=str(answer.get("message", "")),
        )
    except (KeyError, TypeError, ValueError):
        raise DeviceFlowStopped(
            f"The {provider.name} device endpoint gave no usable code; nothing was stored."
        ) from None


def device_token_poll(
    *,
    provider: Provider,
    client_id: str,
    client_secret: str,
    code: DeviceCode,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Grant:
    """Poll until the person has consented; the tokens, or DeviceFlowStopped saying why not."""
    sleep = sleep or time.sleep
    session = oauth_session(provider, client_id=client_id, client_secret=client_secret)
    interval = code.interval or DEFAULT_INTERVAL
    deadline = clock() + code.expires_in
    while clock() < deadline:
        sleep(interval)
        try:
            answer = token_request(
                session, provider, grant_type=DEVICE_CODE_GRANT, device_code=code.device_code
            )
        except ProviderRefused as exc:
            if exc.error == "authorization_pending":
                continue
            if exc.error == "slow_down":
                interval += SLOW_DOWN_STEP
                continue
            raise DeviceFlowStopped(_stopped_because(provider, exc)) from None
        return grant_from(answer, now=timezone.now(), requested_scope=provider.scope)
    raise DeviceFlowStopped(_EXPIRED)


_EXPIRED = "The code expired before it was entered; nothing was stored. Run the command again."


def _stopped_because(provider: Provider, refused: ProviderRefused) -> str:
    if refused.error == "expired_token":
        return _EXPIRED
    if refused.error == "access_denied":
        return "Access was declined on the consent page; nothing was stored."
    if refused.error == "invalid_scope" and provider.name == "google":
        return (
            "Google does not allow the mail scope in the device-code flow (invalid_scope). "
            "Connect this mailbox from the admin in a browser instead; nothing was stored."
        )
    said = f": {refused.description}" if refused.description else ""
    return f"The provider refused ({refused.error}{said}); nothing was stored."


def device_connect(
    *,
    provider: Provider,
    address: str,
    client_id: str,
    client_secret: str,
    show: Callable[[DeviceCode], None],
    actor: str,
    sleep: Callable[[float], None] | None = None,
) -> MailboxConnection:
    """The whole flow: ask for a code, `show` it to the person, wait, store the tokens."""
    code = device_code_request(provider=provider, client_id=client_id, client_secret=client_secret)
    show(code)
    grant = device_token_poll(
        provider=provider, client_id=client_id, client_secret=client_secret, code=code, sleep=sleep
    )
    return connection_store(
        address=address,
        provider=provider.name,
        client_id=client_id,
        client_secret=client_secret,
        grant=grant,
        actor=actor,
    )
