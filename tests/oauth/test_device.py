"""The device-code flow of `manage.py connect_mailbox`: it prints the code and address, polls
through authorization_pending and slow_down at the pace asked, and stops with a clear message."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from mailagent.models import MailboxConnection
from mailagent.oauth import access_token
from mailagent.oauth.device import device_code_request, device_token_poll
from mailagent.oauth.errors import DeviceFlowStopped
from mailagent.oauth.providers import provider_for
from tests.oauth.authserver import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db
ADDRESS = "agent@acme.example"


def poll(authserver, script: list[str]) -> list[float]:
    """Run the poll against a scripted server; the pauses it took."""
    authserver.device_script = list(script)
    provider = provider_for("microsoft")
    code = device_code_request(provider=provider, client_id=CLIENT_ID, client_secret="")
    pauses: list[float] = []
    device_token_poll(
        provider=provider, client_id=CLIENT_ID, client_secret="", code=code, sleep=pauses.append
    )
    return pauses


def test_polling_waits_through_pending_and_slows_down_when_told(authserver):
    authserver.device_interval = 2
    pauses = poll(authserver, ["authorization_pending", "slow_down", "authorization_pending"])
    assert pauses == [2, 2, 7, 7]  # RFC 8628 section 3.5: five seconds more after slow_down
    polls = [r for r in authserver.token_requests if "device_code" in r]
    assert len(polls) == 4 and all(r["client_id"] == CLIENT_ID for r in polls)
    assert all("client_secret" not in r for r in polls)  # Microsoft: a public client


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("expired_token", "The code expired"),
        ("access_denied", "Access was declined"),
    ],
)
def test_polling_stops_on_an_expired_or_declined_code(authserver, answer, message):
    with pytest.raises(DeviceFlowStopped, match=message):
        poll(authserver, ["authorization_pending", answer])


def test_the_command_prints_the_code_and_connects_the_mailbox(authserver, monkeypatch):
    monkeypatch.setattr("mailagent.oauth.device.time.sleep", lambda _seconds: None)
    monkeypatch.setenv("MAILBOX_OAUTH_CLIENT_SECRET", CLIENT_SECRET)
    authserver.device_script = ["authorization_pending"]
    out = io.StringIO()
    call_command(
        "connect_mailbox", ADDRESS, "--provider", "google", "--client-id", CLIENT_ID, stdout=out
    )
    printed = out.getvalue()
    assert f"{authserver.url}/device-login" in printed and "WDJB-MJHT" in printed
    assert f"{ADDRESS} is connected" in printed
    assert CLIENT_SECRET not in printed
    assert MailboxConnection.objects.get().status == MailboxConnection.Status.CONNECTED
    assert authserver.valid(access_token(ADDRESS))


def test_the_command_says_why_it_stopped(authserver, monkeypatch):
    monkeypatch.setattr("mailagent.oauth.device.time.sleep", lambda _seconds: None)
    authserver.device_script = ["access_denied"]
    with pytest.raises(CommandError, match="declined"):
        call_command(
            "connect_mailbox",
            ADDRESS,
            "--provider=microsoft",
            f"--client-id={CLIENT_ID}",
            stdout=io.StringIO(),
        )
    assert MailboxConnection.objects.count() == 0


def test_the_command_asks_for_a_secret_it_was_not_given(authserver, monkeypatch):
    monkeypatch.delenv("MAILBOX_OAUTH_CLIENT_SECRET", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: nobody to ask
    with pytest.raises(CommandError, match="MAILBOX_OAUTH_CLIENT_SECRET"):
        call_command("connect_mailbox", ADDRESS, "--provider=google", f"--client-id={CLIENT_ID}")
