"""The report's figures worked out again, from the same fixture files and the same scenario, by
another route: the exports are read with the csv module and compared Sunday to Sunday, the
orders are grouped by hand. Nothing here calls the product's code."""

from __future__ import annotations

import csv
import itertools
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from tests.workflows_kpi.history import (
    CONVERSATIONS,
    EXPORTS,
    NEW_YORK,
    REMINDER_SENT,
    SALES,
    SUNDAYS,
)

OWED = ("open", "disputed")


def week_days(label: str) -> tuple[date, date]:
    year, number = label.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + timedelta(days=6)


def snapshots() -> dict[date, dict[str, dict]]:
    out = {}
    for sunday in SUNDAYS:
        with open(EXPORTS / f"invoices-{sunday}.csv", encoding="utf-8", newline="") as f:
            out[date.fromisoformat(sunday)] = {r["invoice_number"]: r for r in csv.DictReader(f)}
    return out


def _per_currency(pairs) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in pairs:
        out[currency] += amount
    return dict(out)


def invoiced(label: str) -> dict[str, Decimal]:
    first, last = week_days(label)
    latest = {}
    for rows in snapshots().values():
        latest.update(rows)
    return _per_currency(
        (r["currency"], Decimal(r["total"]))
        for r in latest.values()
        if r["status"] != "void" and first <= date.fromisoformat(r["issue_date"]) <= last
    )


def collected(label: str) -> dict[str, Decimal]:
    """What each Sunday's export shows paid since the Sunday before, in the week."""
    first, last = week_days(label)
    days = sorted(snapshots())
    shots = snapshots()
    pairs = []
    for before, after in itertools.pairwise(days):
        if not first <= after <= last:
            continue
        for number, row in shots[before].items():
            if row["status"] not in OWED:
                continue
            now = shots[after].get(number)
            paid = Decimal(row["balance"]) - (Decimal(now["balance"]) if now else Decimal(0))
            if paid:
                pairs.append((row["currency"], paid))
    return _per_currency(pairs)


def outstanding(day: date) -> dict[str, Decimal]:
    shot = snapshots()[max(d for d in snapshots() if d <= day)]
    return _per_currency(
        (r["currency"], Decimal(r["balance"])) for r in shot.values() if r["status"] in OWED
    )


def dso(label: str, currency: str) -> Decimal | None:
    _, sunday = week_days(label)
    latest = {}
    for rows in snapshots().values():
        latest.update(rows)
    quarter = sum(
        (
            Decimal(r["total"])
            for r in latest.values()
            if r["currency"] == currency
            and r["status"] != "void"
            and sunday - timedelta(days=90) <= date.fromisoformat(r["issue_date"]) <= sunday
        ),
        Decimal(0),
    )
    owed = outstanding(sunday).get(currency, Decimal(0))
    return (owed * 91 / quarter).quantize(Decimal("0.1")) if quarter else None


def aging(day: date) -> dict[str, dict[str, Decimal]]:
    shot = snapshots()[max(d for d in snapshots() if d <= day)]
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in shot.values():
        if r["status"] not in OWED:
            continue
        late = (day - date.fromisoformat(r["due_date"])).days
        label = (
            "not yet due"
            if late <= 0
            else "1-30 days"
            if late <= 30
            else "31-60 days"
            if late <= 60
            else "61-90 days"
            if late <= 90
            else "90+ days"
        )
        out[r["currency"]][label] += Decimal(r["balance"])
    return out


def _local_week(moment: datetime, label: str) -> bool:
    first, last = week_days(label)
    return first <= moment.astimezone(NEW_YORK).date() <= last


def tickets(label: str) -> dict[str, object]:
    waits = [
        (t.replied - t.opened).total_seconds() / 3600
        for t in CONVERSATIONS
        if t.replied and _local_week(t.replied, label)
    ]
    return {
        "received": sum(_local_week(t.opened, label) for t in CONVERSATIONS),
        "answered": sum(bool(t.replied) and _local_week(t.replied, label) for t in CONVERSATIONS),
        "escalated": sum(
            t.outcome == "escalated" and _local_week(t.opened, label) for t in CONVERSATIONS
        ),
        "first_response_hours": round(statistics.median(waits), 1) if waits else None,
        "unchanged": sum(
            t.outcome == "unchanged" and _local_week(t.decided, label) for t in CONVERSATIONS
        )
        + _local_week(REMINDER_SENT, label),
        "reminders_sent": int(_local_week(REMINDER_SENT, label)),
        "edited": sum(
            t.outcome == "edited" and _local_week(t.decided, label) for t in CONVERSATIONS
        ),
        "rejected": sum(
            t.outcome == "rejected" and _local_week(t.decided, label) for t in CONVERSATIONS
        ),
    }


def shopify_orders(label: str) -> tuple[int, Decimal]:
    """Orders placed in the week (their first row carries the order's fields), less cancelled
    and voided ones; revenue is Total less Refunded Amount."""
    with open(SALES / "shopify_orders_export.csv", encoding="utf-8", newline="") as f:
        firsts = [r for r in csv.DictReader(f) if r["Financial Status"]]
    count, revenue = 0, Decimal(0)
    for r in firsts:
        placed = datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
        if not _local_week(placed, label) or r["Cancelled at"] or r["Financial Status"] == "voided":
            continue
        count += 1
        revenue += Decimal(r["Total"]) - Decimal(r["Refunded Amount"] or 0)
    return count, revenue


def woocommerce_orders(label: str) -> tuple[int, Decimal]:
    with open(SALES / "woocommerce_order_export.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    count, revenue = 0, Decimal(0)
    for r in rows:
        placed = datetime.fromisoformat(r["order_date"]).replace(tzinfo=NEW_YORK)
        if _local_week(placed, label) and r["status"] in (
            "wc-completed",
            "wc-processing",
            "wc-on-hold",
        ):
            count += 1
            revenue += Decimal(r["order_total"])
    return count, revenue
