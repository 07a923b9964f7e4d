"""The daily digest: one email each morning telling staff what waits for them and what was done.

`digest_send` is what `python manage.py send_digest` and the schedule call. It raises drafts left
waiting too long (to the backup approvers, when there are any), gathers the digest's content once
(`digest_gather`, reads only), and mails each recipient their own copy: an approver's copy carries
fresh magic links and an "approve all of these" link, which are personal. "Since the last digest"
means since the last digest that was sent; the first one looks back one day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone

from mailagent.conf import Mode
from mailagent.models import AuditEvent, Draft, InboundEmail, Invoice, OutboundEmail, Ticket
from mailagent.services.approvals import approval_link_issue, approval_requests_send
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.batch_approvals import batch_link_issue
from mailagent.services.export_holds import HeldExport, exports_held
from mailagent.services.metrics import Figures, metrics_headline
from mailagent.services.outbound import draft_delivery_problem, notice_send
from mailagent.services.reconnects import MailboxToReconnect, mailboxes_to_reconnect
from mailagent.services.undelivered import Undelivered, undelivered_sends

QUARANTINE_SHOWN = 10
# Days overdue: (label, first day, last day or None for open-ended).
AGING = (
    ("1-30 days", 1, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("90+ days", 91, None),
)


@dataclass(frozen=True)
class AgingBucket:
    label: str
    amount: Decimal
    count: int
    percent: int  # of the largest bucket: the length of its bar


@dataclass(frozen=True)
class Receivables:
    currency: str
    overdue: Decimal
    count: int
    buckets: tuple[AgingBucket, ...]


def receivables_aging(
    invoices: list[tuple[str, Decimal, date]], *, today: date
) -> list[Receivables]:
    """Overdue balances per currency in aging buckets. PURE: (currency, balance, due date)."""
    amounts: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(AGING))
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(AGING))
    for currency, balance, due in invoices:
        days = (today - due).days
        for n, (_, first, last) in enumerate(AGING):
            if days >= first and (last is None or days <= last):
                amounts[currency][n] += balance
                counts[currency][n] += 1
    result = []
    for currency in sorted(amounts):
        top = max(amounts[currency]) or Decimal(1)
        buckets = tuple(
            AgingBucket(label, amount, count, round(amount * 100 / top))
            for (label, _, _), amount, count in zip(
                AGING, amounts[currency], counts[currency], strict=True
            )
        )
        total = sum(amounts[currency], Decimal(0))
        result.append(Receivables(currency, total, sum(counts[currency]), buckets))
    return result


@dataclass
class DigestContent:
    now: datetime
    since: datetime
    pending: list[Draft]
    waiting_too_long: set[int]
    sent: list[Draft]
    escalations: list[Ticket]
    quarantined: list[InboundEmail]
    quarantined_count: int
    receivables: list[Receivables]
    collected: dict[str, Decimal]
    recovered: dict[str, Decimal]
    headline: dict[str, Figures] = field(default_factory=dict)
    undelivered: list[Undelivered] = field(default_factory=list)
    held_exports: list[HeldExport] = field(default_factory=list)
    # OAuth2 mailboxes whose sign-in the provider refused: nothing is read from them (or sent
    # through them) until a person connects them again.
    to_reconnect: list[MailboxToReconnect] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.pending
            or self.sent
            or self.escalations
            or self.quarantined_count
            or self.receivables
            or self.collected
            or self.undelivered
            or self.held_exports
            or self.to_reconnect
        )

    @property
    def batchable(self) -> list[Draft]:
        """Drafts an approve-all link may cover: a flagged draft, or one that could not be
        delivered as addressed, needs its own look."""
        return [d for d in self.pending if not d.flags and not draft_delivery_problem(d)]


def last_digest_at(*, now: datetime) -> datetime:
    last = (
        OutboundEmail.objects.filter(
            kind=OutboundEmail.Kind.DIGEST, status=OutboundEmail.Status.SENT
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or now - timedelta(days=1)


def _money_since(since: datetime, now: datetime) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Collected (paid and part-paid) and recovered after a reminder, per currency, from the
    audit trail."""
    events = AuditEvent.objects.filter(
        action__in=("invoice.paid", "invoice.part_paid"), created_at__gte=since, created_at__lt=now
    ).values_list("action", "target_id", "details")
    events = list(events)
    # A part payment's event names no currency: its invoice does.
    part_ids = [t for a, t, _ in events if a == "invoice.part_paid"]
    currencies = dict(Invoice.objects.filter(pk__in=part_ids).values_list("pk", "currency"))
    collected: dict[str, Decimal] = defaultdict(Decimal)
    recovered: dict[str, Decimal] = defaultdict(Decimal)
    for action, target, details in events:
        currency = details.get("currency") or currencies.get(target, "?")
        amount = Decimal(str(details.get("collected") or 0))
        if not amount:
            continue
        collected[currency] += amount
        if action == "invoice.paid" and details.get("after_reminder"):
            recovered[currency] += amount
    return dict(collected), dict(recovered)


