"""`python manage.py remind [--today YYYY-MM-DD]`: draft the payment reminders due today."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.services.approvals import approval_requests_send
from mailagent.services.reminders import reminders_run


class Command(BaseCommand):
    help = "Draft the reminders due now, per customer, and ask the approvers to review them."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r} is not a date like 2026-11-24.") from exc
        results = reminders_run(today=day)
        if not results:
            self.stdout.write("No customer has open invoices.")
        width = max((len(r.customer) for r in results), default=0)
        for r in results:
            line = f"{r.customer:<{width}}  {r.action}: {r.reason}"
            style = (
                self.style.SUCCESS
                if r.draft_id
                else (self.style.WARNING if r.action in ("escalated", "refused") else str)
            )
            self.stdout.write(style(line))
        links = approval_requests_send()
        if links:
            self.stdout.write("Approval links sent to the approvers:")
            for link in links:
                self.stdout.write(f"  {link.approver}  draft #{link.draft_id}  {link.url}")
