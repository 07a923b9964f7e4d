"""Amounts and dates as accounting exports write them. PURE.

Amounts are never guessed: a value that could be read two ways, or not at all, raises
`UnreadableValue` and the row is reported, not imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from mailagent.parsing.currencies import Marker, marker_split
from mailagent.parsing.values import UnreadableValue, shown

_SIGNS = "-\u2212"  # a hyphen, or the minus sign
_SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_GROUPING = _SPACES + "'\u2019"  # and the Swiss apostrophe: never a decimal mark
_ASCII_DIGITS = "0123456789"
_INDIAN = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?", re.ASCII)  # 1,23,456.78


@dataclass(frozen=True)
class AmountText:
    """An amount cell as written: its currency marker, and what its digits can mean.

    `readings` maps the decimal mark a reading takes ("." or ",") to the amount read so; an
    unambiguous amount has one reading (under None when its digits say nothing of the mark, as
    `1234` or `1 234`), `1,234` has two. Which one holds is for the file to say (`value`)."""

    raw: str
    readings: dict[str | None, Decimal]
    marker: Marker | None = None

    @property
    def decimal_mark(self) -> str | None:
        """The decimal mark this amount shows beyond doubt, if it shows one."""
        return next(iter(self.readings)) if len(self.readings) == 1 else None

    def value(self, *, decimal_mark: str | None, minor_digits: int = 2) -> Decimal:
        """The amount, with the file's own decimal mark settling `1,234` and `1.234`. A
        currency without decimals (JPY, KRW) settles them too: `¥3,250` is 3250."""
        if len(self.readings) == 1:
            amount = next(iter(self.readings.values()))
        elif minor_digits == 0:
            amount = next(a for a in self.readings.values() if a.as_tuple().exponent == 0)
        elif decimal_mark in self.readings:
            amount = self.readings[decimal_mark]
        else:
            one, other = sorted(abs(a) for a in self.readings.values())
            raise UnreadableValue(
                f"the amount {shown(self.raw)} could be {one} or {other}, and the "
                "file's other amounts do not show whether ',' or '.' is its decimal mark"
            )
        if minor_digits == 0 and amount != amount.to_integral_value():
            raise UnreadableValue(f"the amount {shown(self.raw)} has decimals its currency has not")
        return amount


def _digits(text: str) -> bool:
    # Not str.isdigit(): it says yes to "³" and "٣", which are no digits of an amount here.
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def _peeled(raw: str) -> tuple[str, bool, Marker | None]:
    """The digits of `raw` once its sign, its parentheses and its currency marker are off."""
    value, signs, marker = raw.strip(_SPACES), 0, None
    while value:
        if value[0] == "(" and value[-1] == ")":
            value, signs = value[1:-1], signs + 1
        elif value[0] in _SIGNS:
            value, signs = value[1:], signs + 1
        elif value[-1] in _SIGNS:
            value, signs = value[:-1], signs + 1
        elif value[0] == "+":
            value = value[1:]
        else:
            found, before, after = marker_split(value)
            if found is None:
                break
            if marker is not None:
                raise UnreadableValue(f"the amount {shown(raw)} names two currencies")
            value, marker = before or after, found
        value = value.strip(_SPACES)
    if signs > 1:
        raise UnreadableValue(f"the amount {shown(raw)} is marked negative twice")
    return value, signs == 1, marker


def _readings(number: str) -> dict[str | None, Decimal] | None:
    """What the digits of an amount can mean, by the decimal mark; None if nothing."""
    if _digits(number):
        return {None: Decimal(number)}
    if _INDIAN.fullmatch(number):
        return {".": Decimal(number.replace(",", ""))}
    marks = [ch for ch in number if ch not in _ASCII_DIGITS]
    last = marks[-1]
    if last in ".," and marks.count(last) == 1:
        whole, fraction = number.rsplit(last, 1)
        grouped = _grouped(whole, set(marks[:-1]) - {last})
        if grouped is None or not _digits(fraction):
            return None
        decimal = Decimal(f"{grouped}.{fraction}")
        if marks == [last] and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            other = "." if last == "," else ","
            return {last: decimal, other: Decimal(whole + fraction)}  # 1,234 or 1.234
        if last == "," and len(fraction) != 2:
            return None  # a decimal comma is followed by the cents
        return {last: decimal}
    grouped = _grouped(number, set(marks))
    if grouped is None:
        return None
    # Repeated "," or "." can only be thousands: the decimal mark is the other one.
    mark = {",": ".", ".": ","}.get(last)
    return {mark: Decimal(grouped)}


def _grouped(whole: str, separators: set[str]) -> str | None:
    """The digits of `whole` when it is written in groups of three with one separator."""
    if not separators:
        return whole if _digits(whole) else None
    if len(separators) > 1:
        return None
    (separator,) = separators
    if separator not in _GROUPING + ".,":
        return None
    head, *groups = whole.split(separator)
    if not (_digits(head) and 1 <= len(head) <= 3 and head[0] != "0"):
        return None
    if not all(len(g) == 3 and _digits(g) for g in groups):
        return None
    return head + "".join(groups)


def read_amount(text: str) -> AmountText:
    """An amount cell as exports write it: '1,234.50', '£3,250.00', 'GBP 3,250.00', '3.250,00 EUR',
    '1 234,56', "1'234.56", '(250.00)', '-125.00', '125.00-'. Raises `UnreadableValue` for a
    cell that is not an amount; an ambiguous one (`1,234`) is returned with both readings."""
    raw = (text or "").strip()
    if not raw:
        raise UnreadableValue("the amount is empty")
    number, negative, marker = _peeled(raw)
    readings = _readings(number) if number and number[0] in _ASCII_DIGITS else None
    if readings is None:
        raise UnreadableValue(
            f"the amount {shown(raw)} is not a number this importer can read safely"
        )
    # Decimal reads "NaN", "sNaN" and "Infinity" as numbers; the grammar above never passes one.
    signed = {mark: -amount if negative else amount for mark, amount in readings.items()}
    return AmountText(raw, signed, marker)


def parse_amount(text: str) -> Decimal:
    """'1,234.50', '$1,234.50', '(250.00)', '-125.00', '125.00-', '1.234,50' -> Decimal, with
    any currency marker left off (its meaning is `mailagent.parsing.currencies`'s)."""
    return read_amount(text).value(decimal_mark=None)


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


# A match starts only where a run of address characters starts (linear on a long cell).
_EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def split_emails(text: str) -> tuple[str, ...]:
    """'a@x.example, b@x.example; c@x.example' -> three addresses, lower-cased, in order."""
    found = _EMAIL.findall(text or "")
    return tuple(dict.fromkeys(e.lower() for e in found))
