"""The admin is a trail people can read and cannot rewrite."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailagent.models import AuditEvent
from mailagent.services.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(action="draft.approved", actor="owner@acme.example", summary="Approved")


def test_events_are_listed_and_readable(admin_client, event):
    page = admin_client.get(reverse("admin:mailagent_auditevent_changelist"))
    assert page.status_code == 200
    assert b"draft.approved" in page.content
    detail = admin_client.get(reverse("admin:mailagent_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200


def test_events_cannot_be_changed_added_or_deleted_from_the_admin(admin_client, event):
    change = reverse("admin:mailagent_auditevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "forged", "actor": "x"}).status_code == 403
    assert admin_client.get(reverse("admin:mailagent_auditevent_add")).status_code == 403
    delete = reverse("admin:mailagent_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:mailagent_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "draft.approved"
    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_rewritten_in_code_either(event):
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_bulk_updates_and_deletes_of_events_are_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def _quarantined_message(settings, monkeypatch):
    """A message that an earlier run failed on, for a reason since fixed."""
    from mailagent.integrations.maildir import FolderSource
    from mailagent.models import InboundEmail
    from mailagent.services.pipeline import inbox_run_once
    from mailagent.services.processing import place as processing

    (settings.INBOX_DIR / "a.eml").write_bytes(
        b"From: Luis <hello@sunrisebakery.example>\r\nTo: agent@acme.example\r\n"
        b"Subject: Opening hours?\r\nMessage-ID: <h1@sunrisebakery.example>\r\n\r\n"
        b"Are you open on the 26th?\r\n"
    )
    with monkeypatch.context() as patch:
        patch.setattr(processing, "ticket_for_thread", lambda parsed: 1 / 0)
        inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    email = InboundEmail.objects.get()
    assert email.status == InboundEmail.Status.QUARANTINED
    return email


def test_a_quarantined_message_can_be_processed_again_from_the_admin(
    admin_client, settings, monkeypatch
):
    from mailagent.models import InboundEmail

    email = _quarantined_message(settings, monkeypatch)
    url = reverse("admin:mailagent_inboundemail_changelist")
    response = admin_client.post(
        url, {"action": "reprocess", "_selected_action": [email.pk]}, follow=True
    )
    assert response.status_code == 200
    email.refresh_from_db()
    assert email.status == InboundEmail.Status.PROCESSED and email.error == ""
    requeued = AuditEvent.objects.get(action="email.requeued")
    assert requeued.actor_kind == "person"
    assert b"1 message(s) processed again" in response.content


def test_raw_messages_and_sent_mail_cannot_be_changed_or_deleted(
    admin_client, settings, monkeypatch
):
    from mailagent.services.outbound import notice_send

    email = _quarantined_message(settings, monkeypatch)
    notice_send(kind="escalation", to=["owner@acme.example"], subject="Hi", body="Hello")
    change = reverse("admin:mailagent_inboundemail_change", args=[email.pk])
    assert admin_client.post(change, {"subject": "forged"}).status_code == 403
    delete = reverse("admin:mailagent_inboundemail_delete", args=[email.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    from mailagent.models import OutboundEmail

    sent = OutboundEmail.objects.first()
    assert sent is not None
    change = reverse("admin:mailagent_outboundemail_change", args=[sent.pk])
    assert admin_client.post(change, {"subject": "forged"}).status_code == 403


def test_reminders_can_be_paused_and_resumed_for_a_customer_and_an_invoice(admin_client):
    from datetime import date
    from decimal import Decimal

    from mailagent.models import Customer, Invoice

    customer = Customer.objects.create(
        key="sunrise bakery", name="Sunrise Bakery", emails=["a@b.c"]
    )
    invoice = Invoice.objects.create(
        customer=customer, number="1051", currency="USD", balance=Decimal("860.00"),
        due_date=date(2026, 11, 1),
    )  # fmt: skip
    url = reverse("admin:mailagent_customer_changelist")
    admin_client.post(url, {"action": "pause_reminders", "_selected_action": [customer.pk]})
    customer.refresh_from_db()
    assert customer.reminders_paused and "paused by" in customer.paused_reason
    url = reverse("admin:mailagent_invoice_changelist")
    admin_client.post(url, {"action": "pause_reminders", "_selected_action": [invoice.pk]})
    invoice.refresh_from_db()
    assert invoice.reminders_paused
    url = reverse("admin:mailagent_customer_changelist")
    admin_client.post(url, {"action": "resume_reminders", "_selected_action": [customer.pk]})
    customer.refresh_from_db()
    assert not customer.reminders_paused and customer.paused_reason == ""
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["reminder.paused", "reminder.paused", "reminder.resumed"]


def test_an_approval_link_can_be_resent_from_the_admin(admin_client, settings):
    from mailagent.services.drafts import draft_create
    from tests.conftest import outbox_messages

    draft = draft_create(
        ticket=None, kind="reply", to=["c@x.example"], subject="Re: hi", body="Hello"
    )
    url = reverse("admin:mailagent_draft_changelist")
    response = admin_client.post(
        url, {"action": "resend_approval_link", "_selected_action": [draft.pk]}, follow=True
    )
    assert b"sent to owner@acme.example" in response.content
    (mail,) = outbox_messages(settings)
    assert f"/review/{draft.pk}/" in mail.get_body(("plain",)).get_content()


def test_the_trail_can_be_searched_by_invoice_number(admin_client):
    audit_record(action="invoice.paid", summary="1051 paid: USD 860.00 collected")
    audit_record(action="invoice.paid", summary="1003 paid: USD 9,600.00 collected")
    page = admin_client.get(reverse("admin:mailagent_auditevent_changelist"), {"q": "1051"})
    assert b"1051 paid" in page.content and b"1003 paid" not in page.content


def test_a_message_stored_from_its_headers_only_is_not_answered_from_them(admin_client):
    from mailagent.models import Draft, InboundEmail

    email = InboundEmail.objects.create(
        source="imap:agent@mail.example:993/INBOX",
        source_key="7:42",
        raw=b"From: a@b.example\r\nSubject: Huge scan\r\n\r\n",
        size=40_000_000,
        sha256="0" * 64,
        status=InboundEmail.Status.QUARANTINED,
        error="Too big to ingest",
    )
    url = reverse("admin:mailagent_inboundemail_changelist")
    response = admin_client.post(
        url, {"action": "reprocess", "_selected_action": [email.pk]}, follow=True
    )
    assert b"raise MAX_MESSAGE_BYTES" in response.content
    email.refresh_from_db()
    assert email.status == InboundEmail.Status.QUARANTINED
    assert not Draft.objects.exists()


def test_a_ticket_s_page_says_which_rule_decided_its_triage(admin_client, settings):
    from mailagent.integrations.maildir import FolderSource
    from mailagent.models import Ticket
    from mailagent.services.pipeline import inbox_run_once

    (settings.INBOX_DIR / "p.eml").write_bytes(
        b"From: Ana <ana@harbourbistro.example>\r\nTo: agent@acme.example\r\n"
        b"Subject: INV-2201\r\nMessage-ID: <p1@harbourbistro.example>\r\n\r\n"
        b"We have already paid INV-2201 by bank transfer on Monday.\r\n"
    )
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    ticket = Ticket.objects.get()
    assert ticket.category == "payment_claimed" and ticket.decided_by == "rules"
    page = admin_client.get(reverse("admin:mailagent_ticket_change", args=[ticket.pk]))
    text = page.content.decode()
    assert "Why this triage" in text
    assert f"the rules: {ticket.category_rule}" in text and "PAYMENT_CLAIMED #" in text
    listing = admin_client.get(
        reverse("admin:mailagent_ticket_changelist"), {"decided_by": "rules"}
    )
    assert listing.status_code == 200 and b"INV-2201" in listing.content
