"""The inventory workflow's two tools, and the files a shadow run writes instead.

- `alert_send` (low risk): the alert to staff, HTML and plain text, like the digest.
- `purchase_order_draft` (medium risk): a draft to the supplier that waits, like every draft, for
  a person to approve it from a magic link; the approvers are mailed their links at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from mailagent.models import Draft, OutboundEmail
from mailagent.services.approvals import approval_requests_send
from mailagent.services.audit import SYSTEM
from mailagent.services.digest import digest_recipients
from mailagent.services.drafts import draft_create
from mailagent.services.outbound import notice_send
from mailagent.types import Tier
from mailagent.workflows.inventory.checks import ORDER, TITLES
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.shape import Decision, Planned


def alert_recipients() -> list[str]:
    return list(settings.INVENTORY_ALERT_RECIPIENTS or digest_recipients())


def alert_subject(outputs: dict) -> str:
    count = len(outputs["exceptions"])
    what = f"{count} exception{'s' if count != 1 else ''}" if count else "exports not used"
    return f"{settings.BUSINESS_NAME} stock alert, {outputs['day']}: {what}"


def _context(run: WorkflowRun) -> dict[str, Any]:
    found = run.outputs["exceptions"]
    groups = [
        {"title": TITLES[check], "items": [e for e in found if e["check"] == check]}
        for check in ORDER
    ]
    return {
        "o": run.outputs,
        "groups": [g for g in groups if g["items"]],
        "business_name": settings.BUSINESS_NAME,
        "shadow": run.mode == "shadow",
    }


def alert_text(run: WorkflowRun) -> str:
    return render_to_string("inventory/alert.txt", _context(run))


def alert_html(run: WorkflowRun) -> str:
    return render_to_string("inventory/alert.html", _context(run))


def alert_send(planned: Planned, *, run: WorkflowRun, decision: Decision) -> dict[str, Any]:
    """Low risk: it only tells staff what the exports say."""
    mail = notice_send(
        kind=OutboundEmail.Kind.INVENTORY_ALERT,
        to=list(planned.payload["to"]),
        subject=alert_subject(run.outputs),
        body=alert_text(run),
        html=alert_html(run),
    )
    return {"to": planned.payload["to"], "status": mail.status, "message_id": mail.message_id}


def purchase_order_subject(order: dict) -> str:
    count = len(order["items"])
    return f"Purchase order from {settings.BUSINESS_NAME}: {count} item{'s' if count != 1 else ''}"


def purchase_order_body(order: dict) -> str:
    return render_to_string(
        "inventory/purchase_order.txt",
        {
            "supplier_name": order["supplier_name"],
            "items": order["items"],
            "business_name": settings.BUSINESS_NAME,
        },
    )


def purchase_order_draft(
    planned: Planned, *, run: WorkflowRun, decision: Decision
) -> dict[str, Any]:
    """A draft to the supplier, pending: it is sent only once a person approves it."""
    order = dict(planned.payload)
    draft = draft_create(
        ticket=None,
        kind=Draft.Kind.PURCHASE_ORDER,
        to=[order["supplier_email"]],
        subject=purchase_order_subject(order),
        body=purchase_order_body(order),
        risk=Tier.MEDIUM,
        flags=[
            f"Purchase order from the stock alert of {run.key}: check the quantities and "
            "the supplier before approving; approving sends the order."
        ],
        facts={"workflow_run": run.pk, "items": order["items"]},
        actor=SYSTEM,
    )
    links = approval_requests_send(drafts=[draft])
    return {"draft": draft.pk, "to": order["supplier_email"], "approval_links": len(links)}


def alert_files(run: WorkflowRun, *, folder: Path) -> list[Path]:
    """A shadow run's alert as the mail would have been, and each purchase order's text."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"inventory-{run.key}-{run.started_at:%Y%m%d-%H%M%S}"
    html, text = folder / f"{stem}.html", folder / f"{stem}.txt"
    html.write_text(alert_html(run), encoding="utf-8")
    text.write_text(alert_text(run), encoding="utf-8")
    files = [html, text]
    for n, order in enumerate(run.outputs.get("purchase_orders", []), start=1):
        po = folder / f"{stem}-purchase-order-{n}.txt"
        po.write_text(
            f"To: {order['supplier_email']}\nSubject: {purchase_order_subject(order)}\n\n"
            + purchase_order_body(order),
            encoding="utf-8",
        )
        files.append(po)
    return files
