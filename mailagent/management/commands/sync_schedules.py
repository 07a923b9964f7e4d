"""`python manage.py sync_schedules`: make django-q2's schedules match mailagent/schedules.py."""

from django.core.management.base import BaseCommand

from mailagent.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create, update or remove scheduled jobs so they match the declared list. Idempotent."

    def handle(self, *args, **options):
        report = schedules_sync()
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("removed", report.removed),
            ("unchanged", report.unchanged),
        ):
            for name in names:
                self.stdout.write(f"  {label:<9} {name}")
        if not any((report.created, report.updated, report.removed, report.unchanged)):
            self.stdout.write("No jobs are scheduled (every workflow is off).")
