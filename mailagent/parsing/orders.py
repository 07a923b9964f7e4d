"""A shop's order exports -> orders. PURE: bytes in, values out.

Recognised by content, like the accounting exports (`mailagent.parsing.accounting`), never by
file name:

- Shopify's orders export (Admin > Orders > Export): one row per line item; an order's own
  fields (Financial Status, Currency, Total, Refunded Amount, Cancelled at) only on its first
  row, the rows after it repeating its Name. `Created at` carries its UTC offset.
- WooCommerce's Analytics > Orders download: one row per order, `Date` in the shop's own time,
  `Net Sales` after discounts and refunds, before tax and shipping, in the shop's currency, which
  the file does not name.
- WooCommerce's order export (the Order Export & Import plugin's snake_case columns):
  order_number, order_date, status (`wc-completed`), order_total, order_currency.

A report counts a file whole or not at all: a row that cannot be read with certainty refuses the
file (`UnreadableOrders`, with the line and the reason), never a part of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from mailagent.errors import UserInputError
from mailagent.parsing.amounts import decimal_mark_of
from mailagent.parsing.currencies import code_checked, minor_digits
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.money import read_amount
from mailagent.parsing.values import UnreadableValue, shown


class OrderFormat(StrEnum):
    SHOPIFY = "Shopify orders export"
    WOO_ANALYTICS = "WooCommerce Analytics orders report"
    WOO_EXPORT = "WooCommerce order export"


#: What each format's revenue is, for the report's sources.
REVENUE_MEANS: dict[OrderFormat, str] = {
    OrderFormat.SHOPIFY: "Total less Refunded Amount (tax and shipping included)",
    OrderFormat.WOO_ANALYTICS: "Net Sales (after discounts and refunds, before tax and shipping)",
    OrderFormat.WOO_EXPORT: "order_total (tax and shipping included)",
}

# The columns that make each format, as the header writes them (lower case, single spaces).
_REQUIRED: dict[OrderFormat, frozenset[str]] = {
    OrderFormat.SHOPIFY: frozenset({"name", "financial status", "created at", "total"}),
    OrderFormat.WOO_ANALYTICS: frozenset({"date", "order #", "status", "net sales"}),
    OrderFormat.WOO_EXPORT: frozenset({"order_number", "order_date", "status", "order_total"}),
}
_COUNTED_WOO = frozenset({"completed", "processing", "on-hold"})
_NOT_COUNTED_SHOPIFY = frozenset({"voided"})


class UnreadableOrders(UserInputError):
    """An order export that cannot be counted; the message says where and why."""


@dataclass(frozen=True)
class Order:
    number: str
    placed_at: datetime  # timezone-aware
    currency: str
    revenue: Decimal
    status: str
    counted: bool  # an order that stands: not cancelled, voided, failed or unpaid
    line: int


@dataclass(frozen=True)
class ParsedOrders:
    format: OrderFormat
    orders: tuple[Order, ...]
    currency_source: str


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().lower().split())


def _header(rows: list[list[str]]) -> tuple[int, OrderFormat, dict[str, int]]:
    for at, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for index, cell in enumerate(row):
            columns.setdefault(_norm(cell), index)
        for fmt, required in _REQUIRED.items():
            if required <= columns.keys():
                return at, fmt, columns
    found = one_line(", ".join(c for c in (rows[0] if rows else []) if c.strip()) or "none")
    raise UnreadableOrders(
        "This file is not a shop order export the report can read. It needs Shopify's orders "
        "export (Name, Financial Status, Created at, Total), WooCommerce's Analytics orders "
        "download (Date, Order #, Status, Net Sales) or a WooCommerce order export "
        f"(order_number, order_date, status, order_total). Columns found: {found[:200]}."
    )


_SHOPIFY_TIME = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z")
_LOCAL_TIME = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _moment(text: str, *, tz: tzinfo) -> datetime:
    raw = text.strip()
    for fmt in _SHOPIFY_TIME:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
        for fmt in _LOCAL_TIME:
            try:
                moment = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise UnreadableValue(f"the date {shown(raw)} is not a date and time the report can read")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


@contextmanager
def _at(line: int) -> Iterator[None]:
    """A cell's problem, said with the line it is on."""
    try:
        yield
    except UnreadableValue as exc:
        raise UnreadableValue(f"line {line}: {exc}") from None


def _amount(text: str, *, currency: str, mark: str | None) -> Decimal:
    return read_amount(text).value(decimal_mark=mark, minor_digits=minor_digits(currency))


