"""What the model cost, from the same trail as the five numbers: the tokens each model call's
`ticket.triaged` event counts, summed per week. Pure computation, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailagent.services.metrics import EventRow, MinutesPerTask, metrics_compute

MINUTES = MinutesPerTask(reply=6, reminder=10, triage=2)
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


def triaged(n: int, **details) -> EventRow:
    return EventRow("ticket.triaged", MONDAY + timedelta(hours=n), n, details)


def test_tokens_are_summed_over_the_calls_a_model_answered_and_the_rules_cost_none():
    events = [
        triaged(1, backend="openai:m", prompt_tokens=900, completion_tokens=120),
        triaged(2, backend="openai:m", prompt_tokens=1100, completion_tokens=80),
        # The model answered but its JSON was malformed: the rules drafted, the tokens were spent.
        triaged(3, backend="rules", prompt_tokens=1000, completion_tokens=40),
        triaged(4, backend="rules", prompt_tokens=0, completion_tokens=0),
        triaged(5),  # an event written before token counts were audited
    ]
    figures = metrics_compute(events, minutes=MINUTES, period_of=lambda _at: "w")[("reply", "w")]
    assert figures.triaged == 5
    assert figures.model_calls == 3
    assert (figures.prompt_tokens, figures.completion_tokens) == (3000, 240)
    assert figures.tokens == 3240
