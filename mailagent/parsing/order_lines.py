"""A shop's order exports -> the quantity of each SKU sold, per day. PURE.

The orders themselves (which stand, when they were placed) are read by
`mailagent.parsing.orders`, whole or not at all; this reads the line items beside them:

- Shopify's orders export: `Lineitem sku` and `Lineitem quantity` on every row of an order.
- WooCommerce's order export: `line_item_1`, `line_item_2`, ... each `name:...|sku:...|
  quantity:...|total:...`.
- WooCommerce's Analytics orders download names products, not SKUs ("2 x Notebook A5"): it says
  nothing per SKU, and the reader says so rather than guess a SKU from a product's name.

Only orders that stand count: not cancelled, voided, failed, unpaid, or refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.orders import (
    Order,
    OrderFormat,
    UnreadableOrders,
    order_header,
    parse_orders,
)
from mailagent.parsing.values import UnreadableValue, shown

_NOT_SOLD = frozenset({"refunded"})


@dataclass(frozen=True)
class SaleLine:
    order: str
    sku: str
    quantity: int
    placed_on: date  # in the shop's time zone
    line: int


@dataclass(frozen=True)
class ParsedSales:
    format: OrderFormat
    orders: int
    lines: tuple[SaleLine, ...]
    note: str = ""  # why the file says nothing per SKU, or how many items name no SKU


def is_order_export(data: bytes) -> bool:
    try:
        return order_header(export_rows(data)) is not None
    except UnknownExport:
        return False


def _count(text: str, *, line: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise UnreadableValue(
            f"line {line}: the quantity {shown(text)} is not a whole number"
        ) from None
    if value < 0:
        raise UnreadableValue(f"line {line}: the quantity {shown(text)} is below zero")
    return value


def _woo_item(cell: str) -> dict[str, str]:
    fields = {}
    for part in cell.split("|"):
        key, _, value = part.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


def _items(fmt: OrderFormat, columns: dict[str, int], row: list[str]) -> list[tuple[str, str]]:
    """(sku, quantity text) of each line item on the row."""

    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    if fmt is OrderFormat.SHOPIFY:
        quantity = cell("lineitem quantity")
        return [(cell("lineitem sku"), quantity)] if quantity else []
    items = []
    for name in sorted(c for c in columns if c.startswith("line_item_")):
        if text := cell(name):
            fields = _woo_item(text)
            items.append((fields.get("sku", ""), fields.get("quantity", "")))
    return items


def parse_sales(data: bytes, *, tz: tzinfo, default_currency: str) -> ParsedSales:
    """Every SKU sold in one order export. Raises `UnreadableOrders` (the line and the reason)
    for a file that cannot be read whole: nothing of it is counted."""
    orders = parse_orders(data, tz=tz, default_currency=default_currency)
    if orders.format is OrderFormat.WOO_ANALYTICS:
        return ParsedSales(
            orders.format,
            len(orders.orders),
            (),
            note="it names products, not SKUs: its sales are not counted per SKU",
        )
    rows = export_rows(data)
    at, fmt, columns = order_header(rows)  # type: ignore[misc]  # parse_orders found it
    standing: dict[str, Order] = {
        o.number: o for o in orders.orders if o.counted and o.status not in _NOT_SOLD
    }
    key = "name" if fmt is OrderFormat.SHOPIFY else "order_number"
    lines, unnamed = [], 0
    try:
        for offset, row in enumerate(rows[at + 1 :]):
            line = at + 2 + offset
            number = row[columns[key]].strip() if columns[key] < len(row) else ""
            order = standing.get(number)
            for sku, quantity in _items(fmt, columns, row):
                count = _count(quantity, line=line)
                if order is None or count == 0:
                    continue
                if not sku:
                    unnamed += count
                    continue
                placed = order.placed_at.astimezone(tz).date()
                lines.append(SaleLine(number, sku, count, placed, line))
    except UnreadableValue as exc:
        raise UnreadableOrders(
            f"{fmt.value}: {one_line(str(exc))}; nothing in this file was counted."
        ) from None
    note = f"{unnamed} items sold name no SKU and are not counted per SKU" if unnamed else ""
    return ParsedSales(fmt, len(orders.orders), tuple(lines), note=note)
