"""`python manage.py kpi_report [--week YYYY-Www]`: the weekly KPI report, now, in the mode
KPI_REPORT_MODE sets (shadow: written and recorded, not sent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailagent.workflows.kpi import NAME
from mailagent.workflows.kpi.weeks import BadWeek, Week
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_run


class Command(BaseCommand):
    help = (
        "Write the weekly KPI report (invoiced, collected, outstanding and DSO per currency; "
        "tickets; drafts; minutes saved; orders and revenue) and mail it to REPORT_RECIPIENTS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", help="the ISO week to report on, like 2026-W48 (default: the last full week)"
        )

    def handle(self, *args, week: str | None, **options):
        try:
            chosen = {"week": Week.parse(week).label} if week else None
        except BadWeek as exc:
            raise CommandError(str(exc)) from exc
        run = workflow_run(name=NAME, options=chosen, trigger="command")
        if run is None:
            self.stdout.write("KPI_REPORT_MODE=off: no report written.")
            return
        if run.status == WorkflowRun.Status.REFUSED:
            raise CommandError(run.summary)
        report = run.outputs
        self.stdout.write(
            f"{settings.BUSINESS_NAME} weekly report, {run.key} ({report['week_text']})"
        )
        for line in report["what_changed"]:
            self.stdout.write(f"  {line}")
        for problem in run.errors:
            self.stdout.write(self.style.WARNING(f"  note: {problem}"))
        for action in run.actions:
            if action["decision"] == "record":
                self.stdout.write(f"KPI_REPORT_MODE=shadow: not sent (would {action['summary']}).")
            for mail in action["result"].get("sent", []):
                line = f"{mail['status']}: {mail['to']}"
                self.stdout.write(self.style.SUCCESS(line) if mail["status"] == "sent" else line)
        if not run.actions:
            self.stdout.write("No report recipients are configured: nothing was sent.")
        self.stdout.write(f"Run #{run.pk} is in the admin; the report is on the portal at /kpi/.")
