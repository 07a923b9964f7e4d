"""Accounting exports that arrive by email become invoices, not tickets, from trusted senders."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, Draft, InboundEmail, Invoice, Ticket
from mailagent.services.pipeline import inbox_run_once

pytestmark = pytest.mark.django_db
EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"


def export_mail(sender: str, *, auth: str = "", name="qbo_ar_aging_detail.csv") -> bytes:
    msg = EmailMessage()
    if auth:
        msg["Authentication-Results"] = auth
    msg["From"] = f"QuickBooks <{sender}>"
    msg["To"] = "agent@acme.example"
    msg["Subject"] = "Your scheduled report: A/R Aging Detail"
    msg["Message-ID"] = f"<report-{sender}@quickbooks.example>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("Your report is attached.")
    msg.add_attachment(
        (EXPORTS / name).read_bytes() if (EXPORTS / name).exists() else b"Name,Colour\nsky,blue\n",
        maintype="text",
        subtype="csv",
        filename=name,
    )
    return bytes(msg)


def run(settings, raw: bytes, file: str = "report.eml"):
    (settings.INBOX_DIR / file).write_bytes(raw)
    return inbox_run_once(source=FolderSource(settings.INBOX_DIR))


def test_a_report_from_an_export_sender_is_imported_and_makes_no_ticket(settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    run(settings, export_mail("no-reply@quickbooks.example"))
    assert Invoice.objects.count() == 9
    assert not Ticket.objects.exists() and not Draft.objects.exists()
    email = InboundEmail.objects.get()
    assert email.status == InboundEmail.Status.PROCESSED
    event = AuditEvent.objects.get(action="export.received_by_email")
    assert "9 new" in event.summary
    assert "read in USD (the file names none: DEFAULT_CURRENCY)" in event.summary


def test_the_same_report_from_anyone_else_is_not_imported(settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["reports@quickbooks.example"]
    run(settings, export_mail("no-reply@elsewhere.example"))
    assert not Invoice.objects.exists()
    assert InboundEmail.objects.get().status == InboundEmail.Status.AUTOMATIC


def test_with_a_trusted_mail_server_the_sender_must_be_vouched_for(settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    settings.TRUSTED_AUTHSERV_ID = "mx.acme.example"
    run(settings, export_mail("no-reply@quickbooks.example"))  # forged or unchecked: ignored
    assert not Invoice.objects.exists()
    good = export_mail(
        "reports@quickbooks.example",
        auth="mx.acme.example; dkim=pass header.d=quickbooks.example",
    )
    run(settings, good, file="report-2.eml")
    assert Invoice.objects.count() == 9


def test_a_file_the_importer_cannot_read_is_quarantined_with_the_reason(settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    run(settings, export_mail("no-reply@quickbooks.example", name="not-an-export.csv"))
    email = InboundEmail.objects.get()
    assert email.status == InboundEmail.Status.QUARANTINED
    assert "not an export the importer recognises" in email.error
