"""The figures come from the audit trail the services write: run the real steps at known times,
then read the week's figures back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from mailagent.models import Customer, Invoice
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.drafts import draft_approve, draft_reject
from mailagent.services.metrics import metrics_headline, metrics_weekly
from mailagent.services.outbound import draft_send
from tests.factories import APPROVER, REPLY_BODY, customer_message, reminder_draft, reply_draft

pytestmark = pytest.mark.django_db


def moment(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)  # 2 March 2026 is a Monday


@pytest.fixture(autouse=True)
def utc(settings):
    settings.TIME_ZONE = "UTC"
    settings.MINUTES_SAVED_PER_REPLY = 6
    settings.MINUTES_SAVED_PER_REMINDER = 10
    settings.MINUTES_SAVED_PER_TRIAGE = 2


def a_week_of_work() -> None:
    with time_machine.travel(moment(3, 9), tick=False):
        email = customer_message()
    with time_machine.travel(moment(3, 9, 5), tick=False):
        edited = reply_draft(email=email)
    with time_machine.travel(moment(3, 10, 5), tick=False):
        draft_approve(draft_id=edited.pk, approver=APPROVER, body=REPLY_BODY + " Thanks!")
    with time_machine.travel(moment(3, 10, 6), tick=False):
        draft_send(draft_id=edited.pk)
    with time_machine.travel(moment(4, 14), tick=False):
        rejected = reply_draft(email=customer_message(message_id="<second@customer.example>"))
    with time_machine.travel(moment(4, 16), tick=False):
        draft_reject(draft_id=rejected.pk, approver=APPROVER, reason="wrong order number")
    with time_machine.travel(moment(5, 8), tick=False):
        reminder = reminder_draft()
    with time_machine.travel(moment(5, 12), tick=False):
        draft_approve(draft_id=reminder.pk, approver=APPROVER)
        draft_send(draft_id=reminder.pk)
    customer = Customer.objects.create(key="globex", name="Globex")
    invoice = Invoice.objects.create(
        customer=customer, number="INV-1042", currency="EUR", balance=0, due_date=date(2026, 2, 1)
    )
    with time_machine.travel(moment(6, 9), tick=False):
        audit_record(
            action="invoice.paid",
            obj=invoice,
            actor=SYSTEM,
            collected="420.00",
            currency="EUR",
            after_reminder=True,
            days_after_reminder=1,
            customer="Globex",
        )


def test_the_week_reads_back_what_the_services_recorded():
    a_week_of_work()

    report = metrics_weekly(today=date(2026, 3, 8), weeks=2)

    assert report.weeks == ["2026-W09", "2026-W10"]
    reply = report.row("reply", "2026-W10")
    assert (reply.drafted, reply.sent, reply.minutes_saved) == (2, 1, 6)
    assert (reply.decided, reply.edited, reply.rejected) == (2, 1, 1)
    assert reply.error_rate == 1.0
    assert reply.median_edit_size == len(" Thanks!")
    # Decisions took an hour and two hours; the approved one was sent a minute later.
    assert reply.median_draft_to_decision == 1.5 * 3600
    assert reply.median_decision_to_sent == 60
    reminder = report.row("reminder", "2026-W10")
    assert (reminder.sent, reminder.minutes_saved, reminder.error_rate) == (1, 10, 0.0)
    assert reminder.collected == {"EUR": Decimal("420.00")}
    assert report.row("reply", "2026-W09").drafted == 0
    assert report.totals["reply"].sent == 1


def test_the_digest_headline_is_the_last_seven_days():
    a_week_of_work()

    recent = metrics_headline(now=moment(8, 12))
    later = metrics_headline(now=moment(11, 11))

    assert (recent["reply"].sent, recent["reminder"].sent) == (1, 1)
    # On Wednesday 11 March the reply sent on 3 March is over a week old; the reminder is not.
    assert (later["reply"].sent, later["reminder"].sent) == (0, 1)
