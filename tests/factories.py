"""Small builders for tests: a customer's message on a ticket, the agent's draft reply, a payment
reminder, and the magic link an approver would receive. Drafts and links come from the services,
so they carry exactly what production would store."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.utils import timezone

from mailagent.models import Draft, InboundEmail, Ticket
from mailagent.services.approvals import approval_link_issue
from mailagent.services.drafts import draft_approve, draft_create
from mailagent.services.outbound import reply_references, reply_subject

CUSTOMER = "jane@customer.example"
APPROVER = "owner@acme.example"
SECOND_APPROVER = "manager@acme.example"

ORDER_QUESTION = (
    "Hello,\n\nI ordered 40 boxes of A4 paper on 3 March (order 1187) and nothing has arrived. "
    "Could you tell me where it is?\n\nThanks,\nJane"
)
REPLY_BODY = (
    "Dear Jane,\n\nThank you for your message. Order 1187 left our warehouse on 5 March and "
    "should reach you within two working days.\n\nKind regards,\nAcme Supplies"
)


def customer_message(
    *,
    subject: str = "Where is my order?",
    text: str = ORDER_QUESTION,
    message_id: str = "<order-1187@customer.example>",
    references: str = "",
    ticket: Ticket | None = None,
) -> InboundEmail:
    """A processed message from a customer, on its own ticket unless one is given."""
    if ticket is None:
        ticket = Ticket.objects.create(
            subject=subject,
            customer_email=CUSTOMER,
            customer_name="Jane Doe",
            status=Ticket.Status.AWAITING_APPROVAL,
            category="support_question",
            urgency="normal",
            tone="neutral",
            risk="medium",
            summary="Customer asks where order 1187 is.",
        )
    raw = f"Message-ID: {message_id}\r\nSubject: {subject}\r\n\r\n{text}".encode()
    return InboundEmail.objects.create(
        source="test",
        source_key=message_id,
        raw=raw,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        status=InboundEmail.Status.PROCESSED,
        processed_at=timezone.now(),
        message_id=message_id,
        references=references,
        from_address=CUSTOMER,
        from_name="Jane Doe",
        subject=subject,
        sent_at=timezone.now(),
        body_text=text,
        customer_email=CUSTOMER,
        ticket=ticket,
    )


def reply_draft(
    *,
    email: InboundEmail | None = None,
    body: str = REPLY_BODY,
    subject: str | None = None,
    references: str | None = None,
) -> Draft:
    """The agent's pending reply to a customer's message, threaded the way processing does it."""
    email = email or customer_message()
    return draft_create(
        ticket=email.ticket,
        kind=Draft.Kind.REPLY,
        to=[email.from_address],
        subject=reply_subject(email.subject) if subject is None else subject,
        body=body,
        in_reply_to=email.message_id,
        references=(
            reply_references(email.references, email.message_id)
            if references is None
            else references
        ),
    )


def reminder_draft(*, body: str = "Invoice INV-1042 for 420.00 EUR is 14 days overdue.") -> Draft:
    return draft_create(
        ticket=None,
        kind=Draft.Kind.REMINDER,
        to=["accounts@customer.example"],
        subject="Payment reminder: invoice INV-1042",
        body=body,
    )


def approved(draft: Draft, *, approver: str = APPROVER) -> Draft:
    return draft_approve(draft_id=draft.pk, approver=approver)


def review_path(draft: Draft, *, approver: str = APPROVER) -> str:
    """The portal path of a fresh magic link for the draft's current version."""
    return urlsplit(approval_link_issue(draft=draft, approver=approver).url).path