@dataclass(frozen=True)
class _Sheet:
    body: list[tuple[int, list[str]]]
    columns: dict[str, int]
    tz: tzinfo
    default_currency: str

    def cell(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    def mark(self, *names: str) -> str | None:
        return decimal_mark_of(self.cell(row, n) for _, row in self.body for n in names)


def _shopify(sheet: _Sheet) -> tuple[list[Order], str]:
    orders: dict[str, Order] = {}
    mark = sheet.mark("total", "refunded amount")
    for line, row in sheet.body:
        number = sheet.cell(row, "name")
        if not number and not any(c.strip() for c in row):
            continue
        if not number:
            raise UnreadableValue(f"line {line} names no order (its Name is empty)")
        if number in orders or not sheet.cell(row, "financial status"):
            continue  # another line item of an order already read
        with _at(line):
            orders[number] = _shopify_order(sheet, row, number=number, line=line, mark=mark)
    return list(orders.values()), "from the Currency column"


def _shopify_order(
    sheet: _Sheet, row: list[str], *, number: str, line: int, mark: str | None
) -> Order:
    currency = code_checked(sheet.cell(row, "currency").upper())
    total = _amount(sheet.cell(row, "total"), currency=currency, mark=mark)
    refunded_text = sheet.cell(row, "refunded amount")
    refunded = _amount(refunded_text, currency=currency, mark=mark) if refunded_text else 0
    status = sheet.cell(row, "financial status").lower()
    cancelled = bool(sheet.cell(row, "cancelled at"))
    return Order(
        number=number,
        placed_at=_moment(sheet.cell(row, "created at"), tz=sheet.tz),
        currency=currency,
        revenue=total - refunded,
        status="cancelled" if cancelled else status,
        counted=not cancelled and status not in _NOT_COUNTED_SHOPIFY,
        line=line,
    )


def _woo(sheet: _Sheet, *, number: str, date: str, amount: str, currency: str) -> list[Order]:
    orders: dict[str, Order] = {}
    mark = sheet.mark(amount)
    for line, row in sheet.body:
        if not any(c.strip() for c in row):
            continue
        key = sheet.cell(row, number)
        if not key:
            raise UnreadableValue(f"line {line} names no order (its {number} is empty)")
        if key in orders:
            raise UnreadableValue(
                f"order {shown(key)} is listed twice (lines {orders[key].line} and {line})"
            )
        with _at(line):
            code = code_checked((sheet.cell(row, currency) or sheet.default_currency).upper())
            status = re.sub(r"^wc-", "", sheet.cell(row, "status").lower())
            orders[key] = Order(
                number=key,
                placed_at=_moment(sheet.cell(row, date), tz=sheet.tz),
                currency=code,
                revenue=_amount(sheet.cell(row, amount), currency=code, mark=mark),
                status=status,
                counted=status in _COUNTED_WOO,
                line=line,
            )
    return list(orders.values())


def _readers(default_label: str) -> dict[OrderFormat, Callable[[_Sheet], tuple[list, str]]]:
    return {
        OrderFormat.SHOPIFY: _shopify,
        OrderFormat.WOO_ANALYTICS: lambda s: (
            _woo(s, number="order #", date="date", amount="net sales", currency="-"),
            f"the file names none: {default_label}",
        ),
        OrderFormat.WOO_EXPORT: lambda s: (
            _woo(
                s,
                number="order_number",
                date="order_date",
                amount="order_total",
                currency="order_currency",
            ),
            "from the order_currency column"
            if "order_currency" in s.columns
            else f"the file names none: {default_label}",
        ),
    }


def parse_orders(
    data: bytes, *, tz: tzinfo, default_currency: str, default_label: str = "DEFAULT_CURRENCY"
) -> ParsedOrders:
    """Read one order export whole. Raises `UnreadableOrders` for a file that is not one, or
    with a row that cannot be read (its line and why): nothing of such a file is counted."""
    try:
        rows = export_rows(data)
    except UnknownExport as exc:
        raise UnreadableOrders(str(exc)) from None
    at, fmt, columns = _header(rows)
    body = [(at + 2 + i, row) for i, row in enumerate(rows[at + 1 :])]
    sheet = _Sheet(body=body, columns=columns, tz=tz, default_currency=default_currency)
    try:
        orders, source = _readers(default_label)[fmt](sheet)
    except UnreadableValue as exc:
        raise UnreadableOrders(
            f"{fmt.value}: {one_line(str(exc))}; nothing in this file was counted."
        ) from None
    return ParsedOrders(format=fmt, orders=tuple(orders), currency_source=source)


def order_header(rows: list[list[str]]) -> tuple[int, OrderFormat, dict[str, int]] | None:
    """Where an order export's header is, its format and its columns; None for another kind of
    file (for readers of the same exports that need more of them, such as their line items)."""
    try:
        return _header(rows)
    except UnreadableOrders:
        return None
