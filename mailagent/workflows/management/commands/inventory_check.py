"""`python manage.py inventory_check [--day YYYY-MM-DD]`: the inventory exception checks over
one day's exports (default: today's), in the mode INVENTORY_MODE sets (shadow: recorded, sent
and drafted nothing)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.workflows.inventory import NAME
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_run


class Command(BaseCommand):
    help = (
        "Check the stock exports in INVENTORY_EXPORT_DIR against the order exports: low cover, "
        "negative or oversold stock, SKUs sold but not in the stock export, stock that moved "
        "between two exports of a day. Alert staff; draft purchase orders that wait for approval."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day whose exports to check (default: today)")

    def handle(self, *args, day: str | None, **options):
        try:
            chosen = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--day {day!r} is not a date like 2026-11-30.") from exc
        run = workflow_run(name=NAME, options={"day": chosen.isoformat()}, trigger="command")
        if run is None:
            self.stdout.write("INVENTORY_MODE=off: nothing checked.")
            return
        if run.status == WorkflowRun.Status.REFUSED:
            raise CommandError(run.summary)
        self.stdout.write(run.summary)
        for exc in run.outputs["exceptions"]:
            self.stdout.write(f"  {exc['sku']}: {exc['text']}")
        for problem in run.errors:
            self.stdout.write(self.style.WARNING(f"  note: {problem}"))
        for action in run.actions:
            self.stdout.write(f"{action['decision']}: {action['summary']}")
        self.stdout.write(f"Run #{run.pk} is in the admin.")
