"""The report's figures for one week, each with its source and its time window. PURE.

Flows (invoiced, collected, tickets, decisions, orders) count what happened inside the week;
stocks (outstanding, days sales outstanding, aging) are read at the week's end (Sunday, end of
day). Money is per currency, to the cent, and never summed across currencies.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from mailagent.workflows.kpi.facts import Facts, InvoiceFact, PartPayment, balance_on
from mailagent.workflows.kpi.weeks import Week

DSO_DAYS = 91  # thirteen weeks of invoicing: one slow week does not swing it
MONEY, COUNT, DAYS, HOURS, MINUTES = "money", "count", "days", "hours", "minutes"
BETTER_UP, BETTER_DOWN, NEUTRAL = "up", "down", ""

Value = Decimal | int | float | None


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    group: str
    unit: str
    source: str
    window: str  # "week" (inside it), "end" (at its end), or a longer window in words
    better: str = NEUTRAL
    currency: str = ""

    @property
    def name(self) -> str:
        return f"{self.label} ({self.currency})" if self.currency else self.label


@dataclass(frozen=True)
class DecisionCounts:
    """One week's draft decisions and work done, from the audit trail (`metrics_compute`)."""

    approved_unchanged: int = 0
    edited: int = 0
    rejected: int = 0
    reminders_sent: int = 0
    minutes_saved: int = 0


def _money_figures(currency: str) -> list[Figure]:
    accounting = "the accounting imports"
    return [
        Figure(f"invoiced:{currency}", "Invoiced", "Money", MONEY,
               f"{accounting}: invoices dated in the week, at their total (credit notes apart)",
               "week", BETTER_UP, currency),
        Figure(f"collected:{currency}", "Collected", "Money", MONEY,
               f"{accounting}: invoices an export showed paid in the week (by its as-of date), "
               "and part payments recorded in the week", "week", BETTER_UP, currency),
        Figure(f"outstanding:{currency}", "Outstanding", "Money", MONEY,
               f"{accounting}: what was owed on invoices at the end of the week's Sunday",
               "end", NEUTRAL, currency),
        Figure(f"dso:{currency}", "Days sales outstanding", "Money", DAYS,
               f"outstanding at the week's end, divided by what was invoiced in the {DSO_DAYS} "
               f"days to it, times {DSO_DAYS}", f"{DSO_DAYS} days to the week's end",
               BETTER_DOWN, currency),
    ]  # fmt: skip


SUPPORT_FIGURES = [
    Figure("tickets_received", "Tickets received", "Support", COUNT,
           "tickets opened in the week (a new conversation's first message)", "week"),
    Figure("tickets_answered", "Tickets answered", "Support", COUNT,
           "tickets that had a reply sent in the week", "week", BETTER_UP),
    Figure("tickets_escalated", "Tickets escalated", "Support", COUNT,
           "tickets the risk policy handed to a person in the week", "week", BETTER_DOWN),
    Figure("first_response_hours", "Median first response (hours)", "Support", HOURS,
           "tickets first answered in the week: from the first message received to the first "
           "reply sent", "week", BETTER_DOWN),
    Figure("drafts_unchanged", "Drafts approved unchanged", "Drafts", COUNT,
           "the audit trail: replies and reminders approved as drafted in the week", "week",
           BETTER_UP),
    Figure("drafts_edited", "Drafts approved after an edit", "Drafts", COUNT,
           "the audit trail: drafts a person edited before approving, in the week", "week",
           BETTER_DOWN),
    Figure("drafts_rejected", "Drafts rejected", "Drafts", COUNT,
           "the audit trail: drafts rejected in the week", "week", BETTER_DOWN),
    Figure("reminders_sent", "Payment reminders sent", "Drafts", COUNT,
           "the audit trail: reminders sent in the week", "week"),
    Figure("minutes_saved", "Minutes saved", "Drafts", MINUTES,
           "the metrics' minutes per task (MINUTES_SAVED_PER_*) times the tasks done in the week",
           "week", BETTER_UP),
]  # fmt: skip


def _sales_figures(currencies: list[str], means: str) -> list[Figure]:
    figures = [
        Figure("orders", "Orders", "Sales", COUNT,
               "the shop's order exports in SALES_EXPORT_DIR: orders placed in the week, "
               "less cancelled, voided and failed ones", "week", BETTER_UP),
    ]  # fmt: skip
    for currency in currencies:
        figures.append(
            Figure(f"revenue:{currency}", "Revenue", "Sales", MONEY,
                   f"the same orders' {means}", "week", BETTER_UP, currency)
        )  # fmt: skip
    return figures


def figures_for(facts: Facts, *, revenue_means: str) -> list[Figure]:
    """Every figure the data can give, in the report's order."""
    figures = [f for c in facts.currencies() for f in _money_figures(c)]
    figures += SUPPORT_FIGURES
    if facts.has_sales:
        figures += _sales_figures(facts.sales_currencies(), revenue_means)
    return figures


