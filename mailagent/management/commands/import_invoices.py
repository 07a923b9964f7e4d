"""`python manage.py import_invoices FILE [FILE ...]`: load accounting exports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.services.invoices import ImportReport, export_import


class Command(BaseCommand):
    help = (
        "Import QuickBooks or Xero A/R aging reports, contact lists or a plain invoice list "
        "(CSV). Prints what was imported, updated, marked paid and skipped, with reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--currency",
            default=None,
            help="currency of exports that do not name one (default: DEFAULT_CURRENCY)",
        )

    def handle(self, *args, files: list[Path], currency: str | None, **options):
        failed = 0
        for path in files:
            try:
                report = export_import(
                    data=path.read_bytes(),
                    file_name=path.name,
                    today=timezone.localdate(),
                    default_currency=(currency or settings.DEFAULT_CURRENCY).upper(),
                )
            except OSError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: cannot read the file ({exc})"))
                continue
            except UserInputError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: {exc}"))
                continue
            self._print(path, report)
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be imported.")

    def _print(self, path: Path, report: ImportReport) -> None:
        self.stdout.write(f"{path.name}: {report.kind}")
        self.stdout.write(
            f"  {len(report.created)} new, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged, {len(report.paid)} marked paid, "
            f"{len(report.skipped)} skipped"
        )
        if report.paid:
            self.stdout.write(f"  paid: {', '.join(report.paid)}")
        for line, reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped line {line}: {reason}"))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))
