"""The five numbers that tell an owner whether the agent helps, per workflow and per ISO week.

Every figure is computed from audit events and nothing else, so the figures and the trail never
disagree: `metrics_compute` is pure (event values in, figures out), `metric_events` is the one
query. A figure is attributed to the week of the event that completes it (a cycle time to the week
of its end, money to the week it was recorded).

- minutes saved: settings' minutes per task times tasks done (a reply or reminder sent, a message
  triaged);
- cycle time: medians of trigger -> draft ready, draft ready -> decision, decision -> sent;
- error rate: the share of decided drafts that a person edited or rejected, with the median edit
  size in characters;
- escalation rate: the share of work items handed to a person (messages assessed; customers a
  reminder run acted on);
- outcomes: money collected on invoices paid after a reminder, per currency, and the median days
  from the first reminder to payment.

Beside them, what the model cost: the triages a model answered (`model_calls`, those whose
`ticket.triaged` event counts tokens, a fallback to the rules after the model answered included:
its tokens were spent) and the prompt and completion tokens they used, as the server counted them
(its `usage`); the rules backend costs none.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from mailagent.models import AuditEvent, Draft

REPLY = "reply"
REMINDER = "reminder"
WORKFLOWS = (REPLY, REMINDER)

# Every action a figure is read from.
ACTIONS = (
    "draft.created",
    "draft.edited",
    "draft.approved",
    "draft.rejected",
    "draft.sent",
    "ticket.triaged",
    "policy.assessed",
    "policy.escalated",
    "reminder.escalated",
    "invoice.paid",
)


@dataclass(frozen=True)
class EventRow:
    """What the metrics need of one audit event."""

    action: str
    at: datetime
    target_id: int | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MinutesPerTask:
    reply: int
    reminder: int
    triage: int


def minutes_per_task() -> MinutesPerTask:
    return MinutesPerTask(
        reply=settings.MINUTES_SAVED_PER_REPLY,
        reminder=settings.MINUTES_SAVED_PER_REMINDER,
        triage=settings.MINUTES_SAVED_PER_TRIAGE,
    )


@dataclass
class Figures:
    """One workflow's figures over one period (a week, or the whole range)."""

    workflow: str
    period: str
    drafted: int = 0
    sent: int = 0
    triaged: int = 0
    minutes_saved: int = 0
    approved: int = 0
    edited: int = 0
    rejected: int = 0
    edit_sizes: list[int] = field(default_factory=list)
    trigger_to_draft: list[float] = field(default_factory=list)
    draft_to_decision: list[float] = field(default_factory=list)
    decision_to_sent: list[float] = field(default_factory=list)
    work_items: int = 0
    escalated: int = 0
    collected: dict[str, Decimal] = field(default_factory=dict)
    days_to_payment: list[int] = field(default_factory=list)
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def error_rate(self) -> float | None:
        return (self.edited + self.rejected) / self.decided if self.decided else None

    @property
    def median_edit_size(self) -> float | None:
        return _median(self.edit_sizes)

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated / self.work_items if self.work_items else None

    @property
    def median_trigger_to_draft(self) -> float | None:
        return _median(self.trigger_to_draft)

    @property
    def median_draft_to_decision(self) -> float | None:
        return _median(self.draft_to_decision)

    @property
    def median_decision_to_sent(self) -> float | None:
        return _median(self.decision_to_sent)

    @property
    def median_days_to_payment(self) -> float | None:
        return _median(self.days_to_payment)

    @property
    def is_empty(self) -> bool:
        return not (
            self.drafted or self.sent or self.triaged or self.decided or self.work_items
        ) and not (self.collected or self.days_to_payment)


