"""`python manage.py shadow --last N [--folder F]`: what the agent would have done with past
mail and current invoices. Stores nothing as pending and sends nothing; writes an HTML and a CSV
report.

`python manage.py shadow --workflow NAME [--last N]`: one of the workflows of
`mailagent/workflows/registry.py` in shadow mode over past data (for the weekly KPI report, the
last N weeks): each run recorded, its report written; nothing sent, nothing changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.errors import ConfigurationError, TransientError
from mailagent.integrations.imap import imap_connect
from mailagent.integrations.imap_source import ImapFolderSource
from mailagent.integrations.maildir import FolderSource
from mailagent.services.mailboxes import ImapFolder, imap_folders_configured
from mailagent.services.shadow import shadow_run, shadow_write
from mailagent.workflows.registry import UnknownWorkflow
from mailagent.workflows.runner import workflow_shadow


class Command(BaseCommand):
    help = "Run the agents over the last N messages and the open invoices; report, send nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--last",
            type=int,
            help="how many recent messages (with --workflow: periods, default 1)",
        )
        parser.add_argument("--workflow", help="a workflow by name, such as kpi_report")
        parser.add_argument(
            "--folder",
            help="an IMAP folder of the main mailbox (default IMAP_FOLDER); without IMAP, a "
            "folder of .eml files or a Maildir (default INBOX_DIR)",
        )
        parser.add_argument(
            "--out", type=Path, default=None, help="where to write the report (default var/shadow)"
        )

    def handle(self, *args, last: int | None, folder: str | None, out: Path | None, **options):
        if options.get("workflow"):
            return self._workflow(options["workflow"], last or 1, out)
        if last is None:
            raise CommandError("Say how many messages: --last N (or a workflow: --workflow NAME).")
        try:
            imap = imap_folders_configured(settings)
            if imap:
                report = self._imap(imap[0], folder, last)
            else:
                source = FolderSource(Path(folder) if folder else settings.INBOX_DIR)
                report = shadow_run(source=source, last=last, today=timezone.localdate())
        except (ConfigurationError, TransientError) as exc:
            raise CommandError(str(exc)) from exc
        html, csv = shadow_write(report, folder=out or settings.BASE_DIR / "var" / "shadow")
        for outcome, count in sorted(report.counts.items()):
            self.stdout.write(f"  {count:>4}  {outcome}")
        self.stdout.write(f"Report: {html}\n        {csv}")
        self.stdout.write("Nothing was stored as pending and nothing was sent.")

    def _imap(self, main: ImapFolder, folder: str | None, last: int):
        """The last N messages of a folder of the main mailbox (IMAP_FOLDER unless --folder)."""
        name = folder or main.folder
        with imap_connect(main.account) as conn:
            source = ImapFolderSource(
                conn, name, name=replace(main, folder=name).source, setting="--folder"
            )
            return shadow_run(source=source, last=last, today=timezone.localdate())

    def _workflow(self, name: str, last: int, out: Path | None) -> None:
        try:
            runs = workflow_shadow(
                name=name, last=last, folder=out or settings.BASE_DIR / "var" / "shadow"
            )
        except UnknownWorkflow as exc:
            raise CommandError(str(exc)) from exc
        for run, files in runs:
            self.stdout.write(f"  {run.key or '-'}  {run.get_status_display()}: {run.summary}")
            for path in files:
                self.stdout.write(f"        {path}")
            for suggestion in run.outputs.get("suggestions", []):  # the CRM cleanup's
                self.stdout.write(f"    - {suggestion['title']}")
        self.stdout.write("Nothing was sent and nothing was changed; each run is in the admin.")
