"""A shop's stock-level exports -> quantities per SKU. PURE: bytes in, values out.

Recognised by content, never by file name, the most specific shape first:

- Shopify's inventory export (Products > Inventory > Export): one row per SKU and location,
  `Available (not editable)` (on hand less committed and unavailable) and `On hand (current)`;
  a location where the item is not stocked says "not stocked". A SKU's stock is the sum over
  its locations.
- Shopify's products export (Products > Export): one row per variant (image rows leave the
  variant empty), `Variant SKU` and `Variant Inventory Qty`.
- WooCommerce's products export (Products > Export): one row per product or variation,
  `SKU`, `In stock?` and `Stock`; a product that does not manage its stock leaves `Stock` empty.
- A SKU/quantity list from anything else: `sku` and `quantity` (or `qty`), with the optional
  `name`, `supplier_email` and `supplier_name` columns.

A file counts whole or not at all: a row that cannot be read with certainty refuses the file
(`UnreadableStock`, with the line and the reason).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from mailagent.errors import UserInputError
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.values import UnreadableValue, shown


class StockFormat(StrEnum):
    SHOPIFY_INVENTORY = "Shopify inventory export"
    SHOPIFY_PRODUCTS = "Shopify products export"
    WOO_PRODUCTS = "WooCommerce products export"
    SKU_LIST = "SKU and quantity list"


# The columns that make each shape (lower case, single spaces), tried in this order: a
# WooCommerce export also has "sku", and only the generic list is left when none other fits.
_REQUIRED: dict[StockFormat, frozenset[str]] = {
    StockFormat.SHOPIFY_INVENTORY: frozenset({"handle", "sku", "location"}),
    StockFormat.SHOPIFY_PRODUCTS: frozenset({"handle", "variant sku", "variant inventory qty"}),
    StockFormat.WOO_PRODUCTS: frozenset({"id", "type", "sku", "in stock?", "stock"}),
    StockFormat.SKU_LIST: frozenset({"sku"}),
}
_SHOPIFY_QUANTITY = ("available (not editable)", "available", "on hand (current)")
_LIST_QUANTITY = ("quantity", "qty", "on hand", "stock")
_NOT_STOCKED = "not stocked"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnreadableStock(UserInputError):
    """A stock export that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class StockLevel:
    sku: str
    quantity: int  # what can still be sold: Shopify's Available, WooCommerce's Stock
    name: str = ""
    on_hand: int | None = None  # Shopify's On hand, when the file has it
    supplier_email: str = ""
    supplier_name: str = ""
    line: int = 0


@dataclass(frozen=True)
class ParsedStock:
    format: StockFormat
    levels: tuple[StockLevel, ...]
    untracked: int  # rows naming no SKU, or whose stock is not tracked: not checked


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().lower().split())


def _columns(row: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        columns.setdefault(_norm(cell).replace("_", " "), index)
    return columns


def stock_format_of(rows: list[list[str]]) -> tuple[int, StockFormat, dict[str, int]] | None:
    """Where the header is, which shape it makes and its columns; None for another kind of file."""
    for at, row in enumerate(rows[:10]):
        columns = _columns(row)
        for fmt, required in _REQUIRED.items():
            names = {n.replace("_", " ") for n in required}
            if not names <= columns.keys():
                continue
            if fmt is StockFormat.SHOPIFY_INVENTORY and not any(
                q in columns for q in _SHOPIFY_QUANTITY
            ):
                continue
            if fmt is StockFormat.SKU_LIST and not any(q in columns for q in _LIST_QUANTITY):
                continue
            return at, fmt, columns
    return None


def is_stock_export(data: bytes) -> bool:
    try:
        return stock_format_of(export_rows(data)) is not None
    except UnknownExport:
        return False


def _whole(text: str, what: str) -> int:
    raw = text.strip()
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw):  # a spreadsheet's thousands separator
        raw = raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise UnreadableValue(f"the {what} {shown(text)} is not a number") from None
    if value != value.to_integral_value():
        raise UnreadableValue(f"the {what} {shown(text)} is not a whole number of items")
    return int(value)


@contextmanager
def _at(line: int) -> Iterator[None]:
    """A cell's problem, said with the line it is on."""
    try:
        yield
    except UnreadableValue as exc:
        raise UnreadableValue(f"line {line}: {exc}") from None


@dataclass(frozen=True)
class _Sheet:
    body: list[tuple[int, list[str]]]
    columns: dict[str, int]

    def cell(self, row: list[str], *names: str) -> str:
        for name in names:
            index = self.columns.get(name)
            if index is not None and index < len(row) and row[index].strip():
                return row[index].strip()
        return ""

    def has(self, name: str) -> bool:
        return name in self.columns


def _supplier(sheet: _Sheet, row: list[str]) -> tuple[str, str]:
    email = sheet.cell(row, "supplier email")
    name = sheet.cell(row, "supplier name")
    plain = sheet.cell(row, "supplier")
    if plain and "@" in plain and not email:
        email = plain
    elif plain and not name:
        name = plain
    if email and not _EMAIL.match(email):
        raise UnreadableValue(f"the supplier address {shown(email)} is not an email address")
    return email.lower(), name


