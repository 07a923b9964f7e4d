"""Money as every page, mail and draft writes it: the ISO code, then the amount with that
currency's own number of decimals (babel's CLDR data: JPY none, BHD three, most two). PURE.

One way of writing an amount keeps the reminder validator simple (it looks for exactly this text)
and means an amount is never shown without its currency.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_precision


def figure(amount: Decimal, currency: str) -> str:
    """'1,234.50' for USD, '325,000' for JPY: the number alone, as `money` writes it."""
    return f"{amount:,.{get_currency_precision(currency)}f}"


def money(amount: Decimal, currency: str) -> str:
    """'USD 1,234.50'."""
    return f"{currency} {figure(amount, currency)}"