def _median(values: list[int] | list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _parse_time(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _money(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def iso_week(when: datetime, tz: ZoneInfo) -> str:
    """The ISO week of a moment in the business's time zone, like "2026-W10"."""
    year, week, _ = when.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def metrics_compute(
    events: Iterable[EventRow],
    *,
    minutes: MinutesPerTask,
    period_of: Callable[[datetime], str | None],
) -> dict[tuple[str, str], Figures]:
    """Figures per (workflow, period). `period_of` names the period of a moment, or None for a
    moment outside the range: such events only supply the start of a cycle ending inside it."""
    events = sorted(events, key=lambda e: e.at)
    created: dict[int, EventRow] = {}
    decided: dict[int, EventRow] = {}
    workflow_of: dict[int, str] = {}
    figures: dict[tuple[str, str], Figures] = {}

    def bucket(workflow: str, period: str) -> Figures:
        return figures.setdefault((workflow, period), Figures(workflow=workflow, period=period))

    for event in events:
        if event.action.startswith("draft.") and event.target_id is not None:
            workflow = event.details.get("workflow") or workflow_of.get(event.target_id, REPLY)
            workflow_of[event.target_id] = workflow
        if event.action == "draft.created":
            created[event.target_id] = event
        elif event.action in ("draft.approved", "draft.rejected"):
            decided[event.target_id] = event
        period = period_of(event.at)
        if period is None:
            continue
        _count(event, workflow_of, created, decided, minutes, bucket(REPLY, period), bucket)
    return {key: f for key, f in figures.items() if not f.is_empty}


def _count(event, workflow_of, created, decided, minutes, reply: Figures, bucket) -> None:
    action, details = event.action, event.details
    if action == "ticket.triaged":
        reply.triaged += 1
        reply.minutes_saved += minutes.triage
        _count_tokens(details, reply)
    elif action in ("policy.assessed", "policy.escalated"):
        reply.work_items += 1
        reply.escalated += action == "policy.escalated"
    elif action == "reminder.escalated":
        figures = bucket(REMINDER, reply.period)
        figures.work_items += 1
        figures.escalated += 1
    elif action == "invoice.paid":
        _count_payment(details, bucket(REMINDER, reply.period))
    elif action.startswith("draft.") and event.target_id is not None:
        figures = bucket(workflow_of[event.target_id], reply.period)
        _count_draft(event, figures, created, decided, minutes)


def _count_draft(event, figures: Figures, created, decided, minutes: MinutesPerTask) -> None:
    action, details = event.action, event.details
    if action == "draft.created":
        figures.drafted += 1
        if figures.workflow == REMINDER:
            figures.work_items += 1
        triggered = _parse_time(details.get("triggered_at"))
        if triggered is not None:
            figures.trigger_to_draft.append(max((event.at - triggered).total_seconds(), 0.0))
    elif action == "draft.edited":
        if isinstance(details.get("edit_size"), int):
            figures.edit_sizes.append(details["edit_size"])
    elif action in ("draft.approved", "draft.rejected"):
        if action == "draft.approved":
            figures.approved += 1
            figures.edited += bool(details.get("edited"))
        else:
            figures.rejected += 1
        start = created.get(event.target_id)
        if start is not None:
            figures.draft_to_decision.append((event.at - start.at).total_seconds())
    elif action == "draft.sent":
        figures.sent += 1
        figures.minutes_saved += minutes.reminder if figures.workflow == REMINDER else minutes.reply
        decision = decided.get(event.target_id)
        if decision is not None:
            figures.decision_to_sent.append((event.at - decision.at).total_seconds())


def _count_tokens(details: dict, figures: Figures) -> None:
    prompt, completion = details.get("prompt_tokens"), details.get("completion_tokens")
    prompt = prompt if isinstance(prompt, int) else 0
    completion = completion if isinstance(completion, int) else 0
    if prompt or completion:
        figures.model_calls += 1
        figures.prompt_tokens += prompt
        figures.completion_tokens += completion


def _count_payment(details: dict, figures: Figures) -> None:
    if not details.get("after_reminder"):
        return
    amount, currency = _money(details.get("collected")), details.get("currency") or "?"
    if amount is not None:
        figures.collected[currency] = figures.collected.get(currency, Decimal("0")) + amount
    if isinstance(details.get("days_after_reminder"), int):
        figures.days_to_payment.append(details["days_after_reminder"])


# --- The query, and the two views of it the portal and the digest show -----------------------


def metric_events(*, since: datetime, until: datetime) -> list[EventRow]:
    """The events of [since, until), plus the earlier creation and decision of any draft whose
    later step falls inside, so that a cycle crossing the start is still measured."""
    fields = ("action", "created_at", "target_id", "details")
    inside = list(
        AuditEvent.objects.filter(action__in=ACTIONS, created_at__gte=since, created_at__lt=until)
        .order_by("created_at", "id")
        .values_list(*fields)
    )
    draft_ids = {row[2] for row in inside if row[0].startswith("draft.") and row[2] is not None}
    earlier = (
        AuditEvent.objects.filter(
            action__in=("draft.created", "draft.approved", "draft.rejected"),
            created_at__lt=since,
            target_type=ContentType.objects.get_for_model(Draft),
            target_id__in=draft_ids,
        )
        .order_by("created_at", "id")
        .values_list(*fields)
    )
    return [
        EventRow(action=a, at=at, target_id=t, details=d or {})
        for a, at, t, d in [*earlier, *inside]
    ]


@dataclass(frozen=True)
class WeeklyMetrics:
    weeks: list[str]  # oldest first
    rows: dict[tuple[str, str], Figures]
    totals: dict[str, Figures]

    def row(self, workflow: str, week: str) -> Figures:
        return self.rows.get((workflow, week)) or Figures(workflow=workflow, period=week)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def metrics_weekly(*, today: date, weeks: int = 8) -> WeeklyMetrics:
    """The last `weeks` ISO weeks up to and including today's, per workflow, with totals."""
    tz = timezone.get_current_timezone()
    first = _week_start(today) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, time.min, tzinfo=tz)
    until = datetime.combine(_week_start(today) + timedelta(weeks=1), time.min, tzinfo=tz)
    events = metric_events(since=since, until=until)
    minutes = minutes_per_task()

    def week_of(when: datetime) -> str | None:
        return iso_week(when, tz) if since <= when < until else None

    def whole_range(when: datetime) -> str | None:
        return "total" if since <= when < until else None

    rows = metrics_compute(events, minutes=minutes, period_of=week_of)
    totals = metrics_compute(events, minutes=minutes, period_of=whole_range)
    labels = [iso_week(since + timedelta(weeks=n, days=3), tz) for n in range(weeks)]
    return WeeklyMetrics(
        weeks=labels,
        rows=rows,
        totals={
            w: totals.get((w, "total")) or Figures(workflow=w, period="total") for w in WORKFLOWS
        },
    )


def metrics_headline(*, now: datetime, days: int = 7) -> dict[str, Figures]:
    """Each workflow's figures over the `days` days up to `now`: the digest's headline."""
    since = now - timedelta(days=days)
    events = metric_events(since=since, until=now)
    figures = metrics_compute(
        events,
        minutes=minutes_per_task(),
        period_of=lambda when: "recent" if since <= when < now else None,
    )
    return {
        w: figures.get((w, "recent")) or Figures(workflow=w, period="recent") for w in WORKFLOWS
    }


def duration_text(seconds: float | None) -> str:
    """A median cycle time for people: "4 min", "3.5 h", "2.1 days"."""
    if seconds is None:
        return "-"
    if seconds < 90 * 60:
        return f"{max(round(seconds / 60), 0)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
