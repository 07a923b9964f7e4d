"""What an imported value may be before it is stored. PURE.

One hostile cell must not poison the database: an amount of 35 digits, stored past its column's
precision, made every later read of the invoice table fail (reminders, the digest, the admin).
So each value is checked before it leaves the parser, and a value outside is an `UnreadableValue`:
its row is skipped with the reason, never stored altered.

The database's own limits (the digits and decimal places of an amount, the characters of a name)
come in as `FieldLimits`, which the importer reads from the model fields; what no export ever
holds (NaN, the year 9999, a NUL byte, an address no one can write to) is ruled out here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from mailagent.parsing.money import UnreadableValue, shown

# Dates an invoice can have. Wider would let `due_date + timedelta(...)` overflow near year 9999
# and turn year 1 into an invoice 740,000 days overdue; nothing a business invoices is older
# than 1970 or due after 2099.
EARLIEST = date(1970, 1, 1)
LATEST = date(2099, 12, 31)
# More addresses than this in one cell is not a customer's billing contact but a mailing list.
MAX_EMAILS = 10


@dataclass(frozen=True)
class AmountField:
    max_digits: int
    decimal_places: int

    @property
    def bound(self) -> Decimal:
        """The smallest magnitude the column can no longer hold."""
        return Decimal(10) ** (self.max_digits - self.decimal_places)


@dataclass(frozen=True)
class FieldLimits:
    """The columns an import writes: amounts, and the most characters of each text."""

    balance: AmountField
    total: AmountField
    number: int
    customer: int
    currency: int
    contact_name: int
    phone: int


def amount_checked(amount: Decimal, field: AmountField | None, *, what: str) -> Decimal:
    """`amount` as the column will hold it: to its decimal places, only when that is exact."""
    if not amount.is_finite():
        raise UnreadableValue(f"the {what} {amount} is not a number")
    if field is None:
        return amount
    # Checked before quantizing: 35 digits to the cent would exceed Decimal's own precision.
    if abs(amount) >= field.bound:
        largest = field.bound - Decimal(1).scaleb(-field.decimal_places)
        raise UnreadableValue(
            f"the {what} {shown(str(amount))} is larger than the largest amount kept ({largest:,})"
        )
    exact = amount.quantize(Decimal(1).scaleb(-field.decimal_places), rounding=ROUND_HALF_EVEN)
    if exact != amount:
        raise UnreadableValue(
            f"the {what} {shown(str(amount))} has more than {field.decimal_places} decimal "
            "places; it is not rounded, to keep the amount exact"
        )
    return exact


def date_checked(value: date, *, what: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise UnreadableValue(
            f"the {what} {value.isoformat()} is not a date an invoice can have "
            f"({EARLIEST.year} to {LATEST.year})"
        )
    return value


def is_control(ch: str) -> bool:
    """C0, DEL and C1 controls, and the bidi overrides and isolates, which reorder what a person
    reads (the "Trojan Source" trick)."""
    return (
        unicodedata.category(ch) == "Cc" or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"
    )


def _control(text: str) -> str | None:
    for ch in text:
        if ch == "\x00":
            return "a NUL byte"
        if is_control(ch):
            return f"a control character (U+{ord(ch):04X})"
    return None


def text_checked(value: str, *, what: str, max_length: int | None) -> str:
    """A text cell as it will be stored: no control characters (PostgreSQL refuses NUL; a line
    break in a name ends up in mail headers; a bidi override makes text read backwards), and no
    longer than its column (PostgreSQL refuses it; SQLite would keep it)."""
    found = _control(value)
    if found:
        raise UnreadableValue(f"the {what} {shown(value)} contains {found}")
    if max_length is not None and len(value) > max_length:
        raise UnreadableValue(
            f"the {what} is {len(value):,} characters long; at most {max_length} are kept"
        )
    return value


# A match starts only where a run of address characters starts (linear on a long cell).
_CANDIDATE = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}", re.ASCII)


def emails_checked(cell: str) -> tuple[str, ...]:
    """'a@x.example, b@x.example; Name <c@x.example>' -> the addresses, lower-cased, in order.

    A cell without an "@" ("n/a", "-") names no address. One with an "@" that is not part of an
    address a reminder can be sent to (plain ASCII, RFC 5321's lengths) is garbage: the row is
    skipped rather than imported with some of its addresses."""
    text_checked(cell, what="email cell", max_length=None)
    found = [a.lower() for a in _CANDIDATE.findall(cell)]
    if cell.count("@") != len(found):
        raise UnreadableValue(
            f"the email cell {shown(cell)} holds something that is not an address"
        )
    for address in found:
        local = address.rpartition("@")[0]
        if len(address) > 254 or len(local) > 64 or not _ADDRESS.fullmatch(address):
            raise UnreadableValue(
                f"the email {shown(address)} is not an address a reminder can be sent to"
            )
    unique = tuple(dict.fromkeys(found))
    if len(unique) > MAX_EMAILS:
        raise UnreadableValue(
            f"the email cell holds {len(unique)} addresses; at most {MAX_EMAILS} are kept"
        )
    return unique


_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)


def currency_checked(code: str, *, max_length: int | None) -> str:
    if not _CURRENCY.fullmatch(code) or (max_length is not None and len(code) > max_length):
        raise UnreadableValue(f"the currency {shown(code)} is not a three-letter currency code")
    return code
