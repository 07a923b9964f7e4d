"""The KPI report's reads: the accounting data, the tickets, the audit trail, the shop's order
exports, and what waits for a person. Reads only: nothing here writes a row or moves a file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils import timezone

from mailagent.models import AuditEvent, Draft, ImportRun, Invoice, Ticket
from mailagent.parsing.export_files import one_line
from mailagent.parsing.orders import REVENUE_MEANS, UnreadableOrders, parse_orders
from mailagent.services.export_holds import exports_held
from mailagent.services.metrics import REMINDER, metric_events, metrics_compute, minutes_per_task
from mailagent.workflows.kpi.facts import Facts, InvoiceFact, OrderFact, PartPayment, TicketFact
from mailagent.workflows.kpi.figures import DecisionCounts
from mailagent.workflows.kpi.narrative import Waiting
from mailagent.workflows.kpi.weeks import Week


def _day(moment: datetime):
    return timezone.localdate(moment)


def invoice_facts() -> list[InvoiceFact]:
    rows = Invoice.objects.filter(kind=Invoice.Kind.INVOICE).select_related("customer")
    return [
        InvoiceFact(
            number=i.number,
            customer=i.customer.name,
            currency=i.currency,
            amount=i.total if i.total is not None else i.balance,
            balance=i.balance,
            issued=i.issue_date or _day(i.created_at),
            due=i.due_date,
            status=i.status,
            paid_on=i.paid_on,
            collected=i.collected,
        )
        for i in rows.order_by("number")
    ]


def part_payments() -> list[PartPayment]:
    events = list(
        AuditEvent.objects.filter(action="invoice.part_paid").values_list(
            "target_id", "created_at", "details"
        )
    )
    invoices = {
        pk: (number, currency)
        for pk, number, currency in Invoice.objects.filter(
            pk__in={target for target, _, _ in events}
        ).values_list("pk", "number", "currency")
    }
    out = []
    for target, at, details in events:
        if target in invoices and details.get("collected"):
            number, currency = invoices[target]
            out.append(PartPayment(number, currency, Decimal(str(details["collected"])), _day(at)))
    return out


def ticket_facts(*, since: datetime, until: datetime) -> list[TicketFact]:
    """Tickets opened, answered or escalated in [since, until), with all their replies sent."""
    replies = Draft.objects.filter(kind=Draft.Kind.REPLY, sent_at__isnull=False)
    escalations = AuditEvent.objects.filter(action="policy.escalated", ticket__isnull=False)
    ids = set(
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
            "pk", flat=True
        )
    )
    ids |= set(
        replies.filter(sent_at__gte=since, sent_at__lt=until).values_list("ticket_id", flat=True)
    )
    ids |= set(
        escalations.filter(created_at__gte=since, created_at__lt=until).values_list(
            "ticket_id", flat=True
        )
    )
    ids.discard(None)
    sent: dict[int, list[datetime]] = {}
    for ticket, at in replies.filter(ticket_id__in=ids).values_list("ticket_id", "sent_at"):
        sent.setdefault(ticket, []).append(at)
    raised: dict[int, list[datetime]] = {}
    for ticket, at in escalations.filter(ticket_id__in=ids).values_list("ticket_id", "created_at"):
        raised.setdefault(ticket, []).append(at)
    tickets = Ticket.objects.filter(pk__in=ids).annotate(first=Min("messages__received_at"))
    return [
        TicketFact(
            id=t.pk,
            opened_at=t.first or t.created_at,
            replies_sent=tuple(sorted(sent.get(t.pk, []))),
            escalated=tuple(sorted(raised.get(t.pk, []))),
        )
        for t in tickets.order_by("pk")
    ]


def decision_counts(weeks: list[Week], *, tz: tzinfo) -> dict[str, DecisionCounts]:
    """Each week's draft decisions and minutes saved, as the metrics count them."""
    since, until = weeks[0].bounds(tz)[0], weeks[-1].bounds(tz)[1]

    def week_of(when: datetime) -> str | None:
        return Week.of(when.astimezone(tz).date()).label if since <= when < until else None

    figures = metrics_compute(
        metric_events(since=since, until=until), minutes=minutes_per_task(), period_of=week_of
    )
    out = {}
    for week in weeks:
        rows = [f for (_, period), f in figures.items() if period == week.label]
        out[week.label] = DecisionCounts(
            approved_unchanged=sum(f.approved - f.edited for f in rows),
            edited=sum(f.edited for f in rows),
            rejected=sum(f.rejected for f in rows),
            reminders_sent=sum(f.sent for f in rows if f.workflow == REMINDER),
            minutes_saved=sum(f.minutes_saved for f in rows),
        )
    return out


