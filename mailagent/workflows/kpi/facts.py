"""What the KPI report is computed from, as plain values read once (`kpi.sources`). PURE.

An invoice's balance on a past day is rebuilt from what the imports recorded: its balance now,
the part payments recorded after that day, and the day the export that showed it paid was as
of. Money is Decimal in its own currency, never summed across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

OPEN, PAID, DISPUTED, VOID = "open", "paid", "disputed", "void"


@dataclass(frozen=True)
class InvoiceFact:
    number: str
    customer: str
    currency: str
    amount: Decimal  # what was invoiced: its total, or its balance when the export gave none
    balance: Decimal  # as the latest import left it
    issued: date  # its invoice date; the day it was first imported when the export gave none
    due: date
    status: str
    paid_on: date | None = None
    collected: Decimal | None = None  # the balance that was left when it was marked paid


@dataclass(frozen=True)
class PartPayment:
    invoice: str
    currency: str
    amount: Decimal
    on: date


@dataclass(frozen=True)
class TicketFact:
    id: int
    opened_at: datetime
    replies_sent: tuple[datetime, ...] = ()
    escalated: tuple[datetime, ...] = ()

    @property
    def first_reply_at(self) -> datetime | None:
        return min(self.replies_sent) if self.replies_sent else None


@dataclass(frozen=True)
class OrderFact:
    number: str
    platform: str
    placed_on: date  # in the business's time zone
    currency: str
    revenue: Decimal
    counted: bool


@dataclass
class Facts:
    invoices: list[InvoiceFact] = field(default_factory=list)
    part_payments: list[PartPayment] = field(default_factory=list)
    tickets: list[TicketFact] = field(default_factory=list)
    orders: list[OrderFact] = field(default_factory=list)
    has_sales: bool = False  # SALES_EXPORT_DIR is set and held at least one readable export

    def currencies(self) -> list[str]:
        found = {i.currency for i in self.invoices if i.status != VOID}
        return sorted(found)

    def sales_currencies(self) -> list[str]:
        return sorted({o.currency for o in self.orders if o.counted})


def balance_on(invoice: InvoiceFact, day: date, parts: list[PartPayment]) -> Decimal:
    """What was owed on `invoice` at the end of `day`, by what the imports recorded."""
    if invoice.status == VOID or invoice.issued > day:
        return Decimal(0)
    if invoice.status == PAID:
        if invoice.paid_on is None or invoice.paid_on <= day:
            return Decimal(0)
        owed = invoice.collected or Decimal(0)
    else:
        owed = invoice.balance
    later = sum((p.amount for p in parts if p.invoice == invoice.number and p.on > day), Decimal(0))
    return owed + later
