"""Every recurring job declared once and synced idempotently into django-q2."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django_q.models import Schedule

from mailagent.conf import Mode
from mailagent.schedules import schedules_sync

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Schedule.objects.values_list("name", "func", "schedule_type", "minutes", "cron", "repeats")
    )


def test_syncing_twice_gives_the_same_schedules():
    first = schedules_sync()
    before = snapshot()
    second = schedules_sync()
    assert first.created and not second.created and not second.updated and not second.removed
    assert snapshot() == before
    names = {row[0] for row in before}
    assert names == {
        "mailagent: poll the inbox",
        "mailagent: draft payment reminders",
        "mailagent: send the daily digest",
        "mailagent: retry due sends",
        "mailagent: run the weekly KPI report",
        "mailagent: run the CRM cleanup",
    }


def test_times_come_from_the_settings_and_weekdays_only_for_reminders(settings):
    settings.REMINDER_TIME, settings.DIGEST_TIME = "08:15", "07:05"
    schedules_sync()
    crons = dict(Schedule.objects.values_list("name", "cron"))
    assert crons["mailagent: draft payment reminders"] == "15 8 * * 1-5"
    assert crons["mailagent: send the daily digest"] == "5 7 * * *"


def test_a_changed_setting_updates_and_a_workflow_turned_off_is_removed(settings):
    schedules_sync()
    settings.DIGEST_TIME = "09:00"
    settings.REMINDER_MODE = Mode.OFF
    settings.ACCOUNTING_EXPORT_DIR = "/srv/exports"
    report = schedules_sync()
    assert report.updated == ["mailagent: send the daily digest"]
    assert report.removed == ["mailagent: draft payment reminders"]
    assert report.created == ["mailagent: import accounting exports"]


def test_schedules_of_other_apps_are_left_alone():
    Schedule.objects.create(name="someone else's job", func="math.floor", schedule_type="D")
    schedules_sync()
    assert Schedule.objects.filter(name="someone else's job").exists()


def test_every_scheduled_function_exists():
    import importlib

    schedules_sync()
    for func in Schedule.objects.values_list("func", flat=True):
        module, _, name = func.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))


def test_the_queue_never_runs_a_task_twice_and_never_catches_up():
    # django-q2 re-queues a task still unacknowledged after `retry` seconds: it must exceed the
    # timeout, or a slow task (a big inbox, a slow model) runs twice.
    q = django_settings.Q_CLUSTER
    assert q["retry"] > q["timeout"]
    assert q["catch_up"] is False


def test_the_command_reports_what_it_changed(capsys):
    call_command("sync_schedules")
    assert "created   mailagent: poll the inbox" in capsys.readouterr().out
    call_command("sync_schedules")
    assert "unchanged mailagent: poll the inbox" in capsys.readouterr().out
