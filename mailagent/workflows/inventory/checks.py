"""The four inventory checks. PURE: stock levels and sales in, exceptions out, each with the
numbers that raised it, so that a person can check the arithmetic from the alert alone."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from mailagent.parsing.stock import StockLevel

LOW_COVER = "low_cover"
NEGATIVE = "negative"
OVERSOLD = "oversold"
NOT_IN_STOCK_EXPORT = "sold_not_in_stock_export"
DRIFT = "drift"

#: The order the alert lists them in: what blocks a sale first.
ORDER = (NEGATIVE, OVERSOLD, NOT_IN_STOCK_EXPORT, LOW_COVER, DRIFT)
TITLES = {
    NEGATIVE: "Negative stock",
    OVERSOLD: "Oversold: more committed to orders than on hand",
    NOT_IN_STOCK_EXPORT: "Sold but missing from the stock export",
    LOW_COVER: "Stock covers too few days of sales",
    DRIFT: "Stock changed between two exports of the same day",
}


@dataclass(frozen=True)
class Exception_:
    check: str
    sku: str
    name: str
    text: str  # one sentence with its numbers
    numbers: Mapping[str, int | str]
    reorder: int = 0  # units a purchase order would ask for; 0: none suggested

    def as_dict(self) -> dict:
        return {k: (dict(v) if k == "numbers" else v) for k, v in asdict(self).items()}


def _days(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def reorder_quantity(*, stock: int, sold: int) -> int:
    """Units that bring the stock back to a full window's sales at the recent rate: what a
    purchase order suggests, for the approver to change."""
    return max(0, math.ceil(sold) - max(stock, 0)) if sold else 0


def low_cover(
    stock: Mapping[str, StockLevel],
    sold: Mapping[str, int],
    *,
    window_days: int,
    cover_days: int,
) -> list[Exception_]:
    """SKUs whose stock lasts fewer than `cover_days` at the rate they sold over the window.
    Stock at or below zero is the negative check's, not this one's."""
    found = []
    for sku, units in sorted(sold.items()):
        level = stock.get(sku)
        if level is None or units <= 0 or level.quantity <= 0:
            continue
        per_day = Decimal(units) / window_days
        cover = Decimal(level.quantity) / per_day
        if cover >= cover_days:
            continue
        found.append(
            Exception_(
                LOW_COVER,
                sku,
                level.name,
                f"{level.quantity} in stock, {units} sold in the last {window_days} days "
                f"({per_day.quantize(Decimal('0.01'))} a day): {_days(cover)} days of cover, "
                f"under {cover_days}",
                {
                    "stock": level.quantity,
                    "sold": units,
                    "window_days": window_days,
                    "per_day": str(per_day.quantize(Decimal("0.01"))),
                    "cover_days": _days(cover),
                    "threshold_days": cover_days,
                },
                reorder_quantity(stock=level.quantity, sold=units),
            )
        )
    return found


def negative_or_oversold(
    stock: Mapping[str, StockLevel], sold: Mapping[str, int], *, window_days: int
) -> list[Exception_]:
    """Stock below zero: on hand itself (negative), or what is available once the orders not
    yet shipped are taken off (oversold: Shopify's Available under its On hand)."""
    found = []
    for sku, level in sorted(stock.items()):
        if level.quantity >= 0:
            continue
        units = sold.get(sku, 0)
        reorder = reorder_quantity(stock=level.quantity, sold=units)
        reorder += -level.quantity
        if level.on_hand is not None and level.on_hand >= 0:
            committed = level.on_hand - level.quantity
            found.append(
                Exception_(
                    OVERSOLD,
                    sku,
                    level.name,
                    f"{level.on_hand} on hand but {committed} committed to orders: "
                    f"{level.quantity} available",
                    {"on_hand": level.on_hand, "committed": committed, "available": level.quantity},
                    reorder,
                )
            )
            continue
        found.append(
            Exception_(
                NEGATIVE,
                sku,
                level.name,
                f"stock is {level.quantity}: {-level.quantity} sold that were not there",
                {"stock": level.quantity, "sold": units, "window_days": window_days},
                reorder,
            )
        )
    return found


def sold_not_stocked(
    stock: Mapping[str, StockLevel], sold: Mapping[str, int], *, window_days: int
) -> list[Exception_]:
    return [
        Exception_(
            NOT_IN_STOCK_EXPORT,
            sku,
            "",
            f"{units} sold in the last {window_days} days, but the stock export does not list it",
            {"sold": units, "window_days": window_days},
        )
        for sku, units in sorted(sold.items())
        if sku not in stock and units > 0
    ]


def drift(
    earlier: Mapping[str, StockLevel],
    later: Mapping[str, StockLevel],
    *,
    threshold: int,
    earlier_name: str,
    later_name: str,
) -> list[Exception_]:
    """SKUs whose stock moved by more than `threshold` units between two exports of one day (a
    miscount, a stock take entered twice, or sales the order exports do not show)."""
    found = []
    for sku in sorted(earlier.keys() | later.keys()):
        before = earlier[sku].quantity if sku in earlier else 0
        after = later[sku].quantity if sku in later else 0
        if abs(after - before) <= threshold:
            continue
        name = (later.get(sku) or earlier[sku]).name
        found.append(
            Exception_(
                DRIFT,
                sku,
                name,
                f"{before} in {earlier_name}, {after} in {later_name}: "
                f"{after - before:+d}, more than {threshold}",
                {
                    "earlier": before,
                    "later": after,
                    "change": after - before,
                    "threshold": threshold,
                    "earlier_file": earlier_name,
                    "later_file": later_name,
                },
            )
        )
    return found
