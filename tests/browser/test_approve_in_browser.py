"""An approver opens the emailed link in a real browser, edits the draft and approves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mailagent.models import Draft
from mailagent.services.approvals import approval_link_issue
from tests.factories import APPROVER, REPLY_BODY, reply_draft

EDITED = REPLY_BODY.replace("within two working days", "tomorrow before noon")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_approver_edits_the_draft_in_the_browser_and_the_edited_reply_is_sent(
    page: Page, portal_url, smtp_server
):
    draft = reply_draft()
    link = approval_link_issue(draft=draft, approver=APPROVER)
    assert link.url.startswith(portal_url)

    page.goto(link.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Re: Where is my order?")
    expect(page.locator(".card").first).to_contain_text("order 1187")
    body = page.locator("textarea#body")
    expect(body).to_have_value(REPLY_BODY)

    body.fill(EDITED)
    approve = page.locator("button#approve")
    expect(approve).to_have_text("Save my edits and send")
    approve.click()

    page.wait_for_url("**/done/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "sent")
    expect(page.locator("[data-status]")).to_have_text("Sent")
    expect(page.locator(".out .msg")).to_contain_text("tomorrow before noon")

    [received] = smtp_server.messages()
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()
    assert text == EDITED
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.body) == (Draft.Status.SENT, 2, EDITED)
