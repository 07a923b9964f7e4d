"""How figures read in the digest and on the metrics page."""

from __future__ import annotations

from decimal import Decimal

from django import template

from mailagent.amounts import money as money_text
from mailagent.services.metrics import duration_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@register.filter
def duration(seconds: float | None) -> str:
    return duration_text(seconds)


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """'USD 1,234.50': an amount is never shown without its currency."""
    return "-" if amount is None else money_text(amount, currency)


@register.filter
def amounts(by_currency: dict[str, Decimal] | None) -> str:
    """Money per currency, like "EUR 80.00, USD 1,200.00"; "-" for none."""
    if not by_currency:
        return "-"
    return ", ".join(money_text(amount, code) for code, amount in sorted(by_currency.items()))


@register.filter
def hours(minutes: int | None) -> str:
    if not minutes:
        return "0 min"
    return f"{minutes} min" if minutes < 90 else f"{minutes / 60:.1f} h"


@register.filter
def number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


@register.filter
def bar(percent_of_largest: int, width: int = 20) -> str:
    """A bar of block characters for plain-text mail."""
    filled = round(percent_of_largest * width / 100)
    return "█" * filled + "·" * (width - filled)
