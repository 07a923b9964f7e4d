"""In a real browser, under the site's Content-Security-Policy: a staff member connects a mailbox
from the admin, the test authorization server consents and sends the browser back, and the admin
shows the mailbox connected; a forged callback is refused and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from mailagent.models import MailboxConnection
from tests.oauth.authserver import CLIENT_ID, CLIENT_SECRET, serve_for


@pytest.fixture
def authserver(settings):
    yield from serve_for(settings)


def sign_in(page: Page, portal_url: str) -> None:
    get_user_model().objects.create_superuser("owner", "owner@acme.example", "a-long-pw-1")
    page.goto(f"{portal_url}/admin/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "a-long-pw-1")
    page.locator('input[type="submit"]').click()
    page.wait_for_url(f"{portal_url}/admin/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_connect_a_mailbox_through_the_providers_consent_page(
    page: Page, portal_url, authserver, problems
):
    sign_in(page, portal_url)
    page.goto(f"{portal_url}/admin/mailagent/mailboxconnection/")
    page.get_by_role("link", name="Add mailbox connection").click()
    expect(page.locator("#content h1")).to_have_text("Connect a mailbox")
    expect(page.locator("#callback-url")).to_have_text(f"{portal_url}/oauth/callback/")
    page.select_option("#id_provider", "microsoft")
    page.fill("#id_address", "agent@acme.example")
    page.fill("#id_client_id", CLIENT_ID)
    page.fill("#id_client_secret", CLIENT_SECRET)
    page.locator("#connect").click()

    go = page.locator("#go-to-provider")
    expect(go).to_have_text("Continue to Microsoft")
    go.click()  # the test server consents at once and redirects back to the callback

    page.wait_for_url("**/admin/mailagent/mailboxconnection/*/change/")
    expect(page.locator(".messagelist")).to_contain_text("Connected: agent@acme.example")
    expect(page.locator(".field-status")).to_contain_text("connected")
    expect(page.locator(".field-scopes")).to_contain_text("SMTP.Send")
    [asked] = authserver.authorize_requests
    assert asked["code_challenge_method"] == "S256"
    mailbox = MailboxConnection.objects.get()
    assert (mailbox.provider, mailbox.status) == ("microsoft", "connected")
    html = page.content()
    for token in [*authserver.access_tokens, *authserver.refresh_tokens, CLIENT_SECRET]:
        assert token not in html
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_forged_callback_is_refused_in_the_browser(page: Page, portal_url, authserver, problems):
    sign_in(page, portal_url)

    response = page.goto(f"{portal_url}/oauth/callback/?state=forged&code=stolen-code")

    assert response.status == 400
    expect(page.locator("h1")).to_have_text("This connection was refused")
    expect(page.locator("main")).to_contain_text("nothing was changed")
    assert MailboxConnection.objects.count() == 0
    assert authserver.token_requests == []
    assert [p for p in problems if "400" not in p] == []
