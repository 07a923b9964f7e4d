"""`python manage.py import_invoices [--accept-missing] FILE [FILE ...]`: load accounting exports.

One line per file that cannot be read, saying why; a held export says how to apply it anyway.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.parsing.export_files import one_line
from mailagent.services.export_holds import accept_missing_command
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
        parser.add_argument(
            "--accept-missing",
            action="store_true",
            help="apply an export even though it would mark more than EXPORT_MAX_PAID_SHARE of "
            "the open invoices of its kind paid (it does not list them): only for a complete "
            "export",
        )

    def handle(
        self,
        *args,
        files: list[Path],
        currency: str | None,
        accept_missing: bool,
        **options,
    ):
        problems = []
        for path in files:
            problem = self._import(path, currency=currency, accept_missing=accept_missing)
            if problem:
                problems.append(problem)
                if len(files) > 1:
                    self.stderr.write(self.style.ERROR(problem))
        if len(problems) == 1 and len(files) == 1:
            raise CommandError(problems[0])
        if problems:
            raise CommandError(f"{len(problems)} of {len(files)} file(s) could not be imported.")

    def _import(self, path: Path, *, currency: str | None, accept_missing: bool) -> str | None:
        """Import one file; what went wrong, in one line, or None."""
        name = one_line(str(path))
        try:
            report = export_import(
                data=path.read_bytes(),
                file_name=path.name,
                today=timezone.localdate(),
                default_currency=(currency or settings.DEFAULT_CURRENCY).upper(),
                default_label="--currency" if currency else "DEFAULT_CURRENCY",
                accept_missing=accept_missing,
            )
        except OSError as exc:
            return f"{name}: cannot read the file ({one_line(exc.strerror or str(exc))})"
        except UserInputError as exc:
            return f"{name}: {one_line(str(exc))}"
        if report.held:
            share = settings.EXPORT_MAX_PAID_SHARE
            self.stderr.write(
                self.style.WARNING(
                    f"{name}: held, nothing imported. It does not list {report.missing} of the "
                    f"{report.open_before} open invoices from earlier {report.kind} exports, and "
                    f"importing it would mark them all paid (more than EXPORT_MAX_PAID_SHARE="
                    f"{share:.0%}). If the export is complete and they were paid, run:\n"
                    f"  {accept_missing_command(str(path))}"
                )
            )
            return f"{name}: held (see above); nothing was imported from it"
        self._print(report)
        return None

    def _print(self, report: ImportReport) -> None:
        self.stdout.write(f"{report.file_name}: {report.kind}")
        self.stdout.write(
            f"  {len(report.created)} new, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged, {len(report.paid)} marked paid, "
            f"{len(report.skipped)} skipped"
        )
        if report.currencies:
            self.stdout.write(f"  {report.currency_summary()}")
        if report.paid:
            self.stdout.write(f"  paid: {', '.join(report.paid)}")
        for line, reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped line {line}: {reason}"))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))
