"""`python manage.py poll [--once]`: read the configured inbox and process what is new.

With IMAP configured (IMAP_HOST or IMAP_EXTRA_MAILBOXES), every configured folder is read; without
`--once` each folder is watched on its own connection (IDLE where the server has it). Otherwise
the local folder INBOX_DIR is read. A wrong setting stops the command before anything is written,
with the setting named, and a non-zero exit status.

A mailbox connected with OAuth2 that must be connected again is skipped with one line saying so
and where; the others are read as usual and the exit status stays 0 (the digest and the admin
say it too, and its folders catch up by UID once it is connected again).
"""

from __future__ import annotations

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.errors import ConfigurationError, TransientError
from mailagent.integrations.maildir import FolderSource
from mailagent.services.imap_watch import WatchTiming, folders_check, folders_watch
from mailagent.services.leases import (
    folder_lease_acquire,
    folder_lease_holder,
    folder_lease_release,
    lease_owner,
)
from mailagent.services.mailboxes import ImapFolder, imap_folders_configured
from mailagent.services.pipeline import (
    RunReport,
    approvals_send,
    imap_folder_run_once,
    inbox_run_once,
    processing_pool,
)
from mailagent.services.processing import emails_process, emails_waiting


class Command(BaseCommand):
    help = "Fetch new mail from the configured inbox, triage it, draft replies, request approvals."
    # Django's system checks (models, admin, templates) are run by `migrate` and `check --deploy`
    # when the code changes, not at every start of a poller that a schedule may start every few
    # minutes: they cost a tenth of a second each time. `--skip-checks` is implied.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=None, help="seconds between passes (POLL_INTERVAL)"
        )

    def handle(self, *args, once: bool, interval: float | None, **options):
        self._lock = threading.Lock()
        interval = interval if interval is not None else settings.POLL_INTERVAL
        try:
            folders = imap_folders_configured(settings)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        if not folders:
            return self._local_folder(once=once, interval=interval)
        if once:
            return self._imap_once(folders)
        return self._imap_watch(folders, interval=interval)

    def _local_folder(self, *, once: bool, interval: float) -> None:
        try:
            source = FolderSource(settings.INBOX_DIR)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        while True:
            self._report(inbox_run_once(source=source, progress=self._progress))
            if once:
                return
            time.sleep(interval)

    def _imap_once(self, folders: list[ImapFolder]) -> None:
        try:
            checked = folders_check(folders=folders)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        failures = dict(checked.unreachable)
        for mailbox in checked.mailboxes_to_reconnect():
            self.stderr.write(self.style.WARNING(mailbox.line))
        reports = []
        owner = lease_owner()
        with processing_pool(workers=settings.INGEST_WORKERS) as pool:
            for folder in folders:
                conn = checked.opened.get(folder.source)
                if conn is None:
                    continue
                if not folder_lease_acquire(
                    source=folder.source, owner=owner, seconds=settings.POLL_LEASE_SECONDS
                ):
                    holder = folder_lease_holder(source=folder.source)
                    self.stdout.write(
                        f"{folder.source}: skipped, another poller ({holder}) works it"
                    )
                    conn.close()
                    continue
                try:
                    with conn:
                        reports.append(
                            imap_folder_run_once(
                                conn=conn,
                                folder=folder,
                                today=timezone.localdate(),
                                progress=self._progress,
                                pool=pool,
                            )
                        )
                except (ConfigurationError, TransientError) as exc:
                    failures[folder.source] = str(exc)
                finally:
                    folder_lease_release(source=folder.source, owner=owner)
        # Messages of folders no longer configured, stored but never processed.
        leftovers = emails_process(email_ids=emails_waiting())
        if reports:
            reports[-1].outcomes += leftovers
            reports[-1].links = approvals_send()
        for report in reports:
            self._report(report)
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(folders)} folder(s) could not be read:\n"
                + "\n".join(f"{source}: {why}" for source, why in failures.items())
            )

    def _imap_watch(self, folders: list[ImapFolder], *, interval: float) -> None:
        try:
            checked = folders_check(folders=folders, keep_open=False)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        for source, why in checked.unreachable.items():
            self.stderr.write(self.style.WARNING(f"{source}: {why} Retrying in the background."))
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        timing = WatchTiming(
            poll_interval=interval,
            idle_renew=settings.IMAP_IDLE_RENEW_SECONDS,
            lease_margin=settings.IMAP_LEASE_MARGIN_SECONDS,
        )
        self.stdout.write(f"Watching {len(folders)} folder(s); Ctrl-C to stop.")
        threads = folders_watch(
            folders=folders,
            stop=stop,
            timing=timing,
            on_report=self._report_if_busy,
            on_error=self._error,
        )
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=0.5)
        self.stdout.write("Stopped.")

    def _report_if_busy(self, report: RunReport) -> None:
        if report.stored or report.outcomes or report.moved or report.first_sync:
            self._report(report)

    def _error(self, folder: ImapFolder, exc: Exception) -> None:
        with self._lock:
            self.stderr.write(self.style.WARNING(f"{folder.source}: {exc}"))

    def _progress(self, stage: str, done: int, total: int) -> None:
        if total == 0 or (total >= 20 and (done % 100 == 0 or done == total)):
            with self._lock:
                self.stderr.write(f"  {stage} {done:,}" + (f"/{total:,}" if total else ""))

    def _report(self, report: RunReport) -> None:
        with self._lock:
            self._write_report(report)

    def _write_report(self, report: RunReport) -> None:
        counts = report.counts
        self.stdout.write(f"Inbox {report.source}")
        if report.first_sync:
            self.stdout.write(
                f"  first sync: {report.recorded_as_seen:,} older message(s) recorded as seen, "
                "not turned into work (IMAP_BACKFILL_DAYS)"
            )
        if report.uidvalidity_changed:
            self.stdout.write("  UIDVALIDITY changed: folder read again; mail already held skipped")
        self.stdout.write(f"  {report.stored} new message(s) stored, {report.known} already known")
        if report.outcomes:
            self.stdout.write(
                "  processed: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            )
            self.stdout.write(
                f"  {report.drafts} draft(s) waiting for approval, "
                f"{report.escalations} escalated to a person"
            )
        if report.oversize:
            self.stdout.write(
                self.style.WARNING(
                    f"  {report.oversize} message(s) over MAX_MESSAGE_BYTES recorded and "
                    "quarantined"
                )
            )
        if report.moved:
            self.stdout.write(f"  {report.moved} processed message(s) moved")
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
