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