def _twice(sku: str, first: int, line: int) -> UnreadableValue:
    return UnreadableValue(f"SKU {shown(sku)} is listed twice (lines {first} and {line})")


def _shopify_inventory(sheet: _Sheet) -> tuple[list[StockLevel], int]:
    quantity_column = next(q for q in _SHOPIFY_QUANTITY if sheet.has(q))
    totals: dict[str, StockLevel] = {}
    seen: dict[tuple[str, str], int] = {}
    untracked = 0
    for line, row in sheet.body:
        if not any(c.strip() for c in row):
            continue
        sku, location = sheet.cell(row, "sku"), sheet.cell(row, "location")
        available = sheet.cell(row, quantity_column)
        if not sku or available.lower() == _NOT_STOCKED:
            untracked += 1
            continue
        if (sku, location) in seen:
            raise UnreadableValue(
                f"SKU {shown(sku)} at {shown(location)} is listed twice "
                f"(lines {seen[sku, location]} and {line})"
            )
        seen[sku, location] = line
        with _at(line):
            quantity = _whole(available, quantity_column)
            on_hand_text = sheet.cell(row, "on hand (current)")
            on_hand = _whole(on_hand_text, "on hand (current)") if on_hand_text else None
        # Shopify names the one variant of a product without options "Default Title".
        option = sheet.cell(row, "option1 value")
        parts = (sheet.cell(row, "title"), "" if option == "Default Title" else option)
        title = " / ".join(p for p in parts if p)
        before = totals.get(sku)
        totals[sku] = StockLevel(
            sku=sku,
            quantity=quantity + (before.quantity if before else 0),
            name=title or (before.name if before else ""),
            on_hand=None if on_hand is None else on_hand + ((before.on_hand or 0) if before else 0),
            line=before.line if before else line,
        )
    return list(totals.values()), untracked


def _per_row(sheet: _Sheet, *, sku: str, quantity: str, name: str) -> tuple[list[StockLevel], int]:
    levels: dict[str, StockLevel] = {}
    untracked = 0
    for line, row in sheet.body:
        if not any(c.strip() for c in row):
            continue
        code, amount = sheet.cell(row, sku), sheet.cell(row, quantity)
        if not code or not amount:
            untracked += 1  # an image row, a parent product, stock not managed
            continue
        if code in levels:
            raise _twice(code, levels[code].line, line)
        with _at(line):
            email, supplier = _supplier(sheet, row)
            count = _whole(amount, quantity)
        levels[code] = StockLevel(
            sku=code,
            quantity=count,
            name=sheet.cell(row, name),
            supplier_email=email,
            supplier_name=supplier,
            line=line,
        )
    return list(levels.values()), untracked


def parse_stock(data: bytes) -> ParsedStock:
    """Read one stock export whole. Raises `UnreadableStock` for a file that is not one, or
    with a row that cannot be read (its line and why): nothing of such a file is used."""
    try:
        rows = export_rows(data)
    except UnknownExport as exc:
        raise UnreadableStock(str(exc)) from None
    found = stock_format_of(rows)
    if found is None:
        columns = one_line(", ".join(c for c in (rows[0] if rows else []) if c.strip()) or "none")
        raise UnreadableStock(
            "This file is not a stock export the inventory checks can read. It needs Shopify's "
            "inventory export (Handle, SKU, Location, Available), Shopify's products export "
            "(Handle, Variant SKU, Variant Inventory Qty), WooCommerce's products export (ID, "
            f"Type, SKU, In stock?, Stock) or a list with sku and quantity. Columns found: "
            f"{columns[:200]}."
        )
    at, fmt, columns = found
    sheet = _Sheet(
        body=[(at + 2 + i, row) for i, row in enumerate(rows[at + 1 :])], columns=columns
    )
    try:
        if fmt is StockFormat.SHOPIFY_INVENTORY:
            levels, untracked = _shopify_inventory(sheet)
        elif fmt is StockFormat.SHOPIFY_PRODUCTS:
            levels, untracked = _per_row(
                sheet, sku="variant sku", quantity="variant inventory qty", name="title"
            )
        elif fmt is StockFormat.WOO_PRODUCTS:
            levels, untracked = _per_row(sheet, sku="sku", quantity="stock", name="name")
        else:
            quantity = next(q for q in _LIST_QUANTITY if sheet.has(q))
            levels, untracked = _per_row(sheet, sku="sku", quantity=quantity, name="name")
    except UnreadableValue as exc:
        raise UnreadableStock(
            f"{fmt.value}: {one_line(str(exc))}; nothing in this file was used."
        ) from None
    if not levels:
        raise UnreadableStock(f"{fmt.value}: no row names a SKU with a quantity.")
    return ParsedStock(format=fmt, levels=tuple(levels), untracked=untracked)
