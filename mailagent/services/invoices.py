"""Importing accounting exports: customers, invoices and credit notes upserted, payments noticed.

Importing the same file twice changes nothing. An invoice that a newer export of the same kind no
longer lists, or whose balance falls to zero, has been paid: it is marked paid, its reminders stop,
and the money is counted as collected (as recovered revenue when a reminder had gone out, with the
days it took). Money is Decimal with its currency.

An export that would mark too many open invoices paid at once is held instead, whole
(`mailagent.services.export_holds`). Values are checked against the columns that will hold them
(`export_limits`) before anything is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mailagent.amounts import money
from mailagent.errors import UserInputError
from mailagent.models import Customer, CustomerAlias, Draft, ImportRun, Invoice
from mailagent.parsing.accounting import (
    ContactRow,
    ExportKind,
    InvoiceRow,
    ParsedExport,
    customer_key,
    parse_export,
)
from mailagent.parsing.export_files import one_line
from mailagent.parsing.limits import AmountField, FieldLimits
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.export_holds import paid_share_held

_TRACKED = ("kind", "currency", "total", "balance", "issue_date", "due_date", "status")
_CONTACT_KINDS = (ExportKind.QBO_CONTACTS, ExportKind.XERO_CONTACTS)


def _amount_field(model, name: str) -> AmountField:
    column = model._meta.get_field(name)
    return AmountField(max_digits=column.max_digits, decimal_places=column.decimal_places)


def export_limits() -> FieldLimits:
    """What the columns an import writes can hold, read from the models themselves."""

    def length(model, name: str) -> int:
        return model._meta.get_field(name).max_length

    return FieldLimits(
        balance=_amount_field(Invoice, "balance"),
        total=_amount_field(Invoice, "total"),
        number=length(Invoice, "number"),
        customer=min(length(Customer, "name"), length(Customer, "key")),
        currency=length(Invoice, "currency"),
        contact_name=length(Customer, "contact_name"),
        phone=length(Customer, "phone"),
    )


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
    # Open invoices of its kind before it, and those it does not list (marked paid unless held).
    open_before: int = 0
    missing: int = 0
    held: bool = False
    # The currencies its invoice rows were read in (code -> rows), and where each came from
    # ("from the £ symbol in the amounts", "stated in the report title", ...).
    currencies: dict[str, int] = field(default_factory=dict)
    currency_sources: dict[str, list[str]] = field(default_factory=dict)

    def currency_summary(self) -> str:
        """'read in GBP (from the £ symbol in the amounts)', or with several currencies
        'currencies: GBP 12 rows, EUR 3 rows (from the Currency column)'; '' for none."""
        if not self.currencies:
            return ""
        sources = {code: "; ".join(found) for code, found in self.currency_sources.items()}
        if len(self.currencies) == 1:
            ((code, _rows),) = self.currencies.items()
            return f"read in {code} ({sources[code]})"
        counts = {
            code: f"{code} {n} row{'s' if n != 1 else ''}" for code, n in self.currencies.items()
        }
        if len(set(sources.values())) == 1:
            return f"currencies: {', '.join(counts.values())} ({next(iter(sources.values()))})"
        return "currencies: " + ", ".join(f"{counts[c]} ({sources[c]})" for c in counts)


def stored_file_name(name: str) -> str:
    """A file name as it is kept and shown: one line, as long as its column allows. Names come
    from outside (an attachment's, a dropped file's) and may carry anything."""
    return one_line(name, limit=ImportRun._meta.get_field("file_name").max_length) or "(no name)"


def export_import(
    *,
    data: bytes,
    file_name: str,
    today: date,
    default_currency: str = "USD",
    default_label: str = "DEFAULT_CURRENCY",
    accept_missing: bool = False,
    max_paid_share: float | None = None,
) -> ImportReport:
    """Read one export and apply it. Raises `UnknownExport` for a file that cannot be read or is
    of no known kind.

    An export that would mark more than `max_paid_share` (default EXPORT_MAX_PAID_SHARE) of the
    open invoices of its kind paid at once is held: nothing of it is applied, the run is recorded
    as held and `report.held` says so, unless `accept_missing`."""
    parsed = parse_export(
        data,
        default_currency=default_currency,
        default_label=default_label,
        limits=export_limits(),
    )
    report = ImportReport(file_name=stored_file_name(file_name), kind=parsed.kind.value)
    _currencies_count(parsed, report)
    report.skipped = [(s.line, one_line(s.reason, limit=500)) for s in parsed.skipped]
    report.warnings = [one_line(note) for note in parsed.notes]
    as_of = parsed.as_of
    if as_of is not None and as_of > today + timedelta(days=1):
        # A report from the future would make every real one after it look older.
        report.warnings.append(f"the report says it is as of {as_of}, after today: date ignored")
        as_of = None
    share = settings.EXPORT_MAX_PAID_SHARE if max_paid_share is None else max_paid_share
    with transaction.atomic():
        if parsed.kind in _CONTACT_KINDS:
            for row in parsed.contacts:
                _contact_upsert(row, report)
        else:
            gone = _disappeared(parsed, as_of, report)
            report.held = not accept_missing and paid_share_held(
                missing=report.missing, open_before=report.open_before, max_share=share
            )
            if not report.held:
                for row in parsed.invoices:
                    _invoice_upsert(row, parsed.kind, report, today=as_of or today)
                _mark_paid(gone, report, today=as_of or today)
        _run_record(parsed, data, as_of, report, accept_missing=accept_missing)
    return report


def _currencies_count(parsed: ParsedExport, report: ImportReport) -> None:
    for row in parsed.invoices:
        report.currencies[row.currency] = report.currencies.get(row.currency, 0) + 1
        found = report.currency_sources.setdefault(row.currency, [])
        if row.currency_source not in found:
            found.append(row.currency_source)
    # The most rows first: the summary leads with what most of the file is in.
    report.currencies = dict(sorted(report.currencies.items(), key=lambda kv: (-kv[1], kv[0])))


def _run_record(
    parsed: ParsedExport, data: bytes, as_of: date | None, report: ImportReport, **details
) -> None:
    run = ImportRun.objects.create(
        file_name=report.file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=parsed.kind.value,
        as_of=as_of,
        created=len(report.created),
        updated=len(report.updated),
        unchanged=report.unchanged,
        marked_paid=len(report.paid),
        skipped=[{"line": line, "reason": reason} for line, reason in report.skipped],
        open_before=report.open_before,
        missing=report.missing,
        held=report.held,
    )
    if report.held:
        summary = (
            f"{report.file_name} held: it would mark {report.missing} of the {report.open_before} "
            f"open invoices of its kind paid at once; nothing was applied"
        )
    else:
        summary = (
            f"{parsed.kind.value}: {len(report.created)} new, {len(report.updated)} updated, "
            f"{len(report.paid)} paid, {len(report.skipped)} skipped"
        )
        if report.currencies:
            summary += f"; {report.currency_summary()}"
    audit_record(
        action="export.held" if report.held else "export.imported",
        obj=run,
        actor=SYSTEM,
        summary=summary,
        skipped=run.skipped,
        warnings=report.warnings,
        open_before=report.open_before,
        missing=report.missing,
        currencies=report.currencies,
        currency_sources=report.currency_sources,
        **details,
    )


def _known_customer(key: str) -> Customer | None:
    """The customer of that key, or the one a customer of that name was merged into."""
    customer = Customer.objects.filter(key=key).first()
    if customer is None:
        alias = CustomerAlias.objects.select_related("customer").filter(key=key).first()
        customer = alias.customer if alias else None
    return customer


def _customer_for(name: str, emails: tuple[str, ...] = ()) -> Customer:
    customer, created = _known_customer(customer_key(name)), False
    if customer is None:
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
    customer = _known_customer(key)
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


def _disappeared(parsed: ParsedExport, as_of: date | None, report: ImportReport) -> list[Invoice]:
    """The open invoices of this kind the export does not list: paid since. A row skipped for a
    bad value still lists its invoice (a hostile cell must not mark an invoice paid)."""
    kind = parsed.kind.value
    seen = {row.number for row in parsed.invoices} | {s.number for s in parsed.skipped}
    # Compared here rather than with NOT IN: an export of many thousand rows would pass SQLite's
    # limit on a statement's parameters.
    open_now = list(
        Invoice.objects.select_for_update().filter(source_kind=kind, status=Invoice.Status.OPEN)
    )
    gone = [invoice for invoice in open_now if invoice.number not in seen]
    report.open_before, report.missing = len(open_now), len(gone)
    applied = ImportRun.objects.filter(kind=kind, held=False)
    if as_of is not None and applied.filter(as_of__gt=as_of).exists():
        report.warnings.append(
            "a newer export of this kind was imported before; invoices missing from this older "
            "one were not marked paid"
        )
        report.missing = 0
        return []
    return gone


def _mark_paid(gone: list[Invoice], report: ImportReport, *, today: date) -> None:
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
            f"{invoice.number} paid: {money(collected, invoice.currency)} collected"
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
            name = stored_file_name(path.name)
            run = ImportRun.objects.create(
                file_name=name,
                sha256=digest,
                kind="refused",
                skipped=[{"line": 0, "reason": one_line(str(exc), limit=500)}],
            )
            audit_record(
                action="export.refused",
                obj=run,
                actor=SYSTEM,
                summary=f"{name}: {one_line(str(exc))}",
            )
    return reports