def _by_invoice(parts: list[PartPayment]) -> dict[str, list[PartPayment]]:
    grouped: dict[str, list[PartPayment]] = defaultdict(list)
    for part in parts:
        grouped[part.invoice].append(part)
    return grouped


def outstanding_on(facts: Facts, day: date) -> dict[str, Decimal]:
    parts = _by_invoice(facts.part_payments)
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in facts.invoices:
        owed[invoice.currency] += balance_on(invoice, day, parts.get(invoice.number, []))
    return dict(owed)


def invoiced_between(invoices: list[InvoiceFact], first: date, last: date) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        if invoice.status != "void" and first <= invoice.issued <= last:
            out[invoice.currency] += invoice.amount
    return dict(out)


def collected_in(facts: Facts, week: Week) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in facts.invoices:
        if invoice.paid_on and week.contains(invoice.paid_on) and invoice.collected:
            out[invoice.currency] += invoice.collected
    for part in facts.part_payments:
        if week.contains(part.on):
            out[part.currency] += part.amount
    return dict(out)


def dso(outstanding: Decimal, invoiced: Decimal) -> Decimal | None:
    if not invoiced:
        return None
    return (outstanding * DSO_DAYS / invoiced).quantize(Decimal("0.1"))


def _hours_median(facts: Facts, start: datetime, end: datetime) -> float | None:
    waits = [
        (t.first_reply_at - t.opened_at).total_seconds() / 3600
        for t in facts.tickets
        if t.first_reply_at is not None and start <= t.first_reply_at < end
    ]
    return round(statistics.median(waits), 1) if waits else None


def week_values(
    facts: Facts, week: Week, *, tz: tzinfo, decisions: DecisionCounts
) -> dict[str, Value]:
    """Every figure's value for one week, by key (a currency's money figures included only for
    the currencies the data has)."""
    start, end = week.bounds(tz)
    values: dict[str, Value] = {}
    invoiced = invoiced_between(facts.invoices, week.monday, week.sunday)
    collected = collected_in(facts, week)
    owed = outstanding_on(facts, week.sunday)
    quarter = invoiced_between(
        facts.invoices, week.sunday - timedelta(days=DSO_DAYS - 1), week.sunday
    )
    for currency in facts.currencies():
        values[f"invoiced:{currency}"] = invoiced.get(currency, Decimal("0.00"))
        values[f"collected:{currency}"] = collected.get(currency, Decimal("0.00"))
        values[f"outstanding:{currency}"] = owed.get(currency, Decimal("0.00"))
        values[f"dso:{currency}"] = dso(owed.get(currency, Decimal(0)), quarter.get(currency, 0))
    inside = [t for t in facts.tickets if start <= t.opened_at < end]
    values["tickets_received"] = len(inside)
    values["tickets_answered"] = sum(
        any(start <= s < end for s in t.replies_sent) for t in facts.tickets
    )
    values["tickets_escalated"] = sum(
        any(start <= s < end for s in t.escalated) for t in facts.tickets
    )
    values["first_response_hours"] = _hours_median(facts, start, end)
    values["drafts_unchanged"] = decisions.approved_unchanged
    values["drafts_edited"] = decisions.edited
    values["drafts_rejected"] = decisions.rejected
    values["reminders_sent"] = decisions.reminders_sent
    values["minutes_saved"] = decisions.minutes_saved
    if facts.has_sales:
        placed = [o for o in facts.orders if o.counted and week.contains(o.placed_on)]
        values["orders"] = len(placed)
        for currency in facts.sales_currencies():
            values[f"revenue:{currency}"] = sum(
                (o.revenue for o in placed if o.currency == currency), Decimal("0.00")
            )
    return values


@dataclass(frozen=True)
class AgingRow:
    label: str
    amount: Decimal
    count: int


def aging_on(
    facts: Facts, day: date, *, buckets: tuple[tuple[str, int, int | None], ...]
) -> dict[str, list[AgingRow]]:
    """What was owed at the end of `day` per currency: not yet due, then the digest's buckets of
    days overdue (`buckets`: label, first day, last day or None)."""
    parts = _by_invoice(facts.part_payments)
    rows: dict[str, list[list]] = {}
    for invoice in facts.invoices:
        owed = balance_on(invoice, day, parts.get(invoice.number, []))
        if owed <= 0:
            continue
        table = rows.setdefault(
            invoice.currency, [[Decimal(0), 0] for _ in range(len(buckets) + 1)]
        )
        late = (day - invoice.due).days
        slot = 0
        for n, (_label, first, last) in enumerate(buckets, start=1):
            if late >= first and (last is None or late <= last):
                slot = n
        table[slot][0] += owed
        table[slot][1] += 1
    labels = ["not yet due", *(label for label, _, _ in buckets)]
    return {
        currency: [
            AgingRow(label, amount, count)
            for label, (amount, count) in zip(labels, table, strict=True)
        ]
        for currency, table in sorted(rows.items())
    }
