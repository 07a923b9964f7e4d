"""django-q2 entry points. Their dotted paths are a public interface: rename with care.

Each takes ids, loads, and calls one service. `enqueue_*` helpers queue them, or run them at once
when `TASKS_INLINE` is on (the embedded setup, where no `qcluster` runs).
"""

from __future__ import annotations

from django.conf import settings
from django_q.tasks import async_task


def send_draft(draft_id: int) -> str:
    from mailagent.services.outbound import draft_send

    return draft_send(draft_id=draft_id).status


def enqueue_send(draft_id: int) -> None:
    async_task(
        "mailagent.tasks.send_draft",
        draft_id,
        task_name=f"send-draft-{draft_id}",
        sync=settings.TASKS_INLINE,
    )


def retry_send(outbound_id: int) -> str | None:
    from mailagent.services.delivery import outbound_retry

    outbound = outbound_retry(outbound_id=outbound_id)
    return outbound.status if outbound is not None else None


def enqueue_retry(outbound_id: int) -> None:
    async_task(
        "mailagent.tasks.retry_send",
        outbound_id,
        task_name=f"retry-send-{outbound_id}",
        sync=settings.TASKS_INLINE,
    )


def retry_due_sends() -> list[int]:
    from mailagent.services.delivery import sends_retry_due

    return sends_retry_due()


# Scheduled jobs (mailagent/schedules.py). Each runs the same command a person would run, so a
# scheduled run and a manual one can never drift apart.


def poll_inbox() -> None:
    from django.core.management import call_command

    call_command("poll", "--once")


def run_reminders() -> None:
    from django.core.management import call_command

    call_command("remind")


def send_digest() -> None:
    from django.core.management import call_command

    call_command("send_digest")


def import_export_folder() -> int:
    from django.utils import timezone

    from mailagent.services.invoices import export_folder_import

    return len(
        export_folder_import(folder=settings.ACCOUNTING_EXPORT_DIR, today=timezone.localdate())
    )