def digest_gather(*, now: datetime, since: datetime) -> DigestContent:
    """Everything the digest says, read once for all recipients."""
    pending = list(
        Draft.objects.filter(status=Draft.Status.PENDING)
        .select_related("ticket", "customer")
        .order_by("created_at", "id")
    )
    cutoff = now - timedelta(hours=settings.APPROVAL_REMIND_HOURS)
    quarantined = InboundEmail.objects.filter(status=InboundEmail.Status.QUARANTINED)
    overdue = Invoice.objects.filter(
        status=Invoice.Status.OPEN,
        kind=Invoice.Kind.INVOICE,
        due_date__lt=timezone.localdate(now),
        balance__gt=0,
    ).values_list("currency", "balance", "due_date")
    collected, recovered = _money_since(since, now)
    return DigestContent(
        now=now,
        since=since,
        pending=pending,
        waiting_too_long={d.pk for d in pending if d.created_at <= cutoff},
        sent=list(
            Draft.objects.filter(status=Draft.Status.SENT, sent_at__gte=since, sent_at__lt=now)
            .select_related("ticket", "customer")
            .order_by("sent_at", "id")
        ),
        escalations=list(
            Ticket.objects.filter(status=Ticket.Status.ESCALATED).order_by("created_at", "id")
        ),
        quarantined=list(quarantined.order_by("-received_at", "-id")[:QUARANTINE_SHOWN]),
        quarantined_count=quarantined.count(),
        receivables=receivables_aging(list(overdue), today=timezone.localdate(now)),
        collected=collected,
        recovered=recovered,
        headline=metrics_headline(now=now),
        undelivered=undelivered_sends(since=since, now=now),
        held_exports=exports_held(),
        to_reconnect=mailboxes_to_reconnect(),
    )


def digest_recipients() -> list[str]:
    return list(settings.DIGEST_RECIPIENTS or settings.APPROVER_EMAILS)


def _may_approve(address: str) -> bool:
    return address in settings.APPROVER_EMAILS or address in settings.BACKUP_APPROVER_EMAILS


def _subject(content: DigestContent) -> str:
    if content.is_empty:
        return f"{settings.BUSINESS_NAME} daily digest: nothing needs you today"
    parts = [f"{len(content.pending)} waiting for approval", f"{len(content.sent)} sent"]
    if content.to_reconnect:
        parts.insert(0, f"{len(content.to_reconnect)} mailbox(es) to connect again")
    if content.escalations:
        parts.append(f"{len(content.escalations)} escalated")
    if content.undelivered:
        parts.append(f"{len(content.undelivered)} not delivered")
    if content.held_exports:
        parts.append(f"{len(content.held_exports)} export(s) held")
    return f"{settings.BUSINESS_NAME} daily digest: {', '.join(parts)}"


def _digest_mail(content: DigestContent, recipient: str) -> OutboundEmail:
    links: dict[int, str] = {}
    approve_all = ""
    if _may_approve(recipient) and not content.is_empty:
        links = {
            d.pk: approval_link_issue(draft=d, approver=recipient).url for d in content.pending
        }
        if len(content.batchable) > 1:
            approve_all = batch_link_issue(drafts=content.batchable, approver=recipient)
    context = {
        "c": content,
        "pending": [
            (d, links.get(d.pk, ""), d.pk in content.waiting_too_long) for d in content.pending
        ],
        "approve_all": approve_all,
        "business_name": settings.BUSINESS_NAME,
        "portal": settings.PORTAL_BASE_URL,
        "remind_hours": settings.APPROVAL_REMIND_HOURS,
        "approve_all_hours": settings.APPROVE_ALL_MAX_AGE_HOURS,
        "quarantined_more": content.quarantined_count - len(content.quarantined),
    }
    return notice_send(
        kind=OutboundEmail.Kind.DIGEST,
        to=[recipient],
        subject=_subject(content),
        body=render_to_string("portal/email/digest.txt", context),
        html=render_to_string("portal/email/digest.html", context),
    )


def approval_reminders_send(*, now: datetime) -> list[Draft]:
    """Drafts waiting longer than APPROVAL_REMIND_HOURS, sent to the backup approvers with their
    own links, once per version of each draft. Without backup approvers nothing is sent here:
    the digest raises them again to the approvers."""
    backups = list(settings.BACKUP_APPROVER_EMAILS)
    if not backups:
        return []
    cutoff = now - timedelta(hours=settings.APPROVAL_REMIND_HOURS)
    stale = Draft.objects.filter(status=Draft.Status.PENDING, created_at__lte=cutoff)
    reminded = {
        (target, details.get("version"))
        for target, details in AuditEvent.objects.filter(
            action="approval.reminded",
            target_type=ContentType.objects.get_for_model(Draft),
            target_id__in=stale.values("pk"),
        ).values_list("target_id", "details")
    }
    due = [d for d in stale.order_by("created_at", "id") if (d.pk, d.version) not in reminded]
    if not due or not approval_requests_send(drafts=due, approvers=backups):
        return []
    for draft in due:
        audit_record(
            action="approval.reminded",
            obj=draft,
            actor=SYSTEM,
            summary=f"Waiting over {settings.APPROVAL_REMIND_HOURS} h; raised to "
            f"{', '.join(backups)}",
            version=draft.version,
            to=backups,
        )
    return due


@dataclass(frozen=True)
class DigestResult:
    content: DigestContent
    mails: list[OutboundEmail]
    reminded: list[Draft]


def digest_send(*, now: datetime | None = None) -> DigestResult | None:
    """Send today's digest to every recipient, each with their own links.

    DIGEST_MODE=off sends nothing and returns None; shadow gathers the digest and records that it
    would have gone, sending nothing. A digest is an internal summary (low risk), so draft and
    auto both send it: there is nothing for a person to approve in it.
    """
    now = now or timezone.now()
    if settings.DIGEST_MODE is Mode.OFF:
        return None
    content = digest_gather(now=now, since=last_digest_at(now=now))
    if settings.DIGEST_MODE is Mode.SHADOW:
        audit_record(
            action="shadow.would_send_digest",
            actor=SYSTEM,
            summary=f"DIGEST_MODE=shadow: would send {_subject(content)!r} "
            f"to {', '.join(digest_recipients())}"[:500],
        )
        return DigestResult(content=content, mails=[], reminded=[])
    reminded = approval_reminders_send(now=now)
    mails = [_digest_mail(content, recipient) for recipient in digest_recipients()]
    return DigestResult(content=content, mails=mails, reminded=reminded)
