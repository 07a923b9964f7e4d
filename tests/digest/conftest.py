"""A known morning: what waits, what was sent, what was escalated, quarantined and owed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
import time_machine

from mailagent.models import Customer, Draft, InboundEmail, Invoice, Ticket
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.drafts import draft_approve, draft_create
from mailagent.services.outbound import draft_send
from tests.conftest import outbox_messages
from tests.factories import APPROVER, customer_message, reminder_draft, reply_draft
from tests.portal.conftest import browser_client  # noqa: F401  (a fixture)

NOW = datetime(2026, 3, 11, 7, 30, tzinfo=UTC)  # a Wednesday morning
LAST_DIGEST = datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
APPROVE_ALL = re.compile(r"http://testserver(/approve-all/[^/\s\"]+/)")
REVIEW = re.compile(r"http://testserver(/review/\d+/[^/\s\"]+/)")


def at(when: datetime):
    return time_machine.travel(when, tick=False)


def digests(settings) -> list[EmailMessage]:
    """The digests in the outbox, oldest first (the morning's sent replies are there too)."""
    return [m for m in outbox_messages(settings) if "daily digest" in m["Subject"]]


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts, decoded."""
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    return text, html


@dataclass(frozen=True)
class Morning:
    reply: Draft
    flagged: Draft
    reminder: Draft
    sent: Draft
    sent_before: Draft
    escalated: Ticket
    quarantined: InboundEmail


def _invoice(customer: Customer, number: str, balance: str, due: date, **extra) -> Invoice:
    return Invoice.objects.create(
        customer=customer, number=number, currency="USD", balance=balance, due_date=due, **extra
    )


def _receivables() -> None:
    globex = Customer.objects.create(key="globex", name="Globex", emails=["ap@globex.example"])
    _invoice(globex, "INV-1", "1000.00", date(2026, 2, 19))  # 20 days overdue
    _invoice(globex, "INV-2", "500.00", date(2026, 1, 25))  # 45 days
    _invoice(globex, "INV-3", "250.00", date(2025, 12, 1))  # 100 days
    _invoice(globex, "INV-4", "999.00", date(2026, 3, 20))  # not due yet
    paid = _invoice(globex, "INV-5", "0.00", date(2026, 2, 1), status="paid")
    part = _invoice(globex, "INV-6", "75.00", date(2026, 3, 30))
    with at(datetime(2026, 3, 10, 15, tzinfo=UTC)):
        audit_record(
            action="invoice.paid",
            obj=paid,
            actor=SYSTEM,
            collected="300.00",
            currency="USD",
            after_reminder=True,
            days_after_reminder=6,
            customer="Globex",
        )
        audit_record(action="invoice.part_paid", obj=part, actor=SYSTEM, collected="50.00")


def _sent(when: datetime, message_id: str, subject: str) -> Draft:
    with at(when):
        draft = reply_draft(email=customer_message(message_id=message_id, subject=subject))
        draft_approve(draft_id=draft.pk, approver=APPROVER)
        return draft_send(draft_id=draft.pk)


def build_morning() -> Morning:
    with at(datetime(2026, 3, 9, 6, tzinfo=UTC)):
        reminder = reminder_draft()  # waits for over a day by NOW
    with at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        reply = reply_draft()
    with at(datetime(2026, 3, 10, 10, tzinfo=UTC)):
        email = customer_message(message_id="<links@customer.example>", subject="Your catalogue")
        flagged = draft_create(
            ticket=email.ticket,
            kind=Draft.Kind.REPLY,
            to=[email.from_address],
            subject="Re: Your catalogue",
            body="See https://elsewhere.example/catalogue",
            flags=["The draft contains a link not found in the conversation"],
        )
    sent_before = _sent(datetime(2026, 3, 9, 12, tzinfo=UTC), "<old@c.example>", "Old question")
    sent = _sent(datetime(2026, 3, 10, 12, tzinfo=UTC), "<new@c.example>", "Delivery times")
    escalated = Ticket.objects.create(
        subject="Refund for order 1190",
        customer_email="max@customer.example",
        customer_name="Max Weber",
        status=Ticket.Status.ESCALATED,
        risk="high",
        risk_reasons=["asks for a refund"],
        needs_human=True,
    )
    raw = b"garbage"
    quarantined = InboundEmail.objects.create(
        source="test",
        source_key="broken-1",
        raw=raw,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        status=InboundEmail.Status.QUARANTINED,
        from_address="who@somewhere.example",
        subject="Broken invoice scan",
        error="Could not parse the MIME structure",
    )
    _receivables()
    return Morning(reply, flagged, reminder, sent, sent_before, escalated, quarantined)


@pytest.fixture
def morning(settings) -> Morning:
    settings.TIME_ZONE = "UTC"
    settings.APPROVAL_REMIND_HOURS = 24
    settings.BACKUP_APPROVER_EMAILS = []
    settings.DIGEST_RECIPIENTS = []
    return build_morning()
