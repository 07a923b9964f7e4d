"""Comparing a week with the four before it, and writing it down: pure values in, sentences out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mailagent.workflows.kpi.compare import Compared, biggest_changes, change_text
from mailagent.workflows.kpi.figures import COUNT, MONEY, Figure
from mailagent.workflows.kpi.narrative import Waiting, needs_a_person, why_it_changed
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_run

COLLECTED = Figure("collected:USD", "Collected", "Money", MONEY, "imports", "week", "up", "USD")
RECEIVED = Figure("tickets_received", "Tickets received", "Support", COUNT, "tickets", "week")
REMINDERS = Figure("reminders_sent", "Payment reminders sent", "Drafts", COUNT, "trail", "week")


def row(figure: Figure, *values) -> Compared:
    return Compared(figure, tuple(Decimal(v) if isinstance(v, str) else v for v in values))


def test_the_average_is_of_the_four_weeks_before_and_the_change_is_against_it():
    collected = row(COLLECTED, "100.00", "200.00", "300.00", "400.00", "500.00")

    assert collected.average == Decimal("250.00")
    assert change_text(collected) == (
        "Collected (USD): USD 500.00 this week, up 100% on the four-week average "
        "(USD 250.00); last week USD 400.00."
    )


def test_the_biggest_changes_are_called_out_and_small_ones_are_not():
    rows = [
        row(COLLECTED, "100.00", "100.00", "100.00", "100.00", "103.00"),  # 3%: not called out
        row(RECEIVED, 2, 2, 2, 2, 8),
        row(REMINDERS, 0, 0, 0, 0, 2),
    ]

    assert [r.figure.key for r in biggest_changes(rows)] == ["tickets_received", "reminders_sent"]
    assert change_text(rows[2]) == (
        "Payment reminders sent: 2 this week, against none in the four weeks before."
    )


def test_every_explanation_is_marked_as_a_guess():
    rows = [
        row(COLLECTED, "100.00", "100.00", "100.00", "100.00", "400.00"),
        row(REMINDERS, 0, 0, 0, 1, 2),
    ]

    guesses = why_it_changed(rows, ["USD"])

    assert guesses == [
        "Guess: Collected (USD) is up; the 3 payment reminders sent in the last two weeks may "
        "have brought payments in."
    ]
    assert why_it_changed([row(RECEIVED, 1, 1, 1, 1, 1)], []) == [
        "Guess: none: nothing moved far enough from its four-week average to explain."
    ]


def test_what_needs_a_person_lists_unreadable_exports_first():
    needs = needs_a_person(Waiting(drafts_pending=2, problems=("Sales export x.csv: why",)), {})

    assert needs == ["Sales export x.csv: why", "2 drafts wait for approval."]


@pytest.mark.django_db
def test_a_run_that_breaks_is_on_the_record_as_failed_and_the_error_is_raised(kpi, monkeypatch):
    from mailagent.workflows import kpi as report

    def broken(**_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "gather", broken)

    with pytest.raises(RuntimeError, match="disk full"):
        workflow_run(name="kpi_report", options={"week": "2026-W48"})
    run = WorkflowRun.objects.get()
    assert run.status == WorkflowRun.Status.FAILED and run.errors == ["RuntimeError('disk full')"]
    assert run.finished_at is not None
