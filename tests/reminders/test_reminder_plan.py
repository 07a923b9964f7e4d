"""The reminder schedule on fixed dates: the clock is an argument."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from mailagent.agents.reminders import (
    Action,
    CustomerFacts,
    InvoiceFacts,
    Schedule,
    SentReminder,
    reminder_plan,
    reminder_problems,
    reminder_text,
)

DUE = date(2026, 11, 1)
SCHEDULE = Schedule(friendly=3, firm=14, final=30, min_gap_days=7)


def invoice(number="1051", balance="860.00", due=DUE, **kw) -> InvoiceFacts:
    return InvoiceFacts(number=number, currency="USD", balance=Decimal(balance), due_date=due, **kw)


def customer(*invoices, **kw) -> CustomerFacts:
    return CustomerFacts(
        name="Sunrise Bakery", emails=kw.pop("emails", ("hello@sunrise.example",)),
        invoices=invoices, **kw,
    )  # fmt: skip


def sent(*stages: tuple[str, int]) -> tuple[SentReminder, ...]:
    """Reminders on the record: (stage, days after the due date it was sent)."""
    return tuple(SentReminder(stage, DUE + timedelta(days)) for stage, days in stages)


def plan_on(days_after_due: int, facts: CustomerFacts):
    return reminder_plan(facts, today=DUE + timedelta(days=days_after_due), schedule=SCHEDULE)


@pytest.mark.parametrize(
    ("days", "action", "stage"),
    [
        (0, Action.SKIP, ""),
        (2, Action.SKIP, ""),
        (3, Action.DRAFT, "friendly"),
        (13, Action.DRAFT, "friendly"),
        (14, Action.DRAFT, "firm"),
        (45, Action.DRAFT, "firm"),  # never reminded before: a final notice needs a first one
    ],
)
def test_first_reminder_stage_follows_the_days_overdue(days, action, stage):
    plan = plan_on(days, customer(invoice()))
    assert (plan.action, plan.stage) == (action, stage)


def test_the_sequence_escalates_each_stage_once_then_goes_to_a_person():
    sent_friendly = customer(invoice(), history=sent(("friendly", 3)))
    assert plan_on(8, sent_friendly).reason.startswith("reminded 5 day(s) ago")
    assert plan_on(14, sent_friendly).stage == "firm"
    # Still inside the friendly window but the gap has passed: the next stage, not a repeat.
    assert plan_on(11, sent_friendly).stage == "firm"
    sent_firm = customer(invoice(), history=sent(("friendly", 3), ("firm", 14)))
    assert plan_on(30, sent_firm).stage == "final"
    sent_final = customer(invoice(), history=sent(("friendly", 3), ("firm", 14), ("final", 30)))
    assert plan_on(33, sent_final).action is Action.SKIP
    escalation = plan_on(37, sent_final)
    assert escalation.action is Action.ESCALATE
    assert escalation.reason == "the final notice went unanswered"


def test_one_plan_covers_every_overdue_invoice_net_of_credits():
    facts = customer(
        invoice("1042", "1980.00", due=date(2026, 10, 14)),
        invoice("1051", "860.00"),
        invoice("1060", "500.00", due=date(2026, 12, 20)),  # not yet due
        invoice("CM-3", "-100.00", due=date(2026, 10, 1), is_credit=True),
    )
    plan = plan_on(5, facts)
    assert [i.number for i in plan.overdue] == ["1042", "1051"]
    assert [c.number for c in plan.credits] == ["CM-3"]
    assert plan.totals == (("USD", Decimal("2740.00")),)


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (customer(invoice(balance="0.00")), "nothing overdue"),
        (customer(), "nothing overdue"),
        (customer(invoice(), invoice("9", "5.00", disputed=True)), "disputed: 9"),
        (
            customer(invoice(), invoice("CM-1", "-900.00", is_credit=True)),
            "credits cover what is overdue",
        ),
        (customer(invoice(), paused_reason="customer asked"), "reminders paused: customer asked"),
        (customer(invoice(paused=True)), "nothing overdue"),
        (customer(invoice(), pending_draft=True), "a reminder is already waiting for approval"),
    ],
)
def test_nobody_is_chased_who_should_not_be(facts, reason):
    plan = plan_on(20, facts)
    assert plan.action is Action.SKIP
    assert plan.reason.startswith(reason)


def test_a_customer_with_no_email_is_escalated_not_skipped():
    plan = plan_on(20, customer(invoice(), emails=()))
    assert plan.action is Action.ESCALATE and plan.reason == "no email address on file"


def test_the_text_shows_every_figure_exactly_and_passes_the_validator():
    facts = customer(
        invoice("1042", "1980.00", due=date(2026, 10, 14)),
        invoice("1051", "860.00"),
        invoice("CM-3", "-100.00", due=date(2026, 10, 1), is_credit=True),
    )
    today = DUE + timedelta(days=23)
    plan = reminder_plan(facts, today=today, schedule=SCHEDULE)
    text = reminder_text(plan, customer_name="Luis", business="Acme Supplies", today=today)
    assert "Invoice 1042: USD 1,980.00, due 14 Oct 2026, 41 days overdue" in text
    assert "Invoice 1051: USD 860.00, due 01 Nov 2026, 23 days overdue" in text
    assert "Credit CM-3: USD -100.00" in text
    assert "Total now due: USD 2,740.00" in text
    assert reminder_problems(text, plan, other_numbers=frozenset({"1068"})) == []


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (("USD 860.00", "USD 806.00"), "USD 806.00 is not one of"),
        (("Invoice 1051", "Invoice 1015"), "invoice 1051 is missing"),
        (("2,740.00", "2,470.00"), "total due"),
        (
            ("Kind regards", "See also invoice 1068.\n\nKind regards"),
            "1068 belongs to someone else",
        ),
    ],
)
def test_the_validator_refuses_any_figure_that_is_not_exactly_theirs(edit, problem):
    facts = customer(invoice("1042", "1880.00", due=date(2026, 10, 14)), invoice("1051", "860.00"))
    today = DUE + timedelta(days=5)
    plan = reminder_plan(facts, today=today, schedule=SCHEDULE)
    text = reminder_text(plan, customer_name="Luis", business="Acme", today=today)
    bad = text.replace(*edit)
    problems = reminder_problems(bad, plan, other_numbers=frozenset({"1068"}))
    assert any(problem in p for p in problems), problems
