"""Stock and order exports that arrive by email, from a sender in ACCOUNTING_EXPORT_SENDERS
(`mailagent.services.export_mail` asks here first): checked whole, then saved into
INVENTORY_EXPORT_DIR for the daily checks, under the time they arrived. A file that cannot be
read whole is refused with its reason and not saved: the checks never see half of one."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from django.conf import settings

from mailagent.parsing.order_lines import is_order_export, parse_sales
from mailagent.parsing.stock import is_stock_export, parse_stock


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).name).strip(".-") or "export"
    return stem if stem.lower().endswith(".csv") else f"{stem}.csv"


def inventory_export_keep(*, name: str, data: bytes, received_at: datetime) -> str | None:
    """What was kept, in a line; None when this file is not a stock or order export, or when
    INVENTORY_EXPORT_DIR is not set (the accounting importer has it then). Raises
    `UnreadableStock` or `UnreadableOrders` for one that cannot be read whole."""
    folder = settings.INVENTORY_EXPORT_DIR
    if not folder:
        return None
    if is_stock_export(data):
        stock = parse_stock(data)
        what = f"{stock.format.value}, {len(stock.levels)} SKUs"
    elif is_order_export(data):
        sales = parse_sales(data, tz=received_at.tzinfo, default_currency=settings.DEFAULT_CURRENCY)
        what = f"{sales.format.value}, {sales.orders} orders"
    else:
        return None
    target = Path(folder) / f"{received_at:%Y%m%d-%H%M%S}-{_safe_name(name)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(data)
    stamp = received_at.timestamp()
    os.utime(partial, (stamp, stamp))
    os.replace(partial, target)  # the checks see the whole file or none of it
    return f"{name}: {what}, kept for the inventory checks"
