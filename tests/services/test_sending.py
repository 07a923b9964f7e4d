"""Sending approved drafts over SMTP, checked on what a real SMTP server on 127.0.0.1 received."""

from __future__ import annotations

import pytest

from mailagent.errors import InvalidTransition, UnsafeHeader
from mailagent.integrations import transport as transport_module
from mailagent.models import AuditEvent, Draft, OutboundEmail, Ticket
from mailagent.services import delivery
from mailagent.services.approvals import approval_requests_send
from mailagent.services.drafts import draft_reject
from mailagent.services.outbound import draft_send
from tests.conftest import free_port
from tests.factories import (
    APPROVER,
    CUSTOMER,
    approved,
    customer_message,
    reminder_draft,
    reply_draft,
)

pytestmark = pytest.mark.django_db

EARLIER = "<first@customer.example> <second-reply@acme.example> <third@customer.example>"
PARENT = "<order-1187@customer.example>"


def header_lines(raw: bytes, name: str) -> list[bytes]:
    """The physical lines of one header as sent: its first line and any folded continuations."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    prefix = name.lower().encode() + b":"
    for i, line in enumerate(head):
        if line.lower().startswith(prefix):
            lines = [line]
            for more in head[i + 1 :]:
                if more[:1] not in (b" ", b"\t"):
                    break
                lines.append(more)
            return lines
    return []


def audit_actions(draft: Draft) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=draft.pk, action__startswith="draft.")
        .order_by("id")
        .values_list("action", flat=True)
    )


class TestReplyHeaders:
    def test_reply_arrives_in_the_customers_thread(self, smtp_server):
        email = customer_message(message_id=PARENT, references=EARLIER)
        draft = approved(reply_draft(email=email))

        draft_send(draft_id=draft.pk)

        [received] = smtp_server.received
        message = received.message
        assert received.rcpt_tos == [CUSTOMER]
        assert message["In-Reply-To"] == PARENT
        assert message["References"] == f"{EARLIER} {PARENT}"
        assert message["Subject"] == "Re: Where is my order?"
        assert "Order 1187 left our warehouse" in message.get_body(("plain",)).get_content()

    def test_references_arrive_on_one_unfolded_line(self, smtp_server):
        draft = approved(reply_draft(email=customer_message(message_id=PARENT, references=EARLIER)))

        draft_send(draft_id=draft.pk)

        raw = smtp_server.received[0].raw
        assert header_lines(raw, "References") == [f"References: {EARLIER} {PARENT}".encode()]

    def test_reply_to_a_reply_does_not_say_re_twice(self, smtp_server):
        email = customer_message(subject="Re: Where is my order?")
        draft = approved(reply_draft(email=email))

        draft_send(draft_id=draft.pk)

        assert smtp_server.messages()[0]["Subject"] == "Re: Where is my order?"

    def test_reply_is_marked_auto_replied_and_suppresses_out_of_office(self, smtp_server):
        draft = approved(reply_draft())

        draft_send(draft_id=draft.pk)

        message = smtp_server.messages()[0]
        assert message["Auto-Submitted"] == "auto-replied"
        assert message["X-Auto-Response-Suppress"] == "All"

    def test_message_id_is_stored_before_the_message_leaves(self, smtp_server, monkeypatch):
        stored_at_delivery = {}
        real = transport_module.mail_transport

        class Witness:
            """The real SMTP transport, noting what the database held when it was handed over."""

            def __init__(self, **options):
                self.inner = real(**options)
                self.name = self.inner.name

            def deliver(self, raw, **envelope):
                stored_at_delivery["draft"] = Draft.objects.get(pk=draft.pk).message_id
                stored_at_delivery["outbound"] = list(
                    OutboundEmail.objects.filter(draft=draft).values_list("message_id", flat=True)
                )
                return self.inner.deliver(raw, **envelope)

        monkeypatch.setattr(delivery, "mail_transport", Witness)
        draft = approved(reply_draft())

        sent = draft_send(draft_id=draft.pk)

        received_id = smtp_server.messages()[0]["Message-ID"]
        assert received_id.startswith("<") and received_id.endswith("@acme.example>")
        assert stored_at_delivery == {"draft": received_id, "outbound": [received_id]}
        assert sent.message_id == received_id
        assert bytes(OutboundEmail.objects.get(draft=draft).raw).count(received_id.encode()) == 1

    def test_sent_reply_is_recorded_and_answers_the_ticket(self, smtp_server):
        draft = approved(reply_draft())

        sent = draft_send(draft_id=draft.pk)

        assert sent.status == Draft.Status.SENT and sent.sent_at is not None
        row = OutboundEmail.objects.get(draft=draft)
        assert (row.status, row.kind, row.transport) == (
            OutboundEmail.Status.SENT,
            OutboundEmail.Kind.REPLY,
            f"smtp:127.0.0.1:{smtp_server.port}",
        )
        assert Ticket.objects.get(pk=draft.ticket_id).status == Ticket.Status.ANSWERED
        assert audit_actions(draft)[-1] == "draft.sent"


class TestAutomaticMail:
    def test_reminder_is_marked_auto_generated(self, smtp_server):
        draft = approved(reminder_draft())

        draft_send(draft_id=draft.pk)

        message = smtp_server.messages()[0]
        assert message["Subject"] == "Payment reminder: invoice INV-1042"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"
        assert message["In-Reply-To"] is None
        assert OutboundEmail.objects.get(draft=draft).kind == OutboundEmail.Kind.REMINDER

    def test_approval_request_is_marked_auto_generated_and_carries_the_link(self, smtp_server):
        draft = reply_draft()

        [link] = approval_requests_send(drafts=[draft])

        [received] = smtp_server.received
        message = received.message
        assert received.rcpt_tos == [APPROVER]
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"
        assert link.url in message.get_body(("plain",)).get_content()


class TestOnlyApprovedDraftsLeave:
    def test_pending_draft_cannot_be_sent(self, smtp_server):
        draft = reply_draft()

        with pytest.raises(InvalidTransition):
            draft_send(draft_id=draft.pk)

        assert smtp_server.received == []
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING
        assert not OutboundEmail.objects.exists()

    def test_rejected_draft_cannot_be_sent(self, smtp_server):
        draft = draft_reject(draft_id=reply_draft().pk, approver=APPROVER, reason="Wrong order")

        with pytest.raises(InvalidTransition):
            draft_send(draft_id=draft.pk)

        assert smtp_server.received == []
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED

    def test_superseded_draft_cannot_be_sent(self, smtp_server):
        email = customer_message()
        old = reply_draft(email=email)
        again = customer_message(message_id="<again@customer.example>", ticket=email.ticket)
        reply_draft(email=again)

        with pytest.raises(InvalidTransition):
            draft_send(draft_id=old.pk)

        assert smtp_server.received == []

    def test_sent_draft_is_not_sent_again(self, smtp_server):
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)

        again = draft_send(draft_id=draft.pk)

        assert again.status == Draft.Status.SENT
        assert len(smtp_server.received) == 1


class TestUnsafeHeaders:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("subject", "Re: order\r\nBcc: everyone@elsewhere.example"),
            ("subject", "Re: order\nBcc: everyone@elsewhere.example"),
            ("references", "<a@customer.example>\r\nBcc: everyone@elsewhere.example"),
            ("in_reply_to", "<a@customer.example>\rBcc: everyone@elsewhere.example"),
        ],
    )
    def test_header_with_a_line_break_is_refused_and_nothing_is_sent(
        self, smtp_server, field, value
    ):
        draft = approved(reply_draft())
        Draft.objects.filter(pk=draft.pk).update(**{field: value})

        with pytest.raises(UnsafeHeader):
            draft_send(draft_id=draft.pk)

        assert smtp_server.received == []
        assert not OutboundEmail.objects.exists()
        failed = Draft.objects.get(pk=draft.pk)
        assert failed.status == Draft.Status.FAILED
        assert "line break" in failed.error
        assert audit_actions(draft)[-1] == "draft.send_failed"


class TestServerDown:
    def test_unreachable_server_defers_the_draft_with_a_readable_error(self, settings):
        settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", free_port()
        settings.SMTP_STARTTLS, settings.SMTP_TIMEOUT = False, 5.0
        draft = approved(reply_draft())

        deferred = draft_send(draft_id=draft.pk)

        # Nothing can have left: the message is tried again later, the same one.
        assert deferred.status == Draft.Status.DEFERRED
        assert f"Could not reach SMTP_HOST=127.0.0.1:{settings.SMTP_PORT}" in deferred.error
        row = OutboundEmail.objects.get(draft=draft)
        assert row.status == OutboundEmail.Status.DEFERRED and row.error == deferred.error
        assert row.attempts == 1 and row.next_attempt_at is not None
        event = AuditEvent.objects.filter(target_id=draft.pk, action="draft.send_deferred").get()
        assert event.details["error"] == deferred.error
