"""A row's amounts with their currency: the cells, the currency column, the report. PURE.

The currency of every amount comes from the data (`mailagent.parsing.currencies`); which of `,`
and `.` is the decimal mark comes from the file's own amounts, read together: one `1.234,56`
settles that `1.234` is a thousand and more. A file whose amounts show both marks, or neither,
settles nothing, and an amount that could be read either way is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mailagent.parsing.currencies import CurrencyRules, minor_digits, row_currency
from mailagent.parsing.money import AmountText, read_amount
from mailagent.parsing.values import UnreadableValue


@dataclass(frozen=True)
class AmountRules:
    """What one file settles for each of its rows: the currency rules and its decimal mark."""

    currency: CurrencyRules = field(default_factory=CurrencyRules)
    decimal_mark: str | None = None


@dataclass(frozen=True)
class RowAmounts:
    balance: Decimal
    total: Decimal | None
    currency: str
    currency_source: str


def decimal_mark_of(cells: Iterable[str]) -> str | None:
    """The decimal mark a file's amount cells show, when they show one and only one."""
    marks = set()
    for cell in cells:
        try:
            mark = read_amount(cell).decimal_mark if cell.strip() else None
        except UnreadableValue:
            continue
        if mark is not None:
            marks.add(mark)
    return marks.pop() if len(marks) == 1 else None


def row_amounts(
    *, balance: str, total: str, currency_column: str, rules: AmountRules
) -> RowAmounts:
    """The balance (and total, when given) of one row, in the row's one currency. Raises
    `UnreadableValue` when a cell is not an amount, could be read two ways, or the row's
    currency cannot be told."""
    balance_text = read_amount(balance)
    total_text = read_amount(total) if total else None
    cells = [a for a in (balance_text, total_text) if a is not None]
    markers = [a.marker for a in cells if a.marker is not None]
    currency, source = row_currency(currency_column, markers, rules.currency)
    digits = minor_digits(currency)
    return RowAmounts(
        balance=_value(balance_text, rules, digits),
        total=_value(total_text, rules, digits) if total_text is not None else None,
        currency=currency,
        currency_source=source,
    )


def _value(amount: AmountText, rules: AmountRules, digits: int) -> Decimal:
    return amount.value(decimal_mark=rules.decimal_mark, minor_digits=digits)
