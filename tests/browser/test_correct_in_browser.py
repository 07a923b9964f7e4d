"""An approver corrects the agent's reading in a real browser: one click on the urgency, then on
a high-risk category; each shows what changed, and the page breaks no rule of the site's
Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mailagent.models import Draft, Ticket
from mailagent.services.approvals import approval_link_issue
from tests.factories import APPROVER, reply_draft


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_approver_corrects_the_triage_with_one_click_each_and_sees_the_change(
    page: Page, portal_url, problems, smtp_server
):
    draft = reply_draft()
    page.goto(approval_link_issue(draft=draft, approver=APPROVER).url)
    urgency = page.locator("#correct-urgency")
    expect(urgency.locator("[data-field=urgency]")).to_have_text("normal")

    urgency.get_by_role("button", name="high", exact=True).click()

    page.wait_for_load_state()
    expect(urgency.locator("[data-field=urgency]")).to_have_text("high")
    expect(page.locator("#corrections li")).to_contain_text(
        f"{APPROVER} changed the urgency from normal to high"
    )
    expect(page.locator("button#approve")).to_be_visible()

    page.locator("#correct-category").get_by_role("button", name="refund request").click()

    page.wait_for_url("**/done/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "rejected")
    expect(page.locator("#corrections li").first).to_contain_text(
        "changed the category from support question to refund request"
    )
    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.urgency, ticket.category, ticket.status) == (
        "high",
        "refund_request",
        "escalated",
    )
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED
    assert [m["Subject"] for m in smtp_server.messages()] == ["[Needs a person] Where is my order?"]
    assert problems == []
