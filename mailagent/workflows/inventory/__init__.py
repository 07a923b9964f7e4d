"""Inventory exception checks (the alert runs on its own; a purchase order waits for a click).

- trigger: daily at 07:00 in TIME_ZONE (`registry.WORKFLOWS`), over the exports dropped the day
  before, and `python manage.py inventory_check [--day YYYY-MM-DD]`;
- context: the stock and order exports in INVENTORY_EXPORT_DIR, put there by the business or by
  a sender in ACCOUNTING_EXPORT_SENDERS (`intake`), each read whole or refused whole
  (`exports`), and who supplies each SKU (`suppliers`);
- action: four checks, each exception with its numbers (`checks`): stock that covers fewer than
  STOCK_COVER_DAYS of the last STOCK_SALES_WINDOW_DAYS days' sales, negative or oversold stock,
  a SKU sold but missing from the stock export, and stock that moved by more than
  STOCK_DRIFT_UNITS between two exports of the same day;
- tools (`mail`): `send_alert` (low risk) to INVENTORY_ALERT_RECIPIENTS, and
  `draft_purchase_order` (medium risk) to each known supplier, which waits for an approval;
- approval and audit: the shared runner (`mailagent.workflows.runner`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.models import Draft
from mailagent.workflows.inventory import checks
from mailagent.workflows.inventory.exports import ExportsRead, export_days, exports_read, window_of
from mailagent.workflows.inventory.mail import (
    alert_files,
    alert_recipients,
    alert_send,
    purchase_order_draft,
)
from mailagent.workflows.inventory.suppliers import Supplier, supplier_of, suppliers_read
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_scheduled
from mailagent.workflows.shape import Outcome, Planned

NAME = "inventory"
TOOLS = {"send_alert": alert_send, "draft_purchase_order": purchase_order_draft}
_REORDERED = (checks.LOW_COVER, checks.NEGATIVE, checks.OVERSOLD)


def scheduled() -> int | None:
    """The schedule's entry (a public dotted path: rename with care)."""
    return workflow_scheduled(name=NAME)


def options_for(*, now: datetime) -> dict[str, Any]:
    """At 07:00, the exports of the day before: the day's last stock export is in by then."""
    return {"day": (timezone.localdate(now) - timedelta(days=1)).isoformat()}


def shadow_options(*, today: date, last: int) -> list[dict[str, Any]]:
    """The last `last` days before today with a stock export, oldest first."""
    folder = settings.INVENTORY_EXPORT_DIR
    if not folder or not Path(folder).is_dir():
        return []
    tz = timezone.get_current_timezone()
    days = export_days(folder, tz=tz, until=today - timedelta(days=1))
    return [{"day": d.isoformat()} for d in days[-max(last, 1) :]]


def _exceptions(read: ExportsRead) -> list[checks.Exception_]:
    if not read.stock:
        return []
    window = settings.STOCK_SALES_WINDOW_DAYS
    current = read.stock[-1].levels
    found = checks.negative_or_oversold(current, read.sold, window_days=window)
    found += checks.sold_not_stocked(current, read.sold, window_days=window)
    found += checks.low_cover(
        current, read.sold, window_days=window, cover_days=settings.STOCK_COVER_DAYS
    )
    for earlier, later in zip(read.stock, read.stock[1:], strict=False):
        found += checks.drift(
            earlier.levels,
            later.levels,
            threshold=settings.STOCK_DRIFT_UNITS,
            earlier_name=earlier.name,
            later_name=later.name,
        )
    return found


def _purchase_orders(
    read: ExportsRead, found: list[checks.Exception_], mapping: dict[str, Supplier]
) -> list[dict[str, Any]]:
    """One order per supplier, for the SKUs that need stock and have a known supplier."""
    if not read.stock:
        return []
    current = read.stock[-1].levels
    orders: dict[str, dict[str, Any]] = {}
    for exc in found:
        if exc.check not in _REORDERED or exc.reorder <= 0:
            continue
        supplier = supplier_of(current[exc.sku], mapping)
        if supplier is None:
            continue
        order = orders.setdefault(
            supplier.email,
            {"supplier_email": supplier.email, "supplier_name": supplier.name, "items": []},
        )
        order["items"].append(
            {"sku": exc.sku, "name": exc.name, "quantity": exc.reorder, "why": exc.text}
        )
    return list(orders.values())