@dataclass
class SalesRead:
    orders: list[OrderFact] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    means: list[str] = field(default_factory=list)


def sales_read(folder: str | Path, *, tz: tzinfo) -> SalesRead:
    """Every order export in the folder, read whole or refused whole. An order listed by several
    exports counts once, as the latest file (by the time it was dropped) has it."""
    read = SalesRead()
    paths = sorted(Path(folder).glob("*.csv"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    latest: dict[tuple[str, str], OrderFact] = {}
    for path in paths:
        data = path.read_bytes()
        name = one_line(path.name, limit=200)
        try:
            parsed = parse_orders(data, tz=tz, default_currency=settings.DEFAULT_CURRENCY)
        except UnreadableOrders as exc:
            read.refused.append(f"{name}: {one_line(str(exc))}")
            continue
        for order in parsed.orders:
            latest[(parsed.format.value, order.number)] = OrderFact(
                number=order.number,
                platform=parsed.format.value,
                placed_on=order.placed_at.astimezone(tz).date(),
                currency=order.currency,
                revenue=order.revenue,
                counted=order.counted,
            )
        if REVENUE_MEANS[parsed.format] not in read.means:
            read.means.append(REVENUE_MEANS[parsed.format])
        read.files.append(
            {
                "file": name,
                "format": parsed.format.value,
                "orders": len(parsed.orders),
                "currency": parsed.currency_source,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    read.orders = list(latest.values())
    return read


def waiting_now(*, week: Week, tz: tzinfo, now: datetime, problems: list[str]) -> Waiting:
    pending = Draft.objects.filter(status=Draft.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    disputed = (
        Invoice.objects.filter(status=Invoice.Status.DISPUTED, kind=Invoice.Kind.INVOICE)
        .values("currency")
        .annotate(amount=Sum("balance"), count=Count("pk"))
    )
    start, end = week.bounds(tz)
    answered = Draft.objects.filter(kind=Draft.Kind.REPLY, sent_at__isnull=False)
    unanswered = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(pk__in=answered.values("ticket_id"))
        .exclude(status__in=(Ticket.Status.ANSWERED, Ticket.Status.CLOSED, Ticket.Status.ESCALATED))
    )
    refused = ImportRun.objects.filter(kind="refused", created_at__gte=start, created_at__lt=end)
    held = [
        f"{h.file_name}: an accounting export held, nothing of it imported" for h in exports_held()
    ]
    return Waiting(
        escalated_open=Ticket.objects.filter(status=Ticket.Status.ESCALATED).count(),
        drafts_pending=pending.count(),
        oldest_pending_hours=(now - oldest).total_seconds() / 3600 if oldest else None,
        disputed={d["currency"]: (d["amount"], d["count"]) for d in disputed},
        unanswered=unanswered.count(),
        problems=tuple(
            [f"Sales export {p}" for p in problems]
            + [
                f"Accounting export {r.file_name} was refused: {r.skipped[0]['reason']}"
                for r in refused
                if r.skipped
            ]
            + held
        ),
    )


def facts_read(*, weeks: list[Week], tz: tzinfo) -> tuple[Facts, SalesRead]:
    since, until = weeks[0].bounds(tz)[0], weeks[-1].bounds(tz)[1]
    sales = (
        sales_read(settings.SALES_EXPORT_DIR, tz=tz) if settings.SALES_EXPORT_DIR else SalesRead()
    )
    facts = Facts(
        invoices=invoice_facts(),
        part_payments=part_payments(),
        tickets=ticket_facts(since=since, until=until),
        orders=sales.orders,
        has_sales=bool(sales.files),
    )
    return facts, sales
