"""One record per run of a workflow: what it read, what it concluded, what it did or would have
done, and what went wrong. Written by `mailagent.workflows.runs` only; read-only in the admin."""

from __future__ import annotations

from django.db import models

from mailagent.conf import Mode


class WorkflowRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "running"
        DONE = "done", "done"
        REFUSED = "refused", "refused: its input could not be used"
        FAILED = "failed", "failed"

    workflow = models.CharField(max_length=64, db_index=True)
    # What the run was about, for finding it again: the week of a weekly report ("2026-W47").
    key = models.CharField(max_length=64, blank=True, db_index=True)
    mode = models.CharField(max_length=8, choices=[(m.value, m.value) for m in Mode])
    # Who or what started it: "schedule", "command", "shadow command".
    trigger = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    summary = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    outputs = models.JSONField(default=dict, blank=True)
    # Each action the workflow proposed: its risk tier, what was decided, and what came of it.
    actions = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "workflow run"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["workflow", "key"])]

    def __str__(self) -> str:
        about = f" {self.key}" if self.key else ""
        return f"{self.workflow}{about} ({self.mode}, {self.get_status_display()})"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


# Models of a workflow's own live in its package, registered with this app by being imported here.
from mailagent.workflows.crm.models import CrmSuggestion  # noqa: E402, F401
