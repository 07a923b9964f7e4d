"""django-q2 entry points. Their dotted paths are a public interface: rename with care.

Each takes ids, loads, and calls one service; `mailagent.enqueue` queues them by path.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from mailagent.services.delivery import outbound_retry, sends_retry_due
from mailagent.services.invoices import export_folder_import
from mailagent.services.outbound import draft_send


def send_draft(draft_id: int) -> str:
    return draft_send(draft_id=draft_id).status


def retry_send(outbound_id: int) -> str | None:
    outbound = outbound_retry(outbound_id=outbound_id)
    return outbound.status if outbound is not None else None


def retry_due_sends() -> list[int]:
    return sends_retry_due()


# Scheduled jobs (mailagent/schedules.py). Each runs the same command a person would run, so a
# scheduled run and a manual one can never drift apart.


def poll_inbox() -> None:
    call_command("poll", "--once")


def run_reminders() -> None:
    call_command("remind")


def send_digest() -> None:
    call_command("send_digest")


def import_export_folder() -> int:
    return len(
        export_folder_import(folder=settings.ACCOUNTING_EXPORT_DIR, today=timezone.localdate())
    )


def retrain_triage() -> str:
    # Imported here: retraining reads numpy, about 12 MB that the poller and its workers, which
    # import this module for the sends, should not carry.
    from mailagent.services.triage_retraining import triage_model_retrain

    return triage_model_retrain(
        path=settings.TRIAGE_MODEL_PATH,
        threshold=settings.TRIAGE_MODEL_CONFIDENCE,
        now=timezone.now(),
    ).outcome.value
