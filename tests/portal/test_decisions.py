"""Acting on a magic link: approve, edit and approve, reject. Only a POST with the CSRF token acts,
and a link acts once."""

from __future__ import annotations

import pytest

from mailagent.models import ApprovalLink, AuditEvent, Draft, Ticket
from tests.conftest import outbox_messages
from tests.factories import APPROVER, CUSTOMER, REPLY_BODY, reply_draft, review_path
from tests.portal.conftest import open_and_post, page_text, world

# Sending is queued with transaction.on_commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

EDITED = REPLY_BODY.replace("within two working days", "tomorrow before noon")


def sent_text(settings) -> str:
    [message] = outbox_messages(settings)
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()


def actions_on(draft: Draft) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=draft.pk, action__startswith="draft.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_approve_sends_the_draft_and_shows_it_sent(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)

    answer = open_and_post(browser_client, path, action="approve", body=REPLY_BODY)

    assert answer.status_code == 303 and answer["Location"] == f"{path}done/"
    assert sent_text(settings) == REPLY_BODY
    [message] = outbox_messages(settings)
    assert message["To"] == CUSTOMER
    draft.refresh_from_db()
    assert (draft.status, draft.decided_by, draft.version) == ("sent", APPROVER, 1)
    assert actions_on(draft) == ["draft.created", "draft.approved", "draft.sent"]
    assert ApprovalLink.objects.get(draft=draft).used_at is not None
    outcome = browser_client.get(answer["Location"])
    assert outcome.status_code == 200
    assert 'data-status="sent"' in outcome.content.decode()
    assert f"Sent {draft.sent_at:%-d %b %Y}" in page_text(outcome)


def test_approving_unchanged_text_from_a_browser_records_no_edit(settings, browser_client):
    draft = reply_draft()

    # Browsers submit a textarea with CRLF line endings; that is not an edit.
    open_and_post(
        browser_client, review_path(draft), action="approve", body=REPLY_BODY.replace("\n", "\r\n")
    )

    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("sent", 1)
    assert "draft.edited" not in actions_on(draft)


def test_edit_and_approve_sends_the_edited_text_and_audits_the_edit(settings, browser_client):
    draft = reply_draft()

    answer = open_and_post(browser_client, review_path(draft), action="approve", body=EDITED)

    assert answer.status_code == 303
    assert sent_text(settings) == EDITED
    draft.refresh_from_db()
    assert (draft.status, draft.body, draft.version) == ("sent", EDITED, 2)
    assert actions_on(draft) == ["draft.created", "draft.edited", "draft.approved", "draft.sent"]
    edit = AuditEvent.objects.get(target_id=draft.pk, action="draft.edited")
    assert edit.actor == APPROVER and edit.actor_kind == "person"
    assert edit.details["before"] == REPLY_BODY and edit.details["after"] == EDITED
    diff = edit.details["diff"].splitlines()
    assert any(line.startswith("-") and "within two working days" in line for line in diff)
    assert any(line.startswith("+") and "tomorrow before noon" in line for line in diff)


def test_approving_an_emptied_draft_is_refused_and_sends_nothing(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    browser_client.get(path)
    before = world(settings)

    answer = open_and_post(browser_client, path, action="approve", body="   \r\n ")

    assert answer.status_code == 400
    assert "The reply is empty" in page_text(answer)
    assert world(settings) == before


def test_reject_without_a_reason_asks_for_one_and_changes_nothing(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    browser_client.get(path)
    before = world(settings)

    answer = open_and_post(browser_client, path, action="reject", reason="  ")

    assert answer.status_code == 400
    assert "Say why you reject the draft" in page_text(answer)
    assert world(settings) == before


def test_reject_records_the_reason_and_sends_nothing(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)

    answer = open_and_post(
        browser_client, path, action="reject", reason="Order 1187 was cancelled; call her."
    )

    assert answer.status_code == 303
    assert outbox_messages(settings) == []
    draft.refresh_from_db()
    assert draft.status == "rejected"
    assert draft.reject_reason == "Order 1187 was cancelled; call her."
    assert Ticket.objects.get(pk=draft.ticket_id).status == Ticket.Status.OPEN
    event = AuditEvent.objects.get(target_id=draft.pk, action="draft.rejected")
    assert event.actor == APPROVER and "Order 1187 was cancelled" in event.summary
    outcome = page_text(browser_client.get(answer["Location"]))
    assert "Rejected" in outcome and "Reason: Order 1187 was cancelled; call her." in outcome


def test_second_click_on_approve_sends_nothing(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    first = open_and_post(browser_client, path, action="approve", body=REPLY_BODY)
    token = browser_client.cookies["csrftoken"].value
    after_first = world(settings)

    second = browser_client.post(
        path, {"csrfmiddlewaretoken": token, "action": "approve", "body": EDITED}
    )

    assert first.status_code == 303
    assert second.status_code == 410
    assert "This link has already been used" in page_text(second)
    assert world(settings) == after_first
    assert len(outbox_messages(settings)) == 1 and sent_text(settings) == REPLY_BODY
