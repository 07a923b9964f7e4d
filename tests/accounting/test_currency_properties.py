"""Property: any export the strategies write is read back exactly, every number, currency and date.

The run in the suite is small and seeded (the same examples every time). For a larger, random
run: `CURRENCY_PROPERTY_EXAMPLES=5000 .venv/bin/python bench/currency_properties.py`, or set
`CURRENCY_PROPERTY_EXAMPLES` (and `CURRENCY_PROPERTY_RANDOM=1` for new examples each run) on
`pytest tests/accounting/test_currency_properties.py`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from mailagent.parsing.accounting import parse_export
from mailagent.services.invoices import export_limits
from tests.accounting.strategies import (
    DEFAULT_CURRENCY,
    export_files,
    invoice_list,
    qbo_aging,
    xero_aging,
)

EXAMPLES = int(os.environ.get("CURRENCY_PROPERTY_EXAMPLES", "40"))
RANDOM = os.environ.get("CURRENCY_PROPERTY_RANDOM") == "1"
property_settings = settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,  # the first example builds the currency tables (about a second)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def read_back(data: bytes) -> list[tuple]:
    export = parse_export(data, default_currency=DEFAULT_CURRENCY, limits=export_limits())
    assert export.skipped == (), export.skipped
    return [
        (r.number, r.customer, r.balance, r.currency, r.due_date, r.is_credit)
        for r in export.invoices
    ]


def rows_of(expected) -> list[tuple]:
    return [
        (e.number, e.customer, e.balance, e.currency, e.due_date, e.is_credit) for e in expected
    ]


@property_settings
@given(export_files())
def test_every_export_is_read_back_exactly(export):
    data, expected = export
    assert read_back(data) == rows_of(expected)


@settings(property_settings, max_examples=max(10, EXAMPLES // 4))
@given(invoice_list())
def test_every_invoice_list_is_read_back_exactly(export):
    data, expected = export
    assert read_back(data) == rows_of(expected)


@settings(property_settings, max_examples=max(10, EXAMPLES // 4))
@given(qbo_aging())
def test_every_quickbooks_aging_report_is_read_back_exactly(export):
    data, expected = export
    assert read_back(data) == rows_of(expected)


@settings(property_settings, max_examples=max(10, EXAMPLES // 4))
@given(xero_aging())
def test_every_xero_aging_report_is_read_back_exactly(export):
    data, expected = export
    assert read_back(data) == rows_of(expected)
