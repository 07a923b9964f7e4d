"""The report's four parts, kept apart: what changed (facts), why it might have changed (each
marked as a guess), what to watch, and what needs a person. PURE.

The guesses are rules a bookkeeper would try first, stated as possibilities beside the figures
they rest on; they never claim a cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mailagent.amounts import money
from mailagent.workflows.kpi.compare import (
    Compared,
    biggest_changes,
    by_key,
    change_text,
    moved,
    shown,
)
from mailagent.workflows.kpi.figures import AgingRow

GUESS = "Guess: "


def _n(count: int, noun: str, plural: str = "") -> str:
    """'1 invoice', '2 invoices'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


@dataclass(frozen=True)
class Waiting:
    """What waits for a person as the report is written (not as the week ended)."""

    escalated_open: int = 0
    drafts_pending: int = 0
    oldest_pending_hours: float | None = None
    disputed: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    unanswered: int = 0  # tickets opened in the week still without a reply sent
    problems: tuple[str, ...] = ()  # exports that could not be read, held ones


def what_changed(rows: list[Compared]) -> list[str]:
    called = biggest_changes(rows)
    if not called:
        return ["Nothing moved: every figure is where its four-week average is."]
    return [change_text(row) for row in called]


def _two_weeks(rows: dict[str, Compared], key: str) -> int:
    row = rows.get(key)
    return int((row.this or 0) + (row.last or 0)) if row else 0


def _money_guesses(rows: dict[str, Compared], currency: str) -> list[str]:
    guesses = []
    collected = rows.get(f"collected:{currency}")
    reminders = _two_weeks(rows, "reminders_sent")
    if moved(collected, "up") and reminders:
        guesses.append(
            f"Collected ({currency}) is up; the {_n(reminders, 'payment reminder')} sent in the "
            "last two weeks may have brought payments in."
        )
    elif moved(collected, "down") and not reminders:
        guesses.append(
            f"Collected ({currency}) is down and no reminders went out in the last two weeks: "
            "overdue customers may simply not have been reminded."
        )
    outstanding = rows.get(f"outstanding:{currency}")
    if moved(outstanding, "up", by=0.1):
        if moved(rows.get(f"invoiced:{currency}"), "up"):
            guesses.append(
                f"Outstanding ({currency}) grew with more invoicing than usual, which need not "
                "mean customers pay more slowly."
            )
        else:
            guesses.append(
                f"Outstanding ({currency}) grew without more invoicing than usual: customers "
                "may be paying more slowly."
            )
    return guesses


def _support_guesses(rows: dict[str, Compared]) -> list[str]:
    guesses = []
    received = rows.get("tickets_received")
    if moved(received, "up", by=0.25) and moved(rows.get("first_response_hours"), "up"):
        guesses.append(
            f"More mail came in than usual ({shown(received.this, received.figure)} tickets "
            "against an average of "
            f"{shown(received.average, received.figure)}); that may be why first replies took "
            "longer."
        )
    if moved(rows.get("orders"), "up") and moved(received, "up"):
        guesses.append("More orders than usual may have brought more questions with them.")
    if moved(rows.get("minutes_saved"), "down") and moved(received, "down"):
        guesses.append("Less mail came in, so there was less for the agent to save time on.")
    corrected = [rows.get("drafts_edited"), rows.get("drafts_rejected")]
    if any(moved(r, "up", by=0.5) for r in corrected):
        guesses.append(
            "People edited or rejected more drafts than usual: the drafts may be missing "
            "something they keep adding (the edits are in the audit trail)."
        )
    return guesses


def _sales_guesses(rows: dict[str, Compared]) -> list[str]:
    guesses = []
    orders = rows.get("orders")
    for key, row in rows.items():
        if not key.startswith("revenue:") or not moved(row, "down"):
            continue
        if moved(orders, "down"):
            guesses.append(f"{row.figure.name} fell with the number of orders, not their size.")
        else:
            guesses.append(
                f"{row.figure.name} fell while orders held up: smaller orders or more discounts "
                "may be why."
            )
    return guesses


def why_it_changed(rows: list[Compared], currencies: list[str]) -> list[str]:
    keyed = by_key(rows)
    guesses = [g for c in currencies for g in _money_guesses(keyed, c)]
    guesses += _support_guesses(keyed) + _sales_guesses(keyed)
    if not guesses:
        return [GUESS + "none: nothing moved far enough from its four-week average to explain."]
    return [GUESS + g for g in guesses]


def _rising_twice(row: Compared) -> bool:
    values = [v for v in row.history[-3:] if v is not None]
    return len(values) == 3 and values[0] < values[1] < values[2]


def what_to_watch(rows: list[Compared], aging: dict[str, list[AgingRow]]) -> list[str]:
    watch = []
    for row in rows:
        if row.figure.key.startswith("dso:") and _rising_twice(row):
            steps = " → ".join(shown(v, row.figure) for v in row.history[-3:])
            watch.append(f"{row.figure.name} has risen two weeks running: {steps}.")
    for currency, buckets in aging.items():
        soon = buckets[-2] if len(buckets) > 1 else None
        if soon is not None and soon.amount > 0:
            watch.append(
                f"{money(soon.amount, currency)} on {_n(soon.count, 'invoice')} is {soon.label} "
                "overdue: it passes 90 days within the month unless it is paid."
            )
    keyed = by_key(rows)
    escalated = keyed.get("tickets_escalated")
    if moved(escalated, "up", by=0.5):
        watch.append(change_text(escalated))
    response = keyed.get("first_response_hours")
    if response is not None and response.this is not None and response.this > 24:
        watch.append(
            f"Half the first replies took more than {shown(response.this, response.figure)}."
        )
    called = {r.figure.key for r in biggest_changes(rows)}
    for row in rows:
        if (
            row.figure.key in called
            and row.for_the_better is False
            and change_text(row) not in watch
        ):
            watch.append(f"Moving the wrong way: {change_text(row)}")
    return watch or ["Nothing stands out to watch."]


def needs_a_person(waiting: Waiting, aging: dict[str, list[AgingRow]]) -> list[str]:
    needs = list(waiting.problems)
    if waiting.escalated_open:
        tickets = _n(waiting.escalated_open, "escalated ticket")
        needs.append(
            f"{tickets} {'waits' if waiting.escalated_open == 1 else 'wait'} for a person."
        )
    if waiting.drafts_pending:
        oldest = waiting.oldest_pending_hours
        age = f", the oldest for {oldest:.0f} h" if oldest is not None else ""
        waits = "waits" if waiting.drafts_pending == 1 else "wait"
        needs.append(f"{_n(waiting.drafts_pending, 'draft')} {waits} for approval{age}.")
    if waiting.unanswered:
        has = "has" if waiting.unanswered == 1 else "have"
        needs.append(
            f"{_n(waiting.unanswered, 'ticket')} opened in the week {has} had no reply yet."
        )
    for currency, buckets in aging.items():
        late = buckets[-1]
        if late.amount > 0:
            needs.append(
                f"{money(late.amount, currency)} on {_n(late.count, 'invoice')} is more than 90 "
                "days overdue: a person should call, not another reminder."
            )
    for currency, (amount, count) in sorted(waiting.disputed.items()):
        needs.append(
            f"{money(amount, currency)} on {_n(count, 'disputed invoice')} waits to be settled."
        )
    return needs or ["Nothing: no escalations, drafts, disputes or unreadable exports wait."]
