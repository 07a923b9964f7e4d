"""Importing accounting exports: customers, invoices and credit notes upserted, payments noticed.

Importing the same file twice changes nothing. An invoice that a newer export of the same kind no
longer lists, or whose balance falls to zero, has been paid: it is marked paid, its reminders stop,
and the money is counted as collected (as recovered revenue when a reminder had gone out, with the
days it took). Money is Decimal with its currency.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.models import Customer, Draft, ImportRun, Invoice
from mailagent.parsing.accounting import ContactRow, ExportKind, InvoiceRow, parse_export
from mailagent.services.audit import SYSTEM, audit_record

_TRACKED = ("kind", "currency", "total", "balance", "issue_date", "due_date", "status")


def customer_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class ImportReport:
    file_name: str
    kind: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    paid: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def export_import(
    *, data: bytes, file_name: str, today: date, default_currency: str = "USD"
) -> ImportReport:
    """Read one export and apply it. Raises `UnknownExport` for a file of no known kind."""
    parsed = parse_export(data, default_currency=default_currency)
    report = ImportReport(file_name=file_name, kind=parsed.kind.value)
    report.skipped = [(s.line, s.reason) for s in parsed.skipped]
    with transaction.atomic():
        if parsed.contacts:
            for row in parsed.contacts:
                _contact_upsert(row, report)
        else:
            seen = {row.number for row in parsed.invoices}
            for row in parsed.invoices:
                _invoice_upsert(row, parsed.kind, report, today=parsed.as_of or today)
            _mark_disappeared(parsed.kind, seen, parsed.as_of, report, today=parsed.as_of or today)
        run = ImportRun.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            kind=parsed.kind.value,
            as_of=parsed.as_of,
            created=len(report.created),
            updated=len(report.updated),
            unchanged=report.unchanged,
            marked_paid=len(report.paid),
            skipped=[{"line": line, "reason": reason} for line, reason in report.skipped],
        )
        audit_record(
            action="export.imported",
            obj=run,
            actor=SYSTEM,
            summary=(
                f"{parsed.kind.value}: {len(report.created)} new, {len(report.updated)} updated, "
                f"{len(report.paid)} paid, {len(report.skipped)} skipped"
            ),
            skipped=run.skipped,
            warnings=report.warnings,
        )
    return report


def _customer_for(name: str, emails: tuple[str, ...] = ()) -> Customer:
    customer, created = Customer.objects.get_or_create(
        key=customer_key(name), defaults={"name": name.strip(), "emails": list(emails)}
    )
    new_emails = [e for e in emails if e not in customer.emails]
    if new_emails and not created:
        customer.emails = customer.emails + new_emails
        customer.save(update_fields=["emails", "updated_at"])
    return customer


def _contact_upsert(row: ContactRow, report: ImportReport) -> None:
    key = customer_key(row.customer)
    customer = Customer.objects.filter(key=key).first()
    values = {"emails": list(row.emails), "contact_name": row.contact_name, "phone": row.phone}
    if customer is None:
        Customer.objects.create(key=key, name=row.customer.strip(), **values)
        report.created.append(row.customer)
        return
    changed = [k for k, v in values.items() if getattr(customer, k) != v and v]
    if not changed:
        report.unchanged += 1
        return
    for name in changed:
        setattr(customer, name, values[name])
    customer.save(update_fields=[*changed, "updated_at"])
    report.updated.append(row.customer)


def _status_of(row: InvoiceRow) -> str:
    if row.status in ("paid", "void", "voided", "deleted"):
        return Invoice.Status.VOID if row.status.startswith("void") else Invoice.Status.PAID
    if row.status == "disputed":
        return Invoice.Status.DISPUTED
    if row.balance == 0:
        return Invoice.Status.PAID
    return Invoice.Status.OPEN


def _invoice_upsert(
    row: InvoiceRow, kind: ExportKind, report: ImportReport, *, today: date
) -> None:
    customer = _customer_for(row.customer, row.emails)
    values = {
        "kind": Invoice.Kind.CREDIT if row.is_credit else Invoice.Kind.INVOICE,
        "currency": row.currency,
        "total": row.total,
        "balance": row.balance,
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "status": _status_of(row),
    }
    invoice = Invoice.objects.select_for_update().filter(number=row.number).first()
    if invoice is None:
        Invoice.objects.create(
            customer=customer, number=row.number, source_kind=kind.value, **values
        )
        report.created.append(row.number)
        return
    if invoice.customer_id != customer.pk:
        report.warnings.append(
            f"invoice {row.number} was {invoice.customer.name}'s and is now {customer.name}'s"
        )
    if values["total"] is None:
        values["total"] = invoice.total  # an aging report does not repeat the original total
    changed = [k for k in _TRACKED if getattr(invoice, k) != values[k]]
    if not changed and invoice.customer_id == customer.pk:
        report.unchanged += 1
        return
    was_open, previous_balance = invoice.status == Invoice.Status.OPEN, invoice.balance
    for name in _TRACKED:
        setattr(invoice, name, values[name])
    invoice.customer, invoice.source_kind = customer, kind.value
    invoice.save()
    report.updated.append(row.number)
    if was_open and invoice.status == Invoice.Status.PAID:
        _record_paid(invoice, previous_balance, report, today=today)
    elif invoice.balance < previous_balance and invoice.kind == Invoice.Kind.INVOICE:
        audit_record(
            action="invoice.part_paid",
            obj=invoice,
            actor=SYSTEM,
            summary=f"{invoice.number}: balance {previous_balance} -> {invoice.balance}",
            collected=str(previous_balance - invoice.balance),
        )


def _mark_disappeared(kind, seen, as_of, report: ImportReport, *, today: date) -> None:
    newer = ImportRun.objects.filter(kind=kind.value, as_of__gt=as_of) if as_of else None
    if newer is not None and newer.exists():
        report.warnings.append(
            "a newer export of this kind was imported before; invoices missing from this older "
            "one were not marked paid"
        )
        return
    gone = (
        Invoice.objects.select_for_update()
        .filter(source_kind=kind.value, status=Invoice.Status.OPEN)
        .exclude(number__in=seen)
    )
    for invoice in gone:
        previous = invoice.balance
        invoice.status, invoice.balance = Invoice.Status.PAID, Decimal("0.00")
        invoice.save(update_fields=["status", "balance", "updated_at"])
        _record_paid(invoice, previous, report, today=today)


def _record_paid(
    invoice: Invoice, collected: Decimal, report: ImportReport, *, today: date
) -> None:
    invoice.paid_on = today
    invoice.collected = collected if invoice.kind == Invoice.Kind.INVOICE else None
    invoice.save(update_fields=["paid_on", "collected", "updated_at"])
    report.paid.append(invoice.number)
    first = (
        invoice.reminders.filter(status=Draft.Status.SENT, sent_at__isnull=False)
        .order_by("sent_at")
        .first()
    )
    days = (today - timezone.localdate(first.sent_at)).days if first else None
    audit_record(
        action="invoice.paid",
        obj=invoice,
        actor=SYSTEM,
        summary=(
            f"{invoice.number} paid: {invoice.currency} {collected:,.2f} collected"
            + (f", {days} days after the first reminder" if first else "")
        ),
        collected=str(collected),
        currency=invoice.currency,
        after_reminder=first is not None,
        days_after_reminder=days,
        customer=invoice.customer.name,
    )
    for draft in invoice.reminders.filter(status=Draft.Status.PENDING):
        draft.status, draft.decided_at = Draft.Status.SUPERSEDED, timezone.now()
        draft.save(update_fields=["status", "decided_at"])
        audit_record(
            action="draft.superseded",
            obj=draft,
            actor=SYSTEM,
            summary=f"Invoice {invoice.number} was paid; the reminder is no longer needed",
        )


def export_folder_import(*, folder: str | Path, today: date) -> list[ImportReport]:
    """Import every CSV in a watched folder that has not been read before (by content hash).

    Files are left where they are. A file that is not a known export is recorded once, with the
    reason, so that it is not retried every few minutes.
    """
    reports = []
    for path in sorted(Path(folder).glob("*.csv")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if ImportRun.objects.filter(sha256=digest).exists():
            continue
        try:
            reports.append(
                export_import(
                    data=data,
                    file_name=path.name,
                    today=today,
                    default_currency=settings.DEFAULT_CURRENCY,
                )
            )
        except UserInputError as exc:
            run = ImportRun.objects.create(
                file_name=path.name[:255],
                sha256=digest,
                kind="refused",
                skipped=[{"line": 0, "reason": str(exc)}],
            )
            audit_record(
                action="export.refused", obj=run, actor=SYSTEM, summary=f"{path.name}: {exc}"[:500]
            )
    return reports
