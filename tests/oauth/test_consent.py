"""The browser flow through the admin and the portal's callback, against the test server: only
staff start it, the state works once for the user who started it, and the pages never show a
token."""

from __future__ import annotations

import logging
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from mailagent.models import AuditEvent, MailboxConnection, OAuthAuthorization
from mailagent.oauth.consent import consent_start
from tests.oauth.authserver import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/mailagent/mailboxconnection/add/"
ADDRESS = "agent@acme.example"


def staff_client(username: str = "owner", *, superuser: bool = True) -> Client:
    model = get_user_model()
    if superuser:
        user = model.objects.create_superuser(username, f"{username}@acme.example", "pw-long-1")
    else:
        user = model.objects.create_user(username, password="pw-long-1", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, **form: str) -> str:
    """Submit "Connect a mailbox"; the provider's authorization URL the page links to."""
    fields = {
        "provider": "google",
        "address": ADDRESS,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    page = client.post(ADD_URL, fields | form)
    assert page.status_code == 200, page.content[:2000]
    found = re.search(r'id="go-to-provider" href="([^"]+)"', page.content.decode())
    assert found, page.content.decode()[:3000]
    return unescape(found.group(1))


def consent(authorization_url: str) -> str:
    """The provider's answer: the callback path and query it redirects the browser to."""
    answer = requests.get(authorization_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def test_staff_connect_a_mailbox_and_the_admin_shows_it_connected(authserver, caplog):
    caplog.set_level(logging.DEBUG)
    client = staff_client()
    url = start(client)
    asked = parse_qs(urlsplit(url).query)
    assert asked["scope"] == ["https://mail.google.com/"]
    assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"][0]
    assert asked["redirect_uri"] == ["http://testserver/oauth/callback/"]
    assert asked["access_type"] == ["offline"] and asked["login_hint"] == [ADDRESS]

    landed = client.get(consent(url), follow=True)

    mailbox = MailboxConnection.objects.get()
    assert (mailbox.address, mailbox.status) == (ADDRESS, MailboxConnection.Status.CONNECTED)
    assert landed.redirect_chain[-1][0].endswith(f"/mailboxconnection/{mailbox.pk}/change/")
    page = landed.content.decode()
    assert "Connected: agent@acme.example" in page
    assert "https://mail.google.com/" in page
    assert OAuthAuthorization.objects.count() == 0  # the state is spent
    # The server checked the PKCE verifier; whatever it issued appears nowhere of ours.
    issued = [*authserver.access_tokens, *authserver.refresh_tokens, CLIENT_SECRET]
    pages = "".join(
        client.get(path).content.decode()
        for path in (
            "/admin/mailagent/mailboxconnection/",
            f"/admin/mailagent/mailboxconnection/{mailbox.pk}/change/",
            f"{ADD_URL}?address={ADDRESS}&provider=google",
            "/admin/mailagent/auditevent/",
        )
    )
    trail = serializers.serialize("json", AuditEvent.objects.all())
    assert "mailbox.connected" in trail
    for secret in issued:
        assert secret not in page + pages, "a token in an admin page"
        assert secret not in trail, "a token in the audit trail"
        assert secret not in caplog.text, "a token in the logs"


def test_reconnecting_keeps_the_stored_client_secret_when_left_blank(authserver):
    client = staff_client()
    client.get(consent(start(client)))
    form = client.get(f"{ADD_URL}?address={ADDRESS}").content.decode()
    assert CLIENT_ID in form and CLIENT_SECRET not in form
    client.get(consent(start(client, client_secret="")))
    assert AuditEvent.objects.filter(action="mailbox.reconnected").count() == 1
    assert authserver.token_requests[-1]["client_secret"] == CLIENT_SECRET


class TestRefusedCallbacks:
    """Each changes nothing: no connection, no tokens asked for."""

    def test_a_forged_state(self, authserver):
        client = staff_client()
        start(client)
        page = client.get("/oauth/callback/?state=forged-state&code=some-code")
        assert page.status_code == 400
        assert "nothing was changed" in page.content.decode()
        assert MailboxConnection.objects.count() == 0
        assert OAuthAuthorization.objects.count() == 1  # the real one still waits
        assert authserver.token_requests == []

    def test_a_reused_state(self, authserver):
        client = staff_client()
        callback = consent(start(client))
        assert client.get(callback).status_code == 302
        before = MailboxConnection.objects.values().get()
        page = client.get(callback)
        assert page.status_code == 400
        assert MailboxConnection.objects.values().get() == before
        assert len(authserver.token_requests) == 1

    def test_an_expired_state(self, authserver, settings):
        client = staff_client()
        callback = consent(start(client))
        later = timezone.now() + timezone.timedelta(
            seconds=settings.OAUTH_STATE_MAX_AGE_SECONDS + 1
        )
        with time_machine.travel(later):
            page = client.get(callback)
        assert page.status_code == 400 and "expired" in page.content.decode()
        assert MailboxConnection.objects.count() == 0
        assert authserver.token_requests == []

    def test_a_state_started_by_another_staff_member(self, authserver):
        callback = consent(start(staff_client("owner")))
        page = staff_client("clerk").get(callback)
        assert page.status_code == 400
        assert MailboxConnection.objects.count() == 0
        assert OAuthAuthorization.objects.count() == 1  # not spent by the wrong person

    def test_the_callback_without_signing_in(self, authserver):
        callback = consent(start(staff_client()))
        page = Client().get(callback)
        assert page.status_code == 403
        assert MailboxConnection.objects.count() == 0

    def test_consent_declined_on_the_providers_page(self, authserver):
        authserver.deny_consent = True
        client = staff_client()
        page = client.get(consent(start(client)))
        assert page.status_code == 400 and "access_denied" in page.content.decode()
        assert MailboxConnection.objects.count() == 0


class TestWhoMayStart:
    def test_a_user_who_is_not_staff_cannot_open_the_connect_page(self, authserver):
        user = get_user_model().objects.create_user("guest", password="pw-long-1")
        client = Client()
        client.force_login(user)
        page = client.get(ADD_URL)
        assert page.status_code == 302 and "/admin/login/" in page["Location"]
        page = client.post(ADD_URL, {"provider": "google", "address": ADDRESS})
        assert page.status_code == 302
        assert OAuthAuthorization.objects.count() == 0

    def test_staff_without_the_permission_cannot_either(self, authserver):
        client = staff_client("clerk", superuser=False)
        assert client.get(ADD_URL).status_code == 403
        assert OAuthAuthorization.objects.count() == 0

    def test_the_service_itself_refuses_a_user_who_is_not_staff(self, authserver):
        user = get_user_model().objects.create_user("guest", password="pw-long-1")
        with pytest.raises(PermissionDenied):
            consent_start(
                user=user,
                provider="google",
                address=ADDRESS,
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
            )
        assert OAuthAuthorization.objects.count() == 0
