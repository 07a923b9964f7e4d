"""What the CRM cleanup reads: the customers and contacts the accounting exports keep, the
senders of tickets, and the mail that bounced. Reads only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count

from mailagent.amounts import money
from mailagent.models import Customer as CustomerRow
from mailagent.models import InboundEmail, Invoice, OutboundEmail, Ticket
from mailagent.workflows.crm.checks import (
    Bounce,
    CustomerFacts,
    SenderFacts,
    refused_addresses,
    report_failed_recipients,
)
from mailagent.workflows.crm.matching import address_key


def customers_read(*, today: date) -> list[CustomerFacts]:
    overdue: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for inv in Invoice.objects.filter(
        status=Invoice.Status.OPEN, kind=Invoice.Kind.INVOICE, due_date__lt=today, balance__gt=0
    ).order_by("due_date", "number"):
        overdue[inv.customer_id].append(
            (inv.number, money(inv.balance, inv.currency), inv.due_date.isoformat())
        )
    senders: dict[int, list[str]] = defaultdict(list)
    for customer_id, email in Ticket.objects.filter(customer__isnull=False).values_list(
        "customer_id", "customer_email"
    ):
        if email and email not in senders[customer_id]:
            senders[customer_id].append(email)
    rows = CustomerRow.objects.annotate(
        invoice_count=Count("invoices", distinct=True), ticket_count=Count("tickets", distinct=True)
    ).order_by("id")
    return [
        CustomerFacts(
            id=c.pk,
            name=c.name,
            contact_name=c.contact_name,
            emails=tuple(c.emails),
            invoices=c.invoice_count,
            tickets=c.ticket_count,
            overdue=tuple(overdue.get(c.pk, ())),
            ticket_senders=tuple(senders.get(c.pk, ())),
        )
        for c in rows
    ]


def senders_read(customers: list[CustomerFacts]) -> list[SenderFacts]:
    """Who wrote tickets that no customer's address (nor the ticket's own link) accounts for."""
    known = {address_key(e) for c in customers for e in c.emails}
    grouped: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in Ticket.objects.filter(customer__isnull=True).order_by("created_at", "id"):
        key = address_key(ticket.customer_email)
        if key and key not in known:
            grouped[key].append(ticket)
    return [
        SenderFacts(
            email=tickets[0].customer_email,
            name=next((t.customer_name for t in tickets if t.customer_name), ""),
            ticket_ids=tuple(t.pk for t in tickets),
            subjects=tuple(t.subject for t in tickets),
        )
        for tickets in grouped.values()
    ]


def bounces_read() -> dict[str, Bounce]:
    """Addresses mail to which bounced: refused for good by our SMTP server (the send failed),
    or reported failed by a delivery status report that came back to the mailbox."""
    found: dict[str, Bounce] = {}
    for sent in OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).order_by("id"):
        for address, reply in refused_addresses(sent.error):
            when = f"{sent.last_attempt_at:%Y-%m-%d}" if sent.last_attempt_at else "once"
            found.setdefault(
                address_key(address),
                Bounce(address, f'"{sent.subject}" to {address} was refused ({when}): {reply}'),
            )
    reports = InboundEmail.objects.filter(status=InboundEmail.Status.AUTOMATIC).exclude(
        automatic_reason__startswith="mailing list"
    )
    for report in reports.order_by("id"):
        text = report.body_text + "\n" + report.raw.decode("utf-8", "replace")
        for address in report_failed_recipients(text):
            found.setdefault(
                address_key(address),
                Bounce(
                    address,
                    f'a delivery report ("{report.subject}", from {report.from_address}) '
                    f"says mail to {address} failed",
                ),
            )
    return found
