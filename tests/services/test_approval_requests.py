"""Approval requests: one email per approver with a link per waiting draft, retried when the
mail could not be sent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mailagent.models import ApprovalLink, AuditEvent
from mailagent.services import approvals
from mailagent.services.approvals import approval_requests_send, drafts_awaiting_links
from mailagent.tokens import token_hash
from tests.conftest import free_port
from tests.factories import APPROVER, customer_message, reminder_draft, reply_draft

pytestmark = pytest.mark.django_db


def test_each_approver_gets_one_email_with_a_link_per_waiting_draft(settings, smtp_server):
    settings.APPROVER_EMAILS = [APPROVER, "manager@acme.example"]
    drafts = [reply_draft(), reminder_draft()]

    links = approval_requests_send()

    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "manager@acme.example",
        APPROVER,
    ]
    for received in smtp_server.received:
        text = received.message.get_body(("plain",)).get_content()
        mine = [link.url for link in links if link.approver == received.rcpt_tos[0]]
        assert len(mine) == 2 and all(url in text for url in mine)
        assert received.message["Subject"] == "2 drafts waiting for your approval"
    assert drafts_awaiting_links() == []
    assert approval_requests_send() == []
    assert len(smtp_server.received) == 2
    assert {d.pk for d in drafts} == set(
        AuditEvent.objects.filter(action="approval.requested").values_list("target_id", flat=True)
    )


def test_request_that_could_not_be_mailed_is_sent_again_on_the_next_pass(settings):
    settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", free_port()
    settings.SMTP_STARTTLS, settings.SMTP_TIMEOUT = False, 5.0
    draft = reply_draft(email=customer_message())

    approval_requests_send()

    assert drafts_awaiting_links() == [draft]
    assert not AuditEvent.objects.filter(action="approval.requested").exists()
    assert AuditEvent.objects.filter(action="notice.failed").exists()


def test_failed_request_leaves_links_already_in_the_inbox_working(settings, smtp_server):
    draft = reply_draft()
    [delivered] = approval_requests_send()
    settings.SMTP_PORT = free_port()

    approval_requests_send(drafts=[draft])

    live = ApprovalLink.objects.filter(draft=draft, expires_at__gt=timezone.now())
    assert list(live.values_list("token_hash", flat=True)) == [
        token_hash(delivered.url.rstrip("/").rpartition("/")[2])
    ]


def test_a_long_backlog_is_asked_for_oldest_first_a_request_at_a_time(
    settings, smtp_server, monkeypatch
):
    monkeypatch.setattr(approvals, "LINKS_PER_REQUEST", 2)
    drafts = [
        reply_draft(email=customer_message(message_id=f"<order-{n}@customer.example>"))
        for n in range(3)
    ]

    first = approval_requests_send()

    assert [link.draft_id for link in first] == [drafts[0].pk, drafts[1].pk]
    [received] = smtp_server.received
    assert received.message["Subject"] == "2 of 3 drafts waiting for your approval"
    text = received.message.get_body(("plain",)).get_content()
    assert "1 more draft waits for approval: the next pass sends their links" in text
    assert "1 more draft waits" in received.message.get_body(("html",)).get_content()
    assert drafts_awaiting_links() == [drafts[2]]

    [last] = approval_requests_send()

    assert last.draft_id == drafts[2].pk
    assert smtp_server.received[1].message["Subject"] == "1 draft waiting for your approval"
    assert "more draft" not in smtp_server.received[1].message.get_body(("plain",)).get_content()
