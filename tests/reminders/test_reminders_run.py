"""Reminders end to end: drafted per customer, sent, paused by a reply, stopped by payment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, Customer, Draft, Invoice, Ticket
from mailagent.services import reminders as reminders_service
from mailagent.services.drafts import draft_approve
from mailagent.services.invoices import export_import
from mailagent.services.outbound import draft_send
from mailagent.services.pipeline import inbox_run_once
from mailagent.services.reminders import reminders_run
from tests.conftest import outbox_messages

pytestmark = pytest.mark.django_db
EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
TODAY = date(2026, 11, 24)


@pytest.fixture
def books():
    for name in ("qbo_customer_contact_list.csv", "qbo_ar_aging_detail.csv"):
        export_import(data=(EXPORTS / name).read_bytes(), file_name=name, today=TODAY)


def reminder_for(name: str) -> Draft:
    return Draft.objects.get(kind=Draft.Kind.REMINDER, customer__name=name)


def test_one_reminder_per_customer_with_overdue_invoices(books, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        results = {r.customer: r for r in reminders_run(today=TODAY)}
    assert results["Sunrise Bakery"].action == "drafted firm"
    assert results["Harbor Dental Group"].action == "drafted friendly"
    assert results["Oakridge Property Mgmt"].reason == "nothing overdue"
    assert results["Miller & Sons Hardware"].action == "escalated"
    sunrise = reminder_for("Sunrise Bakery")
    assert sunrise.to_addresses == ["hello@sunrisebakery.example"]
    assert "Invoice 1042: USD 1,980.00, due 14 Oct 2026, 41 days overdue" in sunrise.body
    assert "Invoice 1051: USD 860.00, due 01 Nov 2026, 23 days overdue" in sunrise.body
    assert "Total now due: USD 2,840.00" in sunrise.body
    assert sorted(sunrise.invoices.values_list("number", flat=True)) == ["1042", "1051"]
    assert sunrise.status == Draft.Status.PENDING
    dental = reminder_for("Harbor Dental Group")
    assert dental.to_addresses == ["billing@harbordental.example", "office@harbordental.example"]
    # The customer without an email is not skipped silently: a person is told.
    miller = Ticket.objects.get(customer__name="Miller & Sons Hardware")
    assert miller.needs_human and "no email address" in miller.human_reason
    # Never reminded, 117 days overdue: a first letter that late is a person's call.
    assert results["Blue Harbor Marina"].action == "escalated"
    marina = Ticket.objects.get(customer__name="Blue Harbor Marina")
    assert "never reminded before" in marina.human_reason and "117 days" in marina.human_reason
    notices = {m["Subject"]: m.get_content() for m in outbox_messages_of_kind("Overdue account")}
    assert len(notices) == 2
    assert "1027" in notices["[Needs a person] Overdue account: Miller & Sons Hardware"]
    assert "1003" in notices["[Needs a person] Overdue account: Blue Harbor Marina"]


def outbox_messages_of_kind(subject_part: str):
    from django.conf import settings

    return [m for m in outbox_messages(settings) if subject_part in str(m["Subject"])]


def test_running_twice_drafts_nothing_more(books):
    reminders_run(today=TODAY)
    count = Draft.objects.count()
    again = reminders_run(today=TODAY)
    assert Draft.objects.count() == count
    reasons = {r.customer: r.reason for r in again}
    assert reasons["Sunrise Bakery"] == "a reminder is already waiting for approval"
    assert reasons["Miller & Sons Hardware"].startswith("reminders paused")


def test_not_twice_within_the_minimum_gap_then_the_next_stage(books, settings):
    reminders_run(today=TODAY)
    draft = reminder_for("Sunrise Bakery")
    draft_approve(draft_id=draft.pk, approver="owner@acme.example")
    draft_send(draft_id=draft.pk)
    Draft.objects.filter(pk=draft.pk).update(sent_at=timezone.make_aware(
        timezone.datetime(2026, 11, 24, 9, 0)
    ))  # fmt: skip
    soon = {r.customer: r for r in reminders_run(today=TODAY + timedelta(days=3))}
    assert soon["Sunrise Bakery"].reason.startswith("reminded 3 day(s) ago")
    later = {r.customer: r for r in reminders_run(today=TODAY + timedelta(days=7))}
    assert later["Sunrise Bakery"].action == "drafted final"


def test_a_reply_to_a_reminder_pauses_the_sequence_and_goes_to_a_person(books, settings):
    reminders_run(today=TODAY)
    draft = reminder_for("Sunrise Bakery")
    draft_approve(draft_id=draft.pk, approver="owner@acme.example")
    sent = draft_send(draft_id=draft.pk)
    (settings.INBOX_DIR / "reply.eml").write_bytes(
        b"From: Luis Moreno <hello@sunrisebakery.example>\r\n"
        b"To: agent@acme.example\r\nSubject: Re: " + sent.subject.encode() + b"\r\n"
        b"Message-ID: <reply-1@sunrisebakery.example>\r\n"
        b"In-Reply-To: " + sent.message_id.encode() + b"\r\n\r\n"
        b"Hi, we will pay next Friday.\r\n"
    )
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    ticket = Ticket.objects.get(customer__name="Sunrise Bakery")
    assert ticket.status == Ticket.Status.ESCALATED and ticket.needs_human
    assert not ticket.drafts.exists()
    customer = Customer.objects.get(name="Sunrise Bakery")
    assert customer.reminders_paused and "replied to a reminder" in customer.paused_reason
    later = {r.customer: r for r in reminders_run(today=TODAY + timedelta(days=10))}
    assert later["Sunrise Bakery"].reason.startswith("reminders paused")


def test_payment_after_a_reminder_counts_as_recovered_with_the_days_it_took(books):
    reminders_run(today=TODAY)
    draft = reminder_for("Harbor Dental Group")
    draft_approve(draft_id=draft.pk, approver="owner@acme.example")
    draft_send(draft_id=draft.pk)
    data = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    data = data.replace(b"As of November 24, 2026", b"As of December 4, 2026")
    data = b"\n".join(line for line in data.split(b"\n") if b'"1057"' not in line)
    export_import(data=data, file_name="dec.csv", today=date(2026, 12, 4))
    paid = Invoice.objects.get(number="1057")
    assert paid.status == Invoice.Status.PAID and paid.collected == Decimal("1150.00")
    event = AuditEvent.objects.get(action="invoice.paid", target_id=paid.pk)
    assert event.details["after_reminder"] is True
    assert event.details["days_after_reminder"] == (date(2026, 12, 4) - timezone.localdate()).days


def test_payment_withdraws_a_reminder_still_waiting_for_approval(books):
    reminders_run(today=TODAY)
    draft = reminder_for("Harbor Dental Group")
    data = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    data = data.replace(b"November 24", b"November 25")
    data = b"\n".join(line for line in data.split(b"\n") if b'"1057"' not in line)
    export_import(data=data, file_name="next.csv", today=date(2026, 11, 25))
    draft.refresh_from_db()
    assert draft.status == Draft.Status.SUPERSEDED


def test_a_draft_that_fails_validation_is_not_saved_and_the_failure_is_audited(books, monkeypatch):
    real = reminders_service.reminder_text

    def typo(plan, **kwargs):
        return real(plan, **kwargs).replace("1,980.00", "1,890.00")

    monkeypatch.setattr(reminders_service, "reminder_text", typo)
    results = {r.customer: r for r in reminders_run(today=TODAY)}
    assert results["Sunrise Bakery"].action == "escalated"
    assert not Draft.objects.filter(customer__name="Sunrise Bakery").exists()
    event = AuditEvent.objects.get(action="reminder.invalid")
    assert "USD 1,890.00 is not one of" in event.summary
    # The customer goes to a person instead, with the reason in front of them.
    ticket = Ticket.objects.get(customer__name="Sunrise Bakery")
    assert ticket.needs_human and "failed its checks" in ticket.human_reason


def test_remind_command_prints_per_customer_what_it_did(books, capsys):
    call_command("remind", "--today", "2026-11-24")
    out = capsys.readouterr().out
    assert "Sunrise Bakery" in out and "drafted firm" in out
    assert "Miller & Sons Hardware  escalated: no email address on file" in out
    assert "Approval links sent to the approvers:" in out


def test_only_a_reminder_the_server_accepted_is_spoken_of_in_the_next(books):
    reminders_run(today=TODAY)
    refused = reminder_for("Sunrise Bakery")
    Draft.objects.filter(pk=refused.pk).update(status=Draft.Status.FAILED)

    reminders_run(today=TODAY + timedelta(days=8))

    retry = Draft.objects.filter(customer__name="Sunrise Bakery").exclude(pk=refused.pk).get()
    assert retry.subject.startswith("Payment overdue")
    assert "We wrote" not in retry.body and "Second" not in retry.subject
    draft_approve(draft_id=retry.pk, approver="owner@acme.example")
    draft_send(draft_id=retry.pk)
    Draft.objects.filter(pk=retry.pk).update(
        sent_at=timezone.make_aware(timezone.datetime(2026, 12, 2, 9, 0))
    )

    reminders_run(today=TODAY + timedelta(days=16))

    final = Draft.objects.filter(customer__name="Sunrise Bakery", status=Draft.Status.PENDING).get()
    assert final.subject.startswith("Final notice")
    assert "We wrote to you about these on 02 Dec 2026." in final.body
