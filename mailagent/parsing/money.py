"""Amounts and dates as accounting exports write them. PURE.

Amounts are never guessed: a value that could be read two ways, or not at all, raises
`UnreadableValue` and the row is reported, not imported.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


class UnreadableValue(ValueError):
    """A cell that cannot be read with certainty; the message says what was wrong."""


def shown(text: str, *, limit: int = 40) -> str:
    """A cell quoted in a reason: its repr (control characters escaped), cut to `limit`."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


_SYMBOLS = re.compile(r"[$£€¥]|\b(USD|GBP|EUR|CAD|AUD|NZD|CHF)\b", re.IGNORECASE)
_US = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_EU = re.compile(r"^\d{1,3}(\.\d{3})+,\d{1,2}$|^\d+,\d{2}$")


def parse_amount(text: str) -> Decimal:
    """'1,234.50', '$1,234.50', '(250.00)', '-125.00', '125.00-', '1.234,50' -> Decimal."""
    raw = (text or "").strip()
    if not raw:
        raise UnreadableValue("the amount is empty")
    value = _SYMBOLS.sub("", raw).replace("\u00a0", "").replace(" ", "")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.startswith("-"):
        negative, value = not negative, value[1:]
    elif value.endswith("-"):
        negative, value = not negative, value[:-1]
    value = value.lstrip("+")
    if _US.match(value):
        number = value.replace(",", "")
    elif _EU.match(value):
        number = value.replace(".", "").replace(",", ".")
    else:
        raise UnreadableValue(
            f"the amount {shown(raw)} is not a number this importer can read safely"
        )
    try:
        amount = Decimal(number)
    except InvalidOperation as exc:
        raise UnreadableValue(f"the amount {shown(raw)} is not a number") from exc
    if not amount.is_finite():  # Decimal reads "NaN", "sNaN" and "Infinity" as numbers
        raise UnreadableValue(f"the amount {shown(raw)} is not a number")
    return -amount if negative else amount


_DATE_FORMATS = {
    "iso": ("%Y-%m-%d", "%Y/%m/%d"),
    "mdy": ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"),
    "dmy": ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"),
    "named": ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y"),
}


def date_order(values: list[str], default: str = "mdy") -> str:
    """Whether the numeric dates of one file are month-first or day-first, from the file itself:
    a first number over 12 settles it. With no such value, the export's own convention."""
    for value in values:
        found = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\s*$", value or "")
        if found:
            first, second = int(found.group(1)), int(found.group(2))
            if first > 12 >= second:
                return "dmy"
            if second > 12 >= first:
                return "mdy"
    return default


def parse_date(text: str, *, order: str = "mdy") -> date:
    raw = (text or "").strip()
    if not raw:
        raise UnreadableValue("the date is empty")
    for group in ("iso", order, "named"):
        for fmt in _DATE_FORMATS[group]:
            try:
                return datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
    raise UnreadableValue(f"the date {shown(raw)} is not in a format this importer knows")


def split_emails(text: str) -> tuple[str, ...]:
    """'a@x.example, b@x.example; c@x.example' -> three addresses, lower-cased, in order."""
    found = re.findall(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", text or "")
    return tuple(dict.fromkeys(e.lower() for e in found))