def _waiting_for(email: str) -> int | None:
    """A purchase order to this supplier that still waits for a decision, if any."""
    pending = Draft.objects.filter(kind=Draft.Kind.PURCHASE_ORDER, status=Draft.Status.PENDING)
    for pk, to in pending.order_by("pk").values_list("pk", "to_addresses"):
        if email in to:
            return pk
    return None


def gather(*, now: datetime, options: Mapping[str, Any]) -> Outcome:
    day = date.fromisoformat(str(options["day"]))
    tz = timezone.get_current_timezone()
    window = settings.STOCK_SALES_WINDOW_DAYS
    first, last = window_of(day, window)
    folder = settings.INVENTORY_EXPORT_DIR
    if not folder or not Path(folder).is_dir():
        raise UserInputError(
            "INVENTORY_EXPORT_DIR names no folder: there are no stock exports to check."
        )
    read = exports_read(
        folder, day=day, tz=tz, window_days=window, default_currency=settings.DEFAULT_CURRENCY
    )
    problems = [f"Export {line}" for line in read.refused]
    try:
        mapping = suppliers_read(settings.SUPPLIERS_FILE)
    except UserInputError as exc:
        mapping, problems = {}, [*problems, str(exc)]
    found = _exceptions(read)
    orders, notes = [], list(read.notes)
    for order in _purchase_orders(read, found, mapping):
        pending = _waiting_for(order["supplier_email"])
        if pending:
            notes.append(
                f"A purchase order to {order['supplier_email']} already waits for approval "
                f"(draft #{pending}): no second one drafted."
            )
        else:
            orders.append(order)
    if not read.stock:
        notes.insert(0, f"No stock export was dropped on {day}: stock was not checked.")
    counts = {c: sum(1 for e in found if e.check == c) for c in checks.ORDER}
    outputs = {
        "day": day.isoformat(),
        "window": f"{first} to {last}",
        "window_days": window,
        "stock_from": read.stock[-1].name if read.stock else "",
        "exceptions": [e.as_dict() for e in found],
        "counts": {k: v for k, v in counts.items() if v},
        "purchase_orders": orders,
        "refused": read.refused,
        "notes": notes,
    }
    to = alert_recipients()
    planned = []
    if to and (found or read.refused):
        planned.append(
            Planned(
                "send_alert",
                f"email the {day} stock alert ({len(found)} exceptions) to {', '.join(to)}",
                {"to": to},
            )
        )
    for order in orders:
        planned.append(
            Planned(
                "draft_purchase_order",
                f"draft a purchase order to {order['supplier_email']} for "
                + ", ".join(f"{i['quantity']} x {i['sku']}" for i in order["items"]),
                order,
            )
        )
    summary = (
        f"{day}: {len(found)} exceptions"
        + (f" ({', '.join(f'{n} {k}' for k, n in outputs['counts'].items())})" if found else "")
        + f", {len(orders)} purchase orders"
        + (f", {len(read.refused)} exports refused" if read.refused else "")
    )
    return Outcome(
        key=day.isoformat(),
        summary=summary,
        inputs={
            "day": day.isoformat(),
            "sales_window": f"{first} to {last} ({window} days), in {tz}",
            "stock_cover_days": settings.STOCK_COVER_DAYS,
            "stock_drift_units": settings.STOCK_DRIFT_UNITS,
            "exports": read.files,
            "exports_refused": read.refused,
            "skus_in_stock_export": len(read.stock[-1].levels) if read.stock else 0,
            "skus_sold": len(read.sold),
            "units_sold": sum(read.sold.values()),
            "suppliers_in_file": len(mapping),
        },
        outputs=outputs,
        planned=planned,
        problems=problems,
    )


def shadow_files(run: WorkflowRun, *, folder: Path) -> list[Path]:
    return alert_files(run, folder=folder)
