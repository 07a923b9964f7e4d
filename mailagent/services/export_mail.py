"""Accounting exports that arrive by email: handed to the invoice importer, not made tickets.

Only mail from ACCOUNTING_EXPORT_SENDERS counts, and, when TRUSTED_AUTHSERV_ID is set, only when
our own mail server vouches for the sender: a forged "aging report" that leaves invoices out
would mark them paid and stop their reminders. A message from such a sender without a CSV file is
ordinary mail and is triaged as usual. A shop's stock or order export goes to the inventory
checks instead (`mailagent.workflows.inventory.intake`), when INVENTORY_EXPORT_DIR is set.

A file that cannot be read is refused with its reason (the message is quarantined when no file
could be imported); one that would mark too many invoices paid at once is held, as on the command
line, and since mail cannot say --accept-missing, the digest asks a person to import it by hand.
"""

from __future__ import annotations

from email import message_from_bytes
from email.policy import compat32

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.models import InboundEmail
from mailagent.parsing.bodies import csv_attachments
from mailagent.parsing.export_files import one_line
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.invoices import export_import, stored_file_name
from mailagent.services.quarantine import Outcome, email_quarantine
from mailagent.types import ParsedEmail
from mailagent.workflows.inventory.intake import inventory_export_keep


def is_export_sender(parsed: ParsedEmail) -> bool:
    senders = {s.strip().lower() for s in settings.ACCOUNTING_EXPORT_SENDERS if s.strip()}
    address = parsed.sender.email.lower()
    if address not in senders and f"@{parsed.sender.domain}" not in senders:
        return False
    return not settings.TRUSTED_AUTHSERV_ID or parsed.sender_verified


def export_mail_import(*, email: InboundEmail, parsed: ParsedEmail) -> Outcome | None:
    """Import the CSV files of an export mail; None when this is not one. Returns the Outcome."""
    if not settings.ACCOUNTING_EXPORT_SENDERS or not is_export_sender(parsed):
        return None
    files = csv_attachments(message_from_bytes(bytes(email.raw), policy=compat32))
    if not files:
        return None
    imported, held, refused = [], [], []
    for name, data in files:
        try:
            kept = inventory_export_keep(name=name, data=data, received_at=timezone.localtime())
            if kept:
                imported.append(kept)
                continue
            report = export_import(
                data=data,
                file_name=name,
                today=timezone.localdate(),
                default_currency=settings.DEFAULT_CURRENCY,
            )
        except UserInputError as exc:
            refused.append(f"{stored_file_name(name)}: {one_line(str(exc))}")
            continue
        if report.held:
            held.append(
                f"{report.file_name}: held, it would mark {report.missing} of the "
                f"{report.open_before} open invoices paid; nothing imported"
            )
            continue
        imported.append(
            f"{report.file_name}: {report.kind}, {len(report.created)} new, "
            f"{len(report.updated)} updated, {len(report.paid)} paid, "
            f"{len(report.skipped)} skipped"
            + (f", {report.currency_summary()}" if report.currencies else "")
        )
    if not imported and not held:
        return email_quarantine(
            email_id=email.pk, error="No attachment could be imported: " + "; ".join(refused)
        )
    with transaction.atomic():
        claimed = InboundEmail.objects.filter(
            pk=email.pk, status=InboundEmail.Status.RECEIVED
        ).update(
            status=InboundEmail.Status.PROCESSED,
            processed_at=timezone.now(),
            message_id=parsed.message_id,
            from_address=parsed.sender.email,
            from_name=parsed.sender.name[:255],
            subject=parsed.subject[:998],
            sent_at=parsed.date,
            customer_email=parsed.sender.email,
        )
        if claimed:
            audit_record(
                action="export.received_by_email",
                obj=email,
                actor=SYSTEM,
                summary=f"Accounting export from {parsed.sender.email}: "
                + "; ".join(imported + held),
                imported=imported,
                held=held,
                refused=refused,
            )
    detail = "; ".join(imported + held + refused)
    return Outcome(email.pk, InboundEmail.Status.PROCESSED, detail=detail)
