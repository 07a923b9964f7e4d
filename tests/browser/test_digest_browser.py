"""In a real browser: an approver opens the digest's "approve all" link and confirms; a staff
member logs in and reads the metrics page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from mailagent.models import Draft
from mailagent.services.digest import digest_send
from tests.conftest import outbox_messages
from tests.factories import reminder_draft, reply_draft


def approve_all_url(settings, portal_url: str) -> str:
    [digest] = [m for m in outbox_messages(settings) if "daily digest" in m["Subject"]]
    html = digest.get_body(("html",)).get_content()
    found = re.search(r'href="([^"]+/approve-all/[^"]+/)"', html)
    assert found and found.group(1).startswith(portal_url)
    return found.group(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_approver_confirms_the_digests_approve_all_link(page: Page, portal_url, settings):
    reply, reminder = reply_draft(), reminder_draft()
    digest_send()

    page.goto(approve_all_url(settings, portal_url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 2 drafts")
    expect(page.locator('[data-item-state="ready"]')).to_have_count(2)
    expect(page.locator(".batch")).to_contain_text(reply.subject)
    expect(page.locator(".batch")).to_contain_text(reminder.subject)
    assert Draft.objects.filter(status=Draft.Status.PENDING).count() == 2  # opening acted on none

    page.locator("button#approve-all").click()

    page.wait_for_url("**/done/")
    expect(page.locator("[data-status]")).to_have_count(2)
    for status in page.locator("[data-status]").all():
        expect(status).to_have_attribute("data-status", "sent")
    assert sorted(Draft.objects.values_list("status", flat=True)) == ["sent", "sent"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_log_in_and_read_the_metrics(page: Page, portal_url):
    get_user_model().objects.create_user("owner", password="a-long-test-password", is_staff=True)

    page.goto(f"{portal_url}/")
    page.locator("#metrics-link").click()
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "a-long-test-password")
    page.locator('input[type="submit"]').click()

    page.wait_for_url("**/metrics/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("does the agent help?")
    expect(page.locator("#metrics-table tbody tr")).to_have_count(16)
    expect(page.locator(".chart svg")).to_have_count(4)
