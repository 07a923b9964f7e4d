"""Property: whatever export is imported, the reminders drafted from it state only the data.

Each example imports a generated export (`tests.accounting.strategies`: every supported shape,
random customers, currencies, separators, credits and dates), runs the reminders on a random day
after it, and reads every draft back: every amount with its currency equals an invoice, a credit
or that customer's total in that currency, computed here from the generated rows; there is one
total per currency and never a sum across currencies; every date is one of the customer's due
dates; and since nothing was ever sent, no draft speaks of an earlier reminder.

Seeded and small in the suite. A larger random run: `CURRENCY_PROPERTY_EXAMPLES=500
CURRENCY_PROPERTY_RANDOM=1 .venv/bin/python -m pytest tests/reminders/test_reminder_properties.py`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from mailagent.agents.reminders import history_problems
from mailagent.amounts import money
from mailagent.models import Customer, Draft
from mailagent.services.invoices import customer_key, export_import
from mailagent.services.reminders import reminders_run
from tests.accounting.strategies import DEFAULT_CURRENCY, ExpectedRow, export_files
from tests.accounting.test_currency_properties import property_settings

pytestmark = pytest.mark.django_db

_MONEY = re.compile(r"\b([A-Z]{3}) (-?[\d,]+(?:\.\d+)?)")
_DATE = re.compile(r"\b\d{2} [A-Z][a-z]{2} \d{4}\b")


class _Rollback(Exception):
    """Ends an example: each one starts from an empty database."""


def _facts(rows: list[ExpectedRow], today) -> tuple[set, dict[str, Decimal]]:
    """The (currency, amount) pairs a customer's reminder may show, and its totals."""
    overdue = [r for r in rows if not r.is_credit and r.balance > 0 and r.due_date < today]
    credits = [r for r in rows if r.is_credit and r.balance < 0]
    totals = {}
    for currency in {r.currency for r in overdue}:
        net = sum(r.balance for r in overdue + credits if r.currency == currency)
        if net > 0:
            totals[currency] = net
    shown = {(r.currency, abs(r.balance)) for r in overdue + credits if r.currency in totals}
    shown |= {(r.currency, r.balance) for r in credits if r.currency in totals}
    return shown | set(totals.items()), totals


@settings(property_settings, max_examples=max(10, property_settings.max_examples // 2))
@given(export=export_files(), days=st.integers(min_value=3, max_value=85))
def test_every_reminder_states_exactly_the_data(export, days):
    data, expected = export
    invoices = [r for r in expected if not r.is_credit]
    if not invoices:
        return
    # From the oldest due date on, within the span a first reminder is drafted for (3 to 85 days
    # overdue; from REMINDER_FIRST_CONTACT_ESCALATE_DAYS a person is asked instead).
    today = min(r.due_date for r in invoices) + timedelta(days=days)
    try:
        with transaction.atomic():
            export_import(
                data=data, file_name="export.csv", today=today, default_currency=DEFAULT_CURRENCY
            )
            Customer.objects.update(emails=["accounts@customer.example"])
            reminders_run(today=today)
            for draft in Draft.objects.filter(kind=Draft.Kind.REMINDER).select_related("customer"):
                rows = [r for r in expected if customer_key(r.customer) == draft.customer.key]
                _check(draft, rows, today)
            raise _Rollback
    except _Rollback:
        pass


def _check(draft: Draft, rows: list[ExpectedRow], today) -> None:
    text = f"{draft.subject}\n{draft.body}"
    allowed, totals = _facts(rows, today)
    shown = {(c, Decimal(a.replace(",", ""))) for c, a in _MONEY.findall(text)}
    assert shown <= allowed, (shown - allowed, text)
    for currency, total in totals.items():
        assert money(total, currency) in text, (currency, total, text)
    assert text.count("Total now due") == len(totals)
    if len(totals) > 1:
        across = sum(totals.values())
        assert f" {across:,.2f}" not in text or any(across == a for _, a in allowed)
    dates = {f"{r.due_date:%d %b %Y}" for r in rows}
    assert set(_DATE.findall(text)) <= dates, text
    assert history_problems(text, ()) == [], text
