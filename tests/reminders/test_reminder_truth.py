"""What a reminder says is true: its history comes from the sent mail, its money from the data, in
each amount's own currency, with a total per currency."""

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
    reminder_subject,
    reminder_text,
)

DUE = date(2026, 10, 1)
SCHEDULE = Schedule(friendly=3, firm=14, final=30, min_gap_days=7, first_contact_escalate_days=90)


def invoice(number="1051", balance="860.00", currency="USD", due=DUE, **kw) -> InvoiceFacts:
    return InvoiceFacts(
        number=number, currency=currency, balance=Decimal(balance), due_date=due, **kw
    )


def letter(*invoices: InvoiceFacts, days: int, history=()) -> tuple[str, object]:
    facts = CustomerFacts(
        name="Sunrise Bakery",
        emails=("hello@sunrise.example",),
        invoices=invoices,
        history=tuple(history),
    )
    today = DUE + timedelta(days=days)
    plan = reminder_plan(facts, today=today, schedule=SCHEDULE)
    assert plan.action is Action.DRAFT, plan.reason
    subject = reminder_subject(plan, business="Acme")
    body = reminder_text(plan, customer_name="Luis", business="Acme", today=today)
    return f"{subject}\n{body}", plan


def test_a_first_reminder_weeks_overdue_is_worded_as_a_first_contact():
    text, plan = letter(invoice(), days=45)

    assert plan.stage == "firm" and plan.first_contact
    assert text.startswith("Payment overdue: invoice 1051")
    for claim in ("second", "again", "we wrote", "still", "final notice", "previous"):
        assert claim not in text.lower()
    assert "the oldest now 45 days past due" in text
    assert reminder_problems(text, plan) == []


def test_a_second_reminder_names_the_date_the_first_was_sent():
    sent = SentReminder("friendly", DUE + timedelta(days=4))

    text, plan = letter(invoice(), days=20, history=[sent])

    assert text.startswith("Second reminder: payment overdue: invoice 1051")
    assert "We wrote to you about this on 05 Oct 2026." in text
    assert reminder_problems(text, plan) == []


def test_a_final_notice_names_every_earlier_reminder():
    history = [
        SentReminder("friendly", DUE + timedelta(4)),
        SentReminder("firm", DUE + timedelta(15)),
    ]

    text, plan = letter(invoice(), days=31, history=history)

    assert text.startswith("Final notice")
    assert "We wrote to you about this on 05 Oct 2026 and 16 Oct 2026." in text
    assert reminder_problems(text, plan) == []


@pytest.mark.parametrize(
    ("history", "edit", "problem"),
    [
        ((), ("Payment overdue", "Second reminder"), "says 'second', but no reminder was sent"),
        ((), ("Our records show", "As we wrote before, our records show"), "no reminder was sent"),
        ((), ("Our records show", "We are writing again: our records show"), "'again'"),
        ((), ("unpaid, the oldest", "still unpaid, the oldest"), "'still unpaid'"),
        ((), ("Payment overdue", "Final notice"), "'final notice', but no reminder"),
        (
            (SentReminder("friendly", DUE + timedelta(4)),),
            ("05 Oct 2026", "28 Sep 2026"),
            "the date 28 Sep 2026 is not in the data",
        ),
        (
            (SentReminder("friendly", DUE + timedelta(4)),),
            ("Second reminder", "Third reminder"),
            "says 'third', but 1 reminders were sent",
        ),
    ],
)
def test_the_validator_refuses_history_the_sent_mail_does_not_bear_out(history, edit, problem):
    text, plan = letter(invoice(), days=20 if history else 45, history=history)
    assert edit[0] in text

    problems = reminder_problems(text.replace(*edit), plan)

    assert any(problem in p for p in problems), problems


def test_two_currencies_get_a_total_each_and_are_never_added_up():
    text, plan = letter(
        invoice("1042", "1980.00", "USD"),
        invoice("2001", "612.40", "EUR"),
        invoice("CN-7", "-100.00", "EUR", is_credit=True),
        days=10,
    )

    assert plan.totals == (("EUR", Decimal("512.40")), ("USD", Decimal("1980.00")))
    assert "Total now due in EUR: EUR 512.40" in text
    assert "Total now due in USD: USD 1,980.00" in text
    assert "2,492.40" not in text and "2,592.40" not in text
    assert reminder_problems(text, plan) == []
    summed = text.replace("Total now due in USD: USD 1,980.00", "Total: USD 2,492.40")
    assert "USD 2,492.40 is not one of the customer's balances or totals" in " ".join(
        reminder_problems(summed, plan)
    )


def test_a_credit_in_one_currency_never_pays_an_invoice_in_another():
    text, plan = letter(
        invoice("1042", "300.00", "USD"),
        invoice("CN-7", "-900.00", "EUR", is_credit=True),
        days=10,
    )
    assert plan.totals == (("USD", Decimal("300.00")),)
    assert "Total now due: USD 300.00" in text


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (("USD 860.00", "EUR 860.00"), "EUR 860.00 is not one of"),
        (("USD 860.00", "860.00"), "written without its currency"),
        (("Total now due: USD 860.00", "Total now due: 860.00"), "written without its currency"),
    ],
)
def test_every_amount_must_carry_the_currency_of_the_data(edit, problem):
    text, plan = letter(invoice(), days=5)

    problems = reminder_problems(text.replace(*edit, 1), plan)

    assert any(problem in p for p in problems), problems


def test_amounts_are_written_with_their_currencys_own_decimals():
    text, plan = letter(invoice("7001", "325000", "JPY"), days=5)

    assert "Invoice 7001: JPY 325,000, due" in text
    assert "Total now due: JPY 325,000" in text
    assert reminder_problems(text, plan) == []


def test_a_first_contact_long_past_due_goes_to_a_person_with_the_reason():
    facts = CustomerFacts(name="Marina", emails=("a@marina.example",), invoices=(invoice(),))

    plan = reminder_plan(facts, today=DUE + timedelta(days=100), schedule=SCHEDULE)

    assert plan.action is Action.ESCALATE
    assert plan.reason.startswith("never reminded before and the oldest invoice is 100 days")
