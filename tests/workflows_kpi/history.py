"""Five weeks of a small business's back office, built with the real services at fixed moments
(New York time): six Sunday accounting exports, a week of support mail, and the shop's order
exports. The report's week is 2026-W48, Monday 23 to Sunday 29 November 2026."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from mailagent.services.audit import audit_record
from mailagent.services.drafts import draft_approve, draft_reject
from mailagent.services.invoices import export_import
from mailagent.services.outbound import draft_send
from tests.conftest import FIXTURES
from tests.factories import APPROVER, REPLY_BODY, customer_message, reminder_draft, reply_draft

NEW_YORK = ZoneInfo("America/New_York")
EXPORTS = FIXTURES / "kpi"
SALES = FIXTURES / "sales"
WEEK = "2026-W48"
SUNDAYS = ("2026-10-25", "2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29")


def at(day: str, hhmm: str) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=NEW_YORK)


def accounting_history() -> None:
    """Each Sunday's invoice list, imported that Sunday evening as the folder watcher would."""
    for sunday in SUNDAYS:
        path = EXPORTS / f"invoices-{sunday}.csv"
        with time_machine.travel(at(sunday, "18:00"), tick=False):
            export_import(
                data=path.read_bytes(), file_name=path.name, today=date.fromisoformat(sunday)
            )


@dataclass(frozen=True)
class Conversation:
    """One customer message and what became of it: replied to (its draft approved as drafted
    or after an edit, then sent), rejected, or escalated by the policy."""

    opened: datetime
    decided: datetime | None = None
    outcome: str = "unchanged"  # unchanged | edited | rejected | escalated

    @property
    def replied(self) -> datetime | None:
        if self.outcome in ("unchanged", "edited") and self.decided is not None:
            return self.decided.replace(minute=self.decided.minute + 1)
        return None


CONVERSATIONS = (
    Conversation(at("2026-11-17", "10:00"), at("2026-11-17", "11:00")),
    # Sunday night in New York, already Monday in UTC: a ticket of the week before.
    Conversation(at("2026-11-22", "23:30"), at("2026-11-23", "08:30")),
    Conversation(at("2026-11-23", "09:00"), at("2026-11-23", "10:00")),
    Conversation(at("2026-11-24", "14:00"), at("2026-11-25", "08:00"), "edited"),
    Conversation(at("2026-11-25", "11:00"), at("2026-11-25", "15:00"), "rejected"),
    Conversation(at("2026-11-26", "10:00"), None, "escalated"),
)


REMINDER_SENT = at("2026-11-18", "08:00")


def support_history() -> None:
    for n, talk in enumerate(CONVERSATIONS):
        with time_machine.travel(talk.opened, tick=False):
            email = customer_message(subject=f"Question {n}", message_id=f"<q{n}@customer.example>")
            if talk.outcome == "escalated":
                email.ticket.status = email.ticket.Status.ESCALATED
                email.ticket.save(update_fields=["status"])
                audit_record(action="policy.escalated", obj=email.ticket, tier="high")
                continue
            draft = reply_draft(email=email)
        with time_machine.travel(talk.decided, tick=False):
            if talk.outcome == "rejected":
                draft_reject(draft_id=draft.pk, approver=APPROVER, reason="not our product")
                continue
            body = (
                REPLY_BODY + "\n\nP.S. Our new catalogue is attached."
                if talk.outcome == "edited"
                else None
            )
            draft_approve(draft_id=draft.pk, approver=APPROVER, body=body)
        with time_machine.travel(talk.replied, tick=False):
            draft_send(draft_id=draft.pk)
    # One payment reminder, approved as drafted and sent in the week before the report's.
    with time_machine.travel(REMINDER_SENT, tick=False):
        reminder = reminder_draft()
        draft_approve(draft_id=reminder.pk, approver=APPROVER)
        draft_send(draft_id=reminder.pk)


def sales_folder(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names or ("shopify_orders_export.csv", "woocommerce_order_export.csv"):
        shutil.copy(SALES / name, folder / name)
    return folder
