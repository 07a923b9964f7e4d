"""Every recurring job, declared once and synced idempotently into django-q2.

`python manage.py sync_schedules` (called by `make run` and by deployments) makes the scheduler's
table match this list: it creates what is missing, updates what changed, removes what is no longer
declared, and leaves the rest alone, so running it twice changes nothing. Missed runs do not pile
up after downtime: `catch_up` is off in Q_CLUSTER, so a job that missed its time runs once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from mailagent.conf import Mode
from mailagent.workflows.registry import WORKFLOWS

PREFIX = "mailagent: "


@dataclass(frozen=True)
class Declared:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    cron: str | None = None

    @property
    def full_name(self) -> str:
        return f"{PREFIX}{self.name}"


def _cron_at(hhmm: str, days: str) -> str:
    hour, minute = (int(part) for part in hhmm.split(":", 1))
    return f"{minute} {hour} * * {days}"


def declared_schedules() -> list[Declared]:
    """What should be scheduled under the current settings. Times are in TIME_ZONE."""
    jobs = []
    if settings.POLL_BY_SCHEDULE and settings.TRIAGE_MODE is not Mode.OFF:
        jobs.append(
            Declared(
                "poll the inbox",
                "mailagent.tasks.poll_inbox",
                Schedule.MINUTES,
                minutes=max(1, round(settings.POLL_INTERVAL / 60)),
            )
        )
    # Mail the server turned away for now (4xx, unreachable) is tried again when due; whatever
    # else is configured, anything the agent sends may need it.
    jobs.append(
        Declared("retry due sends", "mailagent.tasks.retry_due_sends", Schedule.MINUTES, minutes=1)
    )
    if settings.REMINDER_MODE is not Mode.OFF:
        jobs.append(
            Declared(
                "draft payment reminders",
                "mailagent.tasks.run_reminders",
                Schedule.CRON,
                cron=_cron_at(settings.REMINDER_TIME, "1-5"),
            )
        )
    if settings.DIGEST_MODE is not Mode.OFF:
        jobs.append(
            Declared(
                "send the daily digest",
                "mailagent.tasks.send_digest",
                Schedule.CRON,
                cron=_cron_at(settings.DIGEST_TIME, "*"),
            )
        )
    if settings.TRIAGE_MODEL_PATH and settings.TRIAGE_RETRAIN_TIME:
        # Trains only when a ticket was labelled since the stored model was trained.
        jobs.append(
            Declared(
                "retrain the triage model",
                "mailagent.tasks.retrain_triage",
                Schedule.CRON,
                cron=_cron_at(settings.TRIAGE_RETRAIN_TIME, "*"),
            )
        )
    if settings.ACCOUNTING_EXPORT_DIR:
        jobs.append(
            Declared(
                "import accounting exports",
                "mailagent.tasks.import_export_folder",
                Schedule.MINUTES,
                minutes=5,
            )
        )
    # The workflows of mailagent/workflows/registry.py, each on its own line's schedule.
    for workflow in WORKFLOWS:
        if getattr(settings, workflow.mode_setting) is not Mode.OFF:
            jobs.append(
                Declared(
                    workflow.schedule_name,
                    workflow.scheduled_func,
                    Schedule.CRON,
                    cron=workflow.cron,
                )
            )
    return jobs


@dataclass
class SyncReport:
    created: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: list[str]


@transaction.atomic
def schedules_sync() -> SyncReport:
    report = SyncReport([], [], [], [])
    wanted = {d.full_name: d for d in declared_schedules()}
    existing = {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}
    for name, job in wanted.items():
        values = {
            "func": job.func,
            "schedule_type": job.schedule_type,
            "minutes": job.minutes,
            "cron": job.cron,
            "repeats": -1,
        }
        current = existing.get(name)
        if current is None:
            Schedule.objects.create(name=name, **values)
            report.created.append(name)
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.next_run = current.calculate_next_run() if job.cron else timezone.now()
            current.save()
            report.updated.append(name)
        else:
            report.unchanged.append(name)
    for name, stale in existing.items():
        if name not in wanted:
            stale.delete()
            report.removed.append(name)
    return report
