"""Whatever file a person hands the importer, it reads the text encodings exports come in and says
in one line what is wrong with anything else: no traceback, nothing imported from it."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date
from decimal import Decimal
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, Customer, ImportRun, InboundEmail, Invoice
from mailagent.services.invoices import export_folder_import
from mailagent.services.pipeline import inbox_run_once

pytestmark = pytest.mark.django_db

TEXT = 'Invoice number,Customer,Due date,Balance\r\nF-1,Café Crème,2026-10-01,"1,234.50"\r\n'


def workbook(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return out.getvalue()


NOISE = random.Random(7).randbytes(4096)
READABLE = {
    "UTF-8": TEXT.encode("utf-8"),
    "UTF-8 with BOM": TEXT.encode("utf-8-sig"),
    "UTF-16 LE with BOM": b"\xff\xfe" + TEXT.encode("utf-16-le"),
    "UTF-16 BE with BOM": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "UTF-16 LE without BOM": TEXT.encode("utf-16-le"),
    "UTF-16 tab-separated (Excel's Unicode text)": b"\xff\xfe"
    + TEXT.replace(",", "\t").replace('"1\t234.50"', "1234.50").encode("utf-16-le"),
    "Windows-1252": TEXT.encode("cp1252"),
}
UNREADABLE = {
    "PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document"),
    "xlsx": (
        workbook("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"),
        "looks like an Excel workbook (.xlsx), not a CSV file: export the report as CSV",
    ),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE, "an Excel workbook (.xls)"),
    "zip": (workbook("report.txt"), "a ZIP archive"),
    "damaged zip": (b"PK\x03\x04" + NOISE[:100], "a ZIP archive (damaged)"),
    "PNG": (b"\x89PNG\r\n\x1a\n" + NOISE[:200], "a PNG image"),
    "random bytes with NULs": (NOISE, "not text (it holds binary data)"),
    "random bytes without NULs": (NOISE.replace(b"\x00", b"\x01"), "binary data"),
    "empty": (b"", "The file is empty."),
    "only line breaks": (b"\r\n\r\n  \r\n", "The file is empty."),
    "only a byte-order mark": (b"\xef\xbb\xbf", "The file is empty."),
    "UTF-16 mark, odd bytes": (
        b"\xff\xfe" + TEXT.encode("utf-16-le") + b"\x00",
        "marked as UTF-16-LE text but is not valid",
    ),
    "no header row": (b"hello world\nthis is a note\n", "no header row"),
    "unknown columns": (b"Name,Colour\nsky,blue\n", "not an export the importer recognises"),
    "unknown columns with a line break": (
        b'"Note\nabout\x00",Customer\nsky,blue\n',
        "Columns found: Note about, Customer.",
    ),
    "a cell of 200 kB": (
        b"Invoice number,Customer,Due date,Balance\nA-1,Co,2026-10-01," + b"9" * 200_000,
        "cannot be read as CSV",
    ),
}


@pytest.mark.parametrize("encoding", READABLE, ids=list(READABLE))
def test_exports_in_the_encodings_they_come_in_are_read(encoding, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(READABLE[encoding])
    call_command("import_invoices", str(path), stdout=io.StringIO())
    invoice = Invoice.objects.get(number="F-1")
    assert invoice.customer.name == "Café Crème"
    assert invoice.balance == Decimal("1234.50")


@pytest.mark.parametrize("kind", UNREADABLE, ids=list(UNREADABLE))
def test_a_file_that_cannot_be_read_is_refused_in_one_line(kind, tmp_path, capsys):
    data, expected = UNREADABLE[kind]
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_invoices", str(path))
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message and "\x00" not in message and len(message) < 600
    assert "Traceback" not in capsys.readouterr().err
    assert not Invoice.objects.exists() and not Customer.objects.exists()
    assert not ImportRun.objects.exists()


def test_with_several_files_each_unreadable_one_gets_its_line(tmp_path, capsys):
    good, pdf = tmp_path / "good.csv", tmp_path / "report.pdf"
    good.write_bytes(READABLE["UTF-8"])
    pdf.write_bytes(UNREADABLE["PDF"][0])
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_invoices", str(pdf), str(good), stdout=io.StringIO())
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{pdf}: This file is a PDF document")
    assert Invoice.objects.filter(number="F-1").exists()


def export_mail(data: bytes, name: str = "A_R Aging Detail.csv") -> bytes:
    msg = EmailMessage()
    msg["From"] = "QuickBooks <no-reply@quickbooks.example>"
    msg["To"] = "agent@acme.example"
    msg["Subject"] = "Your scheduled report: A/R Aging Detail"
    msg["Message-ID"] = "<report-1@quickbooks.example>"
    msg.set_content("Your report is attached.")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


@pytest.mark.parametrize("kind", ["PDF", "xlsx", "random bytes with NULs", "empty"])
def test_an_unreadable_file_by_email_is_quarantined_with_the_reason(kind, settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    data, expected = UNREADABLE[kind]
    (settings.INBOX_DIR / "report.eml").write_bytes(export_mail(data))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    email = InboundEmail.objects.get()
    assert email.status == InboundEmail.Status.QUARANTINED
    assert email.error.startswith("No attachment could be imported: A_R Aging Detail.csv: ")
    assert expected in email.error and "\n" not in email.error
    assert AuditEvent.objects.filter(action="email.quarantined").exists()
    assert not Invoice.objects.exists()


def test_an_attachment_name_with_control_characters_is_kept_on_one_line(settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    raw = export_mail(READABLE["UTF-16 LE with BOM"], name="aging\x1b[2J.csv")
    (settings.INBOX_DIR / "report.eml").write_bytes(raw)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert InboundEmail.objects.get().status == InboundEmail.Status.PROCESSED
    assert ImportRun.objects.get().file_name == "aging[2J.csv"


def test_an_unreadable_file_in_the_export_folder_is_recorded_once(tmp_path):
    (tmp_path / "report.csv").write_bytes(UNREADABLE["xlsx"][0])
    export_folder_import(folder=tmp_path, today=date(2026, 11, 24))
    export_folder_import(folder=tmp_path, today=date(2026, 11, 24))
    run = ImportRun.objects.get()
    assert run.kind == "refused" and "Excel workbook" in run.skipped[0]["reason"]
