"""Queueing the django-q2 tasks of `mailagent.tasks`, by their dotted paths.

Services queue work through here (a send after an approval, a retry when it is due). This module
imports nothing of the product's, so that any service can queue a task without importing the
tasks, which import the services: the queue is named by path, never by import. With
`TASKS_INLINE` on (the embedded setup, where no `qcluster` runs) the task runs at once.
"""

from __future__ import annotations

from django.conf import settings
from django_q.tasks import async_task


def enqueue_send(draft_id: int) -> None:
    async_task(
        "mailagent.tasks.send_draft",
        draft_id,
        task_name=f"send-draft-{draft_id}",
        sync=settings.TASKS_INLINE,
    )


def enqueue_retry(outbound_id: int) -> None:
    async_task(
        "mailagent.tasks.retry_send",
        outbound_id,
        task_name=f"retry-send-{outbound_id}",
        sync=settings.TASKS_INLINE,
    )
