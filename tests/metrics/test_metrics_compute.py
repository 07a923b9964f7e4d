"""The five numbers from a known set of audit events: pure computation, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mailagent.services.metrics import (
    EventRow,
    MinutesPerTask,
    duration_text,
    iso_week,
    metrics_compute,
)

MINUTES = MinutesPerTask(reply=6, reminder=10, triage=2)
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)  # ISO week 2026-W10


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def created(draft: int, when: datetime, triggered: datetime, workflow: str = "reply") -> EventRow:
    return EventRow(
        "draft.created", when, draft, {"workflow": workflow, "triggered_at": triggered.isoformat()}
    )


def approved(draft: int, when: datetime, *, edited: bool = False, workflow: str = "reply"):
    return EventRow("draft.approved", when, draft, {"workflow": workflow, "edited": edited})


def sent(draft: int, when: datetime, workflow: str = "reply") -> EventRow:
    return EventRow("draft.sent", when, draft, {"workflow": workflow, "message_id": f"<{draft}@x>"})


def paid(when: datetime, amount: str, currency: str, days: int | None) -> EventRow:
    details = {
        "collected": amount,
        "currency": currency,
        "after_reminder": days is not None,
        "days_after_reminder": days,
        "customer": "Globex",
    }
    return EventRow("invoice.paid", when, 99, details)


A_WEEK = [
    # Reply 1: ready in 2 min, decided in an hour, sent a minute later.
    created(1, at(0, 9, 2), at(0, 9)),
    approved(1, at(0, 10, 2)),
    sent(1, at(0, 10, 3)),
    # Reply 2: ready in 4 min, edited (12 characters) and approved after two hours.
    created(2, at(1, 11, 4), at(1, 11)),
    EventRow("draft.edited", at(1, 13, 4), 2, {"workflow": "reply", "edit_size": 12}),
    approved(2, at(1, 13, 4), edited=True),
    sent(2, at(1, 13, 6)),
    # Reply 3: ready in 6 min, rejected after half an hour.
    created(3, at(2, 12, 6), at(2, 12)),
    EventRow("draft.rejected", at(2, 12, 36), 3, {"workflow": "reply"}),
    # Four messages triaged; one of them escalated, three assessed.
    *[EventRow("ticket.triaged", at(0, 8, n), 10 + n) for n in range(4)],
    *[EventRow("policy.assessed", at(0, 8, n), 10 + n) for n in range(3)],
    EventRow("policy.escalated", at(0, 8, 3), 13, {"reasons": ["refund"]}),
    # Reminder 4: drafted, approved, sent; one customer escalated instead.
    created(4, at(3, 8, 0), at(3, 7, 59), "reminder"),
    approved(4, at(3, 9), workflow="reminder"),
    sent(4, at(3, 9, 5), "reminder"),
    EventRow("reminder.escalated", at(3, 8), 20, {"total": "900.00"}),
    # Payments: two after a reminder (EUR), one without (not counted as an outcome).
    paid(at(4, 10), "420.00", "EUR", 5),
    paid(at(4, 11), "100.50", "EUR", 9),
    paid(at(4, 12), "50.00", "USD", None),
]


def weekly(events):
    return metrics_compute(events, minutes=MINUTES, period_of=lambda when: iso_week(when, UTC))


class TestAWeekOfReplies:
    @pytest.fixture
    def reply(self):
        return weekly(A_WEEK)[("reply", "2026-W10")]

    def test_minutes_saved_are_minutes_per_task_times_tasks_done(self, reply):
        # Two replies sent (6 min each) and four messages triaged (2 min each).
        assert (reply.sent, reply.triaged, reply.minutes_saved) == (2, 4, 20)

    def test_cycle_times_are_medians(self, reply):
        assert reply.median_trigger_to_draft == 4 * 60
        assert reply.median_draft_to_decision == 60 * 60
        assert reply.median_decision_to_sent == 90

    def test_error_rate_counts_edited_and_rejected_drafts_among_decided_ones(self, reply):
        assert (reply.decided, reply.edited, reply.rejected) == (3, 1, 1)
        assert reply.error_rate == pytest.approx(2 / 3)
        assert reply.median_edit_size == 12

    def test_escalation_rate_is_the_share_of_assessed_messages_escalated(self, reply):
        assert (reply.escalated, reply.work_items, reply.escalation_rate) == (1, 4, 0.25)

    def test_replies_collect_no_money(self, reply):
        assert reply.collected == {} and reply.median_days_to_payment is None


class TestAWeekOfReminders:
    @pytest.fixture
    def reminder(self):
        return weekly(A_WEEK)[("reminder", "2026-W10")]

    def test_minutes_and_cycle_times(self, reminder):
        assert (reminder.drafted, reminder.sent, reminder.minutes_saved) == (1, 1, 10)
        assert reminder.median_trigger_to_draft == 60
        assert reminder.median_draft_to_decision == 3600
        assert reminder.median_decision_to_sent == 300

    def test_escalation_rate_counts_drafted_and_escalated_customers(self, reminder):
        assert (reminder.escalated, reminder.work_items, reminder.escalation_rate) == (1, 2, 0.5)

    def test_outcomes_count_only_payments_after_a_reminder(self, reminder):
        assert reminder.collected == {"EUR": Decimal("520.50")}
        assert reminder.median_days_to_payment == 7


def test_a_cycle_crossing_weeks_belongs_to_the_week_it_ends_in():
    sunday, monday = at(-1, 18), at(0, 9)  # 2026-W09 and 2026-W10
    figures = weekly([created(7, sunday, sunday), approved(7, monday), sent(7, monday)])

    assert figures[("reply", "2026-W09")].drafted == 1
    assert figures[("reply", "2026-W09")].decided == 0
    week10 = figures[("reply", "2026-W10")]
    assert (week10.drafted, week10.decided, week10.sent) == (0, 1, 1)
    assert week10.median_draft_to_decision == 15 * 3600


def test_events_before_the_range_only_start_cycles():
    start = at(0, 0)
    figures = metrics_compute(
        [created(8, at(-3, 9), at(-3, 9)), approved(8, at(0, 10)), sent(8, at(0, 10, 1))],
        minutes=MINUTES,
        period_of=lambda when: "range" if when >= start else None,
    )

    [(key, f)] = figures.items()
    assert key == ("reply", "range")
    assert (f.drafted, f.decided, f.sent, f.median_draft_to_decision) == (0, 1, 1, 73 * 3600)


def test_superseded_drafts_are_neither_decided_nor_errors():
    figures = weekly(
        [created(9, at(0, 9), at(0, 9)), EventRow("draft.superseded", at(0, 10), 9, {})]
    )

    reply = figures[("reply", "2026-W10")]
    assert (reply.drafted, reply.decided, reply.error_rate) == (1, 0, None)


def test_no_events_no_figures():
    assert weekly([]) == {}


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "-"), (0, "0 min"), (240, "4 min"), (5400, "1.5 h"), (3 * 86400, "3.0 days")],
)
def test_cycle_times_read_in_units_people_use(seconds, text):
    assert duration_text(seconds) == text
