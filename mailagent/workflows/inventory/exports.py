"""The inventory checks' reads: the stock and order exports in INVENTORY_EXPORT_DIR, each read
whole or refused whole, and the suppliers. Reads only: nothing here writes a row or moves a file.

A file's day is the day it was dropped (its modification time, in TIME_ZONE): shops do not date
their exports inside them. A run for a day sees only files dropped by the end of that day, so a
shadow run over a past day sees what a run on that day would have seen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from mailagent.errors import UserInputError
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.order_lines import SaleLine, is_order_export, parse_sales
from mailagent.parsing.stock import ParsedStock, StockLevel, is_stock_export, parse_stock


@dataclass(frozen=True)
class StockFile:
    name: str
    dropped_at: datetime
    parsed: ParsedStock

    @property
    def levels(self) -> dict[str, StockLevel]:
        return {level.sku: level for level in self.parsed.levels}


@dataclass
class ExportsRead:
    stock: list[StockFile] = field(default_factory=list)  # the day's, oldest first
    sold: dict[str, int] = field(default_factory=dict)  # units per SKU in the window
    files: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def dropped_at(path: Path, *, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=tz)


def export_days(folder: str | Path, *, tz: tzinfo, until: date) -> list[date]:
    """The days up to `until` on which a stock export was dropped, oldest first."""
    days = set()
    for path in Path(folder).glob("*.csv"):
        day = dropped_at(path, tz=tz).date()
        if day <= until and is_stock_export(path.read_bytes()):
            days.add(day)
    return sorted(days)


def window_of(day: date, days: int) -> tuple[date, date]:
    """The sales window: the `days` days ending with `day`, both included."""
    return day - timedelta(days=days - 1), day


def exports_read(
    folder: str | Path, *, day: date, tz: tzinfo, window_days: int, default_currency: str
) -> ExportsRead:
    read = ExportsRead()
    first, last = window_of(day, window_days)
    paths = sorted(Path(folder).glob("*.csv"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    # An order listed by several exports counts once, as the latest file has it.
    orders: dict[tuple[str, str], list[SaleLine]] = {}
    for path in paths:
        when = dropped_at(path, tz=tz)
        if when.date() > day:
            continue
        data, name = path.read_bytes(), one_line(path.name, limit=200)
        entry = {"file": name, "dropped": when.isoformat(timespec="minutes")}
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        try:
            if is_stock_export(data):
                if when.date() != day:
                    continue
                parsed = parse_stock(data)
                read.stock.append(StockFile(name, when, parsed))
                entry |= {"kind": parsed.format.value, "skus": len(parsed.levels)}
            elif is_order_export(data):
                sales = parse_sales(data, tz=tz, default_currency=default_currency)
                by_order: dict[str, list[SaleLine]] = {}
                for line in sales.lines:
                    by_order.setdefault(line.order, []).append(line)
                for number, lines in by_order.items():
                    orders[(sales.format.value, number)] = lines
                entry |= {"kind": sales.format.value, "orders": sales.orders}
                if sales.note:
                    read.notes.append(f"{name}: {sales.note}")
            else:
                raise UnknownExport(_not_inventory(data))
        except UserInputError as exc:
            if when.date() >= first:
                read.refused.append(f"{name}: {one_line(str(exc))}")
            continue
        read.files.append(entry)
    for lines in orders.values():
        for line in lines:
            if first <= line.placed_on <= last:
                read.sold[line.sku] = read.sold.get(line.sku, 0) + line.quantity
    return read


def _not_inventory(data: bytes) -> str:
    try:
        header = next((r for r in export_rows(data) if any(c.strip() for c in r)), [])
    except UnknownExport as exc:
        return str(exc)
    columns = one_line(", ".join(c for c in header if c.strip()) or "none")[:200]
    return (
        "This file is neither a stock export (Shopify's inventory or products export, "
        "WooCommerce's products export, a list with sku and quantity) nor a shop order export "
        f"(Shopify's, WooCommerce's). Columns found: {columns}."
    )
