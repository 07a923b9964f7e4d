"""The shared shape around the KPI report: its line in the table, its mode (auto only for
low-risk work, refused at start-up otherwise), its schedule, and shadow runs that send nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from mailagent.conf import Mode, SettingsError
from mailagent.models import OutboundEmail
from mailagent.schedules import schedules_sync
from mailagent.types import Tier
from mailagent.workflows.kpi import scheduled
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.registry import WORKFLOWS, Action, Workflow, mode_checked
from mailagent.workflows.shape import Decision, decision_for
from tests.conftest import outbox_messages
from tests.workflows_kpi.history import at

ROOT = Path(__file__).resolve().parents[2]
ORDERING = Workflow(
    name="purchase_orders",
    title="purchase orders",
    mode_setting="PURCHASE_ORDER_MODE",
    default_mode=Mode.OFF,
    cron="0 9 * * 1-5",
    actions=(
        Action("alert", Tier.LOW, "email the stock alerts to staff"),
        Action("draft_order", Tier.MEDIUM, "draft a purchase order to a supplier"),
    ),
    module="mailagent.workflows.ordering",
)


class TestModes:
    def test_auto_is_refused_for_a_workflow_with_an_action_above_low_risk(self):
        with pytest.raises(SettingsError, match="PURCHASE_ORDER_MODE=auto is refused") as refused:
            mode_checked(ORDERING, "auto")
        assert "draft a purchase order to a supplier, which is medium risk" in str(refused.value)
        assert mode_checked(ORDERING, "draft") is Mode.DRAFT

    def test_the_kpi_report_may_run_on_its_own(self):
        (report,) = [w for w in WORKFLOWS if w.name == "kpi_report"]
        assert mode_checked(report, "AUTO") is Mode.AUTO
        with pytest.raises(SettingsError, match="KPI_REPORT_MODE='weekly' is not a mode"):
            mode_checked(report, "weekly")

    @pytest.mark.parametrize(
        ("tier", "mode", "decision"),
        [
            (Tier.LOW, Mode.AUTO, Decision.ACT),
            (Tier.LOW, Mode.DRAFT, Decision.ACT),
            (Tier.MEDIUM, Mode.DRAFT, Decision.WAIT),
            (Tier.HIGH, Mode.DRAFT, Decision.ESCALATE),
            (Tier.LOW, Mode.SHADOW, Decision.RECORD),
            (Tier.HIGH, Mode.SHADOW, Decision.RECORD),
        ],
    )
    def test_the_risk_table_decides_what_each_action_may_do(self, tier, mode, decision):
        assert decision_for(tier, mode) is decision

    def test_the_program_refuses_to_start_with_a_mode_that_is_not_one(self):
        env = dict(
            os.environ, KPI_REPORT_MODE="sometimes", DJANGO_SETTINGS_MODULE="config.settings"
        )
        run = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode != 0
        assert "KPI_REPORT_MODE='sometimes' is not a mode" in run.stderr

    def test_every_workflows_mode_setting_is_in_the_readme(self):
        readme = (ROOT / "README.md").read_text()
        assert all(f"`{w.mode_setting}`" in readme for w in WORKFLOWS)


@pytest.mark.django_db
class TestSchedule:
    def test_the_report_is_scheduled_for_monday_at_eight_only_when_it_is_on(self, kpi):
        schedules_sync()
        job = Schedule.objects.get(name="mailagent: run the weekly KPI report")
        assert (job.func, job.cron) == ("mailagent.workflows.kpi.scheduled", "0 8 * * 1")

        kpi.KPI_REPORT_MODE = Mode.OFF
        assert "mailagent: run the weekly KPI report" in schedules_sync().removed

    def test_the_monday_run_reports_on_the_week_just_ended(self, business, smtp_server):
        with time_machine.travel(at("2026-11-30", "08:00"), tick=False):
            run = WorkflowRun.objects.get(pk=scheduled())

        assert (run.key, run.trigger, run.mode, run.status) == (
            "2026-W48",
            "schedule",
            "auto",
            "done",
        )
        assert len(smtp_server.received) >= 2


@pytest.mark.django_db
class TestShadow:
    def test_shadow_mode_writes_and_records_the_report_and_sends_nothing(
        self, business, smtp_server, capsys
    ):
        business.KPI_REPORT_MODE = Mode.SHADOW
        replies = len(smtp_server.received)

        call_command("kpi_report", "--week", "2026-W48")

        assert len(smtp_server.received) == replies
        assert not OutboundEmail.objects.filter(kind="report").exists()
        run = WorkflowRun.objects.get()
        assert run.mode == "shadow" and run.outputs["week"] == "2026-W48"
        assert [a["decision"] for a in run.actions] == ["record"]
        assert "KPI_REPORT_MODE=shadow: not sent" in capsys.readouterr().out

    def test_the_shadow_command_runs_past_weeks_and_sends_nothing(
        self, business, smtp_server, tmp_path, capsys
    ):
        out = tmp_path / "shadow"
        replies, outbox = len(smtp_server.received), len(outbox_messages(business))
        with time_machine.travel(at("2026-12-02", "12:00"), tick=False):
            call_command("shadow", "--workflow", "kpi_report", "--last", "2", "--out", str(out))

        assert len(smtp_server.received) == replies
        assert len(outbox_messages(business)) == outbox
        runs = WorkflowRun.objects.order_by("key")
        assert [(r.key, r.mode, r.trigger) for r in runs] == [
            ("2026-W47", "shadow", "shadow command"),
            ("2026-W48", "shadow", "shadow command"),
        ]
        written = sorted(p.name for p in out.iterdir())
        assert len(written) == 4 and all(n.startswith("kpi-report-2026-W4") for n in written)
        html = next(out.glob("kpi-report-2026-W48-*.html")).read_text()
        assert "Shadow run: this report was not sent to anyone." in html
        assert "Nothing was sent and nothing was changed" in capsys.readouterr().out

    def test_an_unknown_workflow_is_named_with_the_ones_there_are(self):
        with pytest.raises(CommandError, match=r"There is no workflow 'payroll'.*kpi_report"):
            call_command("shadow", "--workflow", "payroll")

    def test_off_writes_no_report(self, kpi, capsys):
        kpi.KPI_REPORT_MODE = Mode.OFF
        call_command("kpi_report")
        assert "KPI_REPORT_MODE=off" in capsys.readouterr().out
        assert not WorkflowRun.objects.exists()


@pytest.mark.django_db
def test_a_week_that_is_not_one_is_refused_with_how_to_write_it(kpi):
    with pytest.raises(
        CommandError, match="'last week' is not an ISO week: write it like 2026-W48"
    ):
        call_command("kpi_report", "--week", "last week")
    with pytest.raises(CommandError, match="2026 has no week 54"):
        call_command("kpi_report", "--week", "2026-W54")
