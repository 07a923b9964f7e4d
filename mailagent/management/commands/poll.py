"""`python manage.py poll [--once]`: read the configured inbox and process what is new."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailagent.errors import ConfigurationError
from mailagent.integrations.maildir import FolderSource
from mailagent.services.pipeline import RunReport, inbox_run_once


class Command(BaseCommand):
    help = "Fetch new mail from the configured inbox, triage it, draft replies, request approvals."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=None, help="seconds between passes (POLL_INTERVAL)"
        )

    def handle(self, *args, once: bool, interval: float | None, **options):
        try:
            source = FolderSource(settings.INBOX_DIR)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        interval = interval if interval is not None else settings.POLL_INTERVAL
        while True:
            self._report(inbox_run_once(source=source, progress=self._progress))
            if once:
                return
            time.sleep(interval)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if total >= 20 and (done % 10 == 0 or done == total):
            self.stderr.write(f"  {stage} {done}/{total}")

    def _report(self, report: RunReport) -> None:
        counts = report.counts
        self.stdout.write(f"Inbox {report.source}")
        self.stdout.write(f"  {report.stored} new message(s) stored, {report.known} already known")
        if report.outcomes:
            self.stdout.write(
                "  processed: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            )
            self.stdout.write(
                f"  {report.drafts} draft(s) waiting for approval, "
                f"{report.escalations} escalated to a person"
            )
        for outcome in report.outcomes:
            if outcome.status == "quarantined":
                self.stdout.write(
                    self.style.WARNING(
                        f"  quarantined message #{outcome.email_id}: {outcome.detail}"
                    )
                )
        if report.links:
            self.stdout.write("Approval links sent to the approvers:")
            for link in report.links:
                self.stdout.write(f"  {link.approver}  draft #{link.draft_id}  {link.url}")
        elif not report.outcomes:
            self.stdout.write("  nothing new to do")
