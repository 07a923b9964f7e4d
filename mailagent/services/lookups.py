"""What placing messages reads from the database, read once for a run of messages.

Placing one message asked about ten small questions (is it a second copy, which ticket its thread
has, who the customer is and what they owe, whether it answers a payment reminder), and at this
size the ORM's cost per query, not the database's, was most of the time. Asked for a wave of
messages at once they cost a handful of queries per wave. The answers are as of when they were
read: a caller that writes in between (a wave's flush) reads them again.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Max, Q, Value
from django.utils import timezone

from mailagent.models import (
    Customer,
    Draft,
    ImportRun,
    InboundEmail,
    Invoice,
    OutboundEmail,
    Ticket,
)
from mailagent.services.examples import ApprovedReplies, approved_replies_read
from mailagent.types import Account, InvoiceFact, ParsedEmail

Read = tuple[InboundEmail, ParsedEmail]


@dataclass(frozen=True)
class ThreadTickets:
    """The ticket of each stored or sent Message-ID among those some messages name."""

    tickets: dict[int, Ticket]
    by_message_id: dict[str, int]

    def ticket_for(self, parsed: ParsedEmail) -> Ticket | None:
        for mid in thread_message_ids(parsed):
            if mid in self.by_message_id:
                # A copy each: a placed message's ticket is changed when its wave is written.
                return copy.copy(self.tickets[self.by_message_id[mid]])
        return None


def thread_message_ids(parsed: ParsedEmail) -> list[str]:
    """The Message-IDs that may name a message's ticket, first match wins: the original of a
    staff forward, then those it answers, nearest first."""
    ids = list(parsed.thread_ids)
    if parsed.original_message_id:
        ids.insert(0, parsed.original_message_id)
    return ids


def thread_tickets_read(parsed: Sequence[ParsedEmail]) -> ThreadTickets:
    """One query for the Message-IDs (a message we received, a mail we sent, a draft), in that
    order of precedence, and one for their tickets."""
    ids = {mid for p in parsed for mid in thread_message_ids(p)}
    if not ids:
        return ThreadTickets({}, {})
    named = [
        model.objects.filter(message_id__in=ids, ticket__isnull=False)
        .order_by()
        .annotate(rank=Value(rank))
        .values_list("rank", "message_id", "ticket_id")
        for rank, model in enumerate((InboundEmail, OutboundEmail, Draft))
    ]
    by_message_id: dict[str, int] = {}
    for _, mid, ticket_id in sorted(named[0].union(*named[1:], all=True), key=lambda row: row[0]):
        by_message_id.setdefault(mid, ticket_id)
    return ThreadTickets(Ticket.objects.in_bulk(set(by_message_id.values())), by_message_id)


@dataclass(frozen=True)
class Lookups:
    """Everything `email_place` reads, for a run of messages."""

    duplicates: dict[int, int]
    threads: ThreadTickets
    customers: dict[str, Customer]
    accounts: dict[int, Account]
    reminders: frozenset[str]
    approved_replies: ApprovedReplies | None = None

    def duplicate_of(self, email: InboundEmail) -> int | None:
        """The earlier message, already handled, that this one is a copy of."""
        return self.duplicates.get(email.pk)

    def customer_for(self, address: str) -> Customer | None:
        customer = self.customers.get(address)
        return copy.copy(customer) if customer is not None else None

    def account_of(self, customer: Customer | None) -> Account | None:
        """What the records show for a customer (None for an address no export lists)."""
        if customer is None:
            return None
        return self.accounts.get(customer.pk) or Account(customer_name=customer.name)

    def answers_reminder(self, parsed: ParsedEmail) -> bool:
        return not self.reminders.isdisjoint(parsed.thread_ids)


def lookups_read(reads: Sequence[Read]) -> Lookups:
    parsed = [p for _, p in reads]
    customers = _customers_read({p.customer.email for p in parsed if p.customer.email})
    return Lookups(
        duplicates=_duplicates_read(reads),
        threads=thread_tickets_read(parsed),
        customers=customers,
        accounts=accounts_read(customers.values()),
        reminders=_reminders_read({mid for p in parsed for mid in p.thread_ids}),
        approved_replies=approved_replies_read(),
    )


def customer_lookup(address: str) -> tuple[Customer | None, Account | None]:
    """The customer whose exports list this address, and their account as the agent is told
    about it; (None, None) for an address no export lists."""
    customer = _customers_read({address}).get(address) if address else None
    if customer is None:
        return None, None
    return customer, accounts_read([customer]).get(customer.pk, Account(customer.name))


def _duplicates_read(reads: Sequence[Read]) -> dict[int, int]:
    """Messages with the same Message-ID and the same bytes as one of `reads`, handled before
    (not waiting, not quarantined): the earliest of them for each."""
    wanted = {(p.message_id, e.sha256): e.pk for e, p in reads if p.message_id}
    if not wanted:
        return {}
    earlier = (
        InboundEmail.objects.filter(
            message_id__in={mid for mid, _ in wanted}, sha256__in={sha for _, sha in wanted}
        )
        .exclude(status__in=[InboundEmail.Status.RECEIVED, InboundEmail.Status.QUARANTINED])
        .order_by("pk")
        .values_list("pk", "message_id", "sha256")
    )
    found: dict[int, int] = {}
    for pk, mid, sha in earlier:
        email_id = wanted.get((mid, sha))
        if email_id is not None and email_id != pk:
            found.setdefault(email_id, pk)
    return found


def _customers_read(addresses: set[str]) -> dict[str, Customer]:
    """The customer whose exports list each address (the first by name, as
    `customer_for_address` finds it): one query, matched here as the database matches it."""
    if not addresses:
        return {}
    patterns = {address: f'"{address}"'.lower() for address in addresses}
    matching = Customer.objects.filter(
        reduce(or_, (Q(emails__icontains=pattern) for pattern in patterns.values()))
    ).order_by("name", "pk")
    found: dict[str, Customer] = {}
    for customer in matching:
        stored = json.dumps(customer.emails).lower()
        for address, pattern in patterns.items():
            if pattern in stored:
                found.setdefault(address, customer)
    return found


#: Invoices marked paid this many days ago or less are part of what a reply may speak of ("we paid
#: INV-1042" answered with "marked paid on ..."); older ones are history.
PAID_LOOKBACK_DAYS = 180
#: At most this many items per customer: a statement longer than that is a person's job.
MAX_ITEMS = 40


def accounts_read(customers: Iterable[Customer]) -> dict[int, Account]:
    """Each customer's open and disputed invoices and credit notes, and those marked paid in the
    last PAID_LOOKBACK_DAYS, as the latest export described them: one query."""
    names = {c.pk: c.name for c in customers}
    if not names:
        return {}
    since = timezone.localdate() - timedelta(days=PAID_LOOKBACK_DAYS)
    found: dict[int, list[InvoiceFact]] = {}
    rows = Invoice.objects.filter(customer_id__in=names).filter(
        Q(status__in=[Invoice.Status.OPEN, Invoice.Status.DISPUTED])
        | Q(status=Invoice.Status.PAID, paid_on__gte=since)
    )
    for invoice in rows.order_by("customer_id", "due_date", "number"):
        found.setdefault(invoice.customer_id, []).append(invoice_fact(invoice))
    as_of = _latest_export_date()
    return {
        pk: Account(customer_name=names[pk], invoices=tuple(items[:MAX_ITEMS]), as_of=as_of)
        for pk, items in found.items()
    }


def invoice_fact(invoice: Invoice) -> InvoiceFact:
    return InvoiceFact(
        number=invoice.number,
        kind=invoice.kind,
        currency=invoice.currency,
        balance=invoice.balance,
        due_date=invoice.due_date,
        status=invoice.status,
        total=invoice.total,
        issue_date=invoice.issue_date,
        paid_on=invoice.paid_on,
    )


def _latest_export_date() -> date | None:
    """The as-of date of the newest export read (not one held back)."""
    return ImportRun.objects.filter(held=False).aggregate(latest=Max("as_of"))["latest"]


def _reminders_read(ids: set[str]) -> frozenset[str]:
    """The Message-IDs among `ids` of payment reminders we sent."""
    if not ids:
        return frozenset()
    return frozenset(
        Draft.objects.filter(kind=Draft.Kind.REMINDER, message_id__in=ids).values_list(
            "message_id", flat=True
        )
    )
