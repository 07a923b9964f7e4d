"""Correcting the agent's reading on the approval page: one click (a POST with the CSRF token) per
correction, shown at once with who made it; a link that cannot act changes nothing; a correction
that makes the message high risk withdraws the draft and hands the message to a person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mailagent.models import ApprovalLink, AuditEvent, Draft, Ticket
from tests.conftest import outbox_messages
from tests.factories import APPROVER, reminder_draft, reply_draft, review_path
from tests.portal.conftest import csrf_token_on, page_text, world
from tests.portal.test_content_security_policy import assert_strict, inline_code

# The escalation notice is sent on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def everything(settings) -> tuple:
    """What a click could change: the portal's world and the tickets' triage."""
    tickets = Ticket.objects.order_by("pk").values_list(
        "pk", "category", "urgency", "needs_human", "risk", "status"
    )
    return world(settings), tuple(tickets)


def correct(client: Client, path: str, field: str, value: str, **extra: str):
    """Open the approval page and click the button for `value` in the `field` form."""
    page = client.get(path)
    form = re.search(
        rf'<form method="post" action="([^"]+)" class="one-click">\s*'
        rf'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">\s*'
        rf'<input type="hidden" name="field" value="{field}">\s*'
        rf'<input type="hidden" name="seen" value="([^"]*)">(.*?)</form>',
        page.content.decode(),
        re.S,
    )
    assert form, f"the page has no one-click form for the {field}"
    action, seen, buttons = form.groups()
    assert f'name="value" value="{value}"' in buttons, f"no button for {value}"
    data = {"csrfmiddlewaretoken": csrf_token_on(page), "field": field, "seen": seen}
    return client.post(action, data | {"value": value} | extra)


def correction_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="ticket.corrected").order_by("id"))


def test_the_page_shows_the_agents_reading_with_a_button_for_each_other_value(client):
    page = client.get(review_path(reply_draft()))

    html, text = page.content.decode(), page_text(page)
    assert "Category support question" in text
    assert "Urgency normal" in text and "Needs a person no" in text
    assert 'name="value" value="refund_request"' in html
    assert 'name="value" value="support_question"' not in html  # the value it has
    high = re.search(r'value="refund_request" class="([^"]+)" title="([^"]+)"', html)
    assert high and high.groups() == (
        "choice choice-high",
        "High risk: withdraws this draft for a person",
    )
    assert html.count('class="one-click"') == 3


def test_one_click_corrects_the_urgency_and_the_page_shows_who_changed_what(
    settings, browser_client
):
    draft = reply_draft()
    path = review_path(draft)
    before = timezone.now()

    answer = correct(browser_client, path, "urgency", "high")

    assert answer.status_code == 303 and answer["Location"] == f"{path}#triage"
    assert Ticket.objects.get(pk=draft.ticket_id).urgency == "high"
    [event] = correction_events()
    assert (event.actor, event.details["field"], event.details["after"]) == (
        APPROVER,
        "urgency",
        "high",
    )
    assert event.details["via"] == "approval page" and event.created_at >= before
    page = browser_client.get(path)
    text = page_text(page)
    assert "Urgency high" in text
    assert f"{APPROVER} changed the urgency from normal to high" in text
    # The link still approves: a correction is not a decision on the draft.
    assert ApprovalLink.objects.get(draft=draft).used_at is None
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING
    assert 'id="approve"' in page.content.decode()


def test_a_lower_risk_category_is_recorded_and_nothing_is_sent(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)

    correct(browser_client, path, "category", "sales_inquiry")

    assert Ticket.objects.get(pk=draft.ticket_id).category == "sales_inquiry"
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING
    assert outbox_messages(settings) == []
    assert "changed the category from support question to sales inquiry" in page_text(
        browser_client.get(path)
    )


def test_a_high_risk_category_withdraws_the_draft_and_tells_the_approvers(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)

    answer = correct(browser_client, path, "category", "refund_request")

    assert answer.status_code == 303 and answer["Location"] == f"{path}done/"
    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.category, ticket.risk, ticket.status) == ("refund_request", "high", "escalated")
    draft.refresh_from_db()
    assert (draft.status, draft.decided_by) == (Draft.Status.REJECTED, APPROVER)
    [notice] = outbox_messages(settings)
    assert notice["Subject"].startswith("[Needs a person]")
    outcome = browser_client.get(answer["Location"])
    text = page_text(outcome)
    assert 'data-status="rejected"' in outcome.content.decode()
    assert "Withdrawn: " in text and "a person answers" in text
    assert f"{APPROVER} changed the category from support question to refund request" in text
    assert "handed the message to a person" in text
    # The link decided the draft: it cannot approve it afterwards.
    assert ApprovalLink.objects.get(draft=draft).used_at is not None
    assert browser_client.get(path).status_code == 410


def test_saying_it_needs_a_person_withdraws_the_draft(settings, browser_client):
    draft = reply_draft()

    correct(browser_client, review_path(draft), "needs_human", "yes")

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.needs_human, ticket.status) == (True, "escalated")
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED


def test_a_second_click_of_the_same_button_changes_nothing_more(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    page = browser_client.get(path)
    click = {
        "csrfmiddlewaretoken": csrf_token_on(page),
        "field": "urgency",
        "seen": "normal",
        "value": "high",
    }

    first = browser_client.post(f"{path}correct/", click)
    second = browser_client.post(f"{path}correct/", click)
    other = browser_client.post(f"{path}correct/", click | {"value": "low"})

    assert first.status_code == 303
    assert second.status_code == 200
    assert "Nothing changed: the urgency is already high." in page_text(second)
    assert other.status_code == 409
    assert "someone changed the urgency to high after you looked" in page_text(other)
    assert Ticket.objects.get(pk=draft.ticket_id).urgency == "high"
    assert len(correction_events()) == 1


def test_opening_the_page_or_the_correction_address_changes_nothing(settings, client):
    path = review_path(reply_draft())
    before = everything(settings)

    pages = [client.get(path), client.get(f"{path}correct/"), client.head(f"{path}correct/")]

    assert [p.status_code for p in pages] == [200, 405, 405]
    assert everything(settings) == before


def test_a_click_without_the_csrf_token_is_refused_and_changes_nothing(settings, browser_client):
    path = review_path(reply_draft())
    before = everything(settings)

    refused = browser_client.post(
        f"{path}correct/", {"field": "category", "value": "refund_request"}
    )

    assert refused.status_code == 403
    assert everything(settings) == before


def test_a_tampered_link_changes_nothing(settings, browser_client):
    path = review_path(reply_draft())
    token = path.rstrip("/").rpartition("/")[2]
    forged = path.replace(token, token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
    csrf = csrf_token_on(browser_client.get(path))
    before = everything(settings)

    answer = browser_client.post(
        f"{forged}correct/",
        {"csrfmiddlewaretoken": csrf, "field": "category", "value": "refund_request"},
    )

    assert answer.status_code == 400
    assert "This link is not valid" in page_text(answer)
    assert everything(settings) == before


def test_a_page_left_open_past_the_links_expiry_changes_nothing(settings, browser_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        path = review_path(reply_draft())
        token = csrf_token_on(browser_client.get(path))
        clock.shift(timedelta(days=4))
        before = everything(settings)

        answer = browser_client.post(
            f"{path}correct/",
            {"csrfmiddlewaretoken": token, "field": "needs_human", "value": "yes"},
        )

    assert answer.status_code == 410
    assert "This link has expired" in page_text(answer)
    assert everything(settings) == before


def test_a_used_link_changes_nothing(settings, browser_client):
    path = review_path(reply_draft())
    token = csrf_token_on(browser_client.get(path))
    browser_client.post(path, {"csrfmiddlewaretoken": token, "action": "reject", "reason": "No"})
    before = everything(settings)

    answer = browser_client.post(
        f"{path}correct/",
        {"csrfmiddlewaretoken": token, "field": "category", "value": "refund_request"},
    )

    assert answer.status_code == 410
    assert everything(settings) == before


def test_a_value_that_does_not_exist_is_refused_on_the_page(settings, browser_client):
    path = review_path(reply_draft())
    token = csrf_token_on(browser_client.get(path))
    before = everything(settings)

    answer = browser_client.post(
        f"{path}correct/",
        {"csrfmiddlewaretoken": token, "field": "category", "value": "legal_threat"},
    )

    assert answer.status_code == 400
    assert "'legal_threat' is not a possible category" in page_text(answer)
    assert everything(settings) == before


def test_corrections_meet_the_links_rate_limit(settings, browser_client):
    settings.PORTAL_RATE_PER_TOKEN = "3/m"
    path = review_path(reply_draft())
    token = csrf_token_on(browser_client.get(path))
    click = {"csrfmiddlewaretoken": token, "field": "urgency", "seen": ""}

    statuses = [
        browser_client.post(f"{path}correct/", click | {"value": v}).status_code
        for v in ("high", "low", "normal")
    ]

    assert statuses == [303, 303, 429]
    assert Ticket.objects.get().urgency == "low"


def test_the_page_and_its_outcome_keep_to_the_content_security_policy(settings, browser_client):
    path = review_path(reply_draft())
    correct(browser_client, path, "urgency", "low")
    corrected = browser_client.get(path)
    answer = correct(browser_client, path, "category", "bank_detail_change")
    outcome = browser_client.get(answer["Location"])

    for page in (corrected, outcome):
        assert page.status_code == 200 and 'id="corrections"' in page.content.decode()
        assert_strict(page)
        assert inline_code(page) == []


def test_a_payment_reminder_has_no_ticket_to_correct(settings, browser_client):
    path = review_path(reminder_draft())
    page = browser_client.get(path)
    before = everything(settings)

    answer = browser_client.post(
        f"{path}correct/",
        {"csrfmiddlewaretoken": csrf_token_on(page), "field": "urgency", "value": "high"},
    )

    assert 'class="one-click"' not in page.content.decode()
    assert answer.status_code == 400
    assert "This draft answers no ticket" in page_text(answer)
    assert everything(settings) == before
