"""Exports held for marking too many invoices paid at once.

An invoice that an export of its kind no longer lists is marked paid. A partial export (a filter
left on, the wrong date range, a truncated download) or a forged one would so mark as paid every
invoice it leaves out, and stop their reminders, without anyone seeing it. So an export that would
mark more than EXPORT_MAX_PAID_SHARE of the open invoices of its kind paid at once is held: none
of it is applied (new and changed rows neither, so that nothing is half-imported) until a person
imports the file again by hand with `import_invoices --accept-missing`. The daily digest lists
the held exports until then.

Small sets: one invoice of one gone is 100% but is just a paid invoice. An export is held only
when more than HOLD_MIN_MISSING invoices would be marked paid at once, and they are more than
the share.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from mailagent.models import ImportRun

HOLD_MIN_MISSING = 3
HELD_SHOWN = 10


def paid_share_held(*, missing: int, open_before: int, max_share: float) -> bool:
    """Whether marking `missing` of `open_before` open invoices paid at once is too many. PURE."""
    return missing > HOLD_MIN_MISSING and missing > max_share * open_before


def accept_missing_command(file_name: str) -> str:
    return f"python manage.py import_invoices --accept-missing {shlex.quote(file_name)}"


@dataclass(frozen=True)
class HeldExport:
    file_name: str
    kind: str
    missing: int
    open_before: int
    held_at: datetime
    command: str


def exports_held() -> list[HeldExport]:
    """Held exports not settled since: no export of the same kind was applied after them. The
    same file held again (mailed every morning) is listed once, latest first."""
    last_applied = dict(
        ImportRun.objects.filter(held=False)
        .order_by()
        .values("kind")
        .annotate(last=Max("pk"))
        .values_list("kind", "last")
    )
    found: dict[str, HeldExport] = {}
    for run in ImportRun.objects.filter(held=True).order_by("-pk")[: HELD_SHOWN * 10]:
        if run.pk < last_applied.get(run.kind, 0) or run.sha256 in found:
            continue
        found[run.sha256] = HeldExport(
            file_name=run.file_name,
            kind=run.kind,
            missing=run.missing,
            open_before=run.open_before,
            held_at=run.created_at,
            command=accept_missing_command(run.file_name),
        )
    return list(found.values())[:HELD_SHOWN]
