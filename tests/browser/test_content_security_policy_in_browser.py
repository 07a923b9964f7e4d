"""In a real browser, under the site's Content-Security-Policy: the approval page and the admin
load without a single violation, and the approval page's script (now a static file) still runs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from mailagent.services.approvals import approval_link_issue
from tests.factories import APPROVER, REPLY_BODY, customer_message, reply_draft


# Chromium reports a blocked script, style or image both as a console error and as this event;
# the event is passed to Python at once, so that what an earlier page of a test broke is kept.
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_approval_page_runs_its_script_and_breaks_no_rule_of_the_policy(
    page: Page, portal_url, problems
):
    link = approval_link_issue(draft=reply_draft(), approver=APPROVER)

    response = page.goto(link.url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    approve = page.locator("button#approve")
    expect(approve).to_have_text("Approve and send")
    # The stylesheet applied: the approve button is the portal's green, not the browser's grey.
    expect(approve).to_have_css("background-color", "rgb(28, 124, 74)")

    body = page.locator("textarea#body")
    body.fill(REPLY_BODY + "\nP.S. Tracking number to follow.")
    expect(approve).to_have_text("Save my edits and send")
    body.fill(REPLY_BODY)
    expect(approve).to_have_text("Approve and send")

    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_policy_blocks_a_script_slipped_into_the_approval_page(
    page: Page, portal_url, problems
):
    """The other side of the previous test: the policy is enforced, and the recorder sees it."""
    link = approval_link_issue(draft=reply_draft(), approver=APPROVER)
    page.goto(link.url)

    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
    }"""
    )

    for _ in range(100):  # the violation is reported in a task of its own
        if problems:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in problem for problem in problems), problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_log_in_to_the_admin_and_read_a_raw_message_without_violations(
    page: Page, portal_url, problems
):
    get_user_model().objects.create_superuser("owner", "owner@acme.example", "a-long-pw-1")
    message = customer_message()

    page.goto(f"{portal_url}/admin/")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "a-long-pw-1")
    page.locator('input[type="submit"]').click()
    page.wait_for_url(f"{portal_url}/admin/")
    expect(page.locator("#site-name")).to_contain_text("Mail agent: audit trail")

    page.goto(f"{portal_url}/admin/mailagent/inboundemail/")
    expect(page.locator("#result_list")).to_contain_text("Where is my order?")
    page.goto(f"{portal_url}/admin/mailagent/inboundemail/{message.pk}/change/")
    raw = page.locator("pre.wrapped")
    expect(raw).to_contain_text("Message-ID: <order-1187@customer.example>")
    # Its long lines wrap: the stylesheet replaced the style attribute the policy would refuse.
    expect(raw).to_have_css("white-space", "pre-wrap")

    assert problems == []
