"""A partial or wrong export must not mark as paid every invoice it leaves out: it is held, whole,
until a person imports it by hand with --accept-missing, and the digest says so until then."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, ImportRun, InboundEmail, Invoice
from mailagent.services.digest import digest_send
from mailagent.services.export_holds import exports_held, paid_share_held
from mailagent.services.invoices import export_import
from mailagent.services.pipeline import inbox_run_once
from tests.conftest import outbox_messages

pytestmark = pytest.mark.django_db
EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
TODAY = date(2026, 11, 24)
AGING = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
# The aging report lists nine open invoices and credits; these keep only four of them.
KEPT = (b'"1068"', b'"1071"', b'"1051"', b'"1057"')


def without(*numbers: bytes, data: bytes = AGING) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if not any(n in line for n in numbers))


def partial() -> bytes:
    gone = (b'"CM-14"', b'"1039"', b'"1042"', b'"1027"', b'"1003"')
    return without(*gone).replace(b"1,200.00", b"1,100.00")  # and one balance changed


@pytest.fixture
def books():
    export_import(data=AGING, file_name="aging.csv", today=TODAY)
    return Invoice.objects.filter(status=Invoice.Status.OPEN).count()


def open_numbers() -> set[str]:
    return set(Invoice.objects.filter(status=Invoice.Status.OPEN).values_list("number", flat=True))


@pytest.mark.parametrize(
    ("missing", "open_before", "held"),
    [
        (1, 1, False),  # one invoice, paid: 100%, but an ordinary day
        (3, 3, False),  # a small book paid up
        (3, 4, False),
        (4, 4, True),
        (4, 8, False),  # exactly half is not more than half
        (5, 9, True),
        (51, 100, True),
        (50, 100, False),
    ],
)
def test_the_rule_holds_only_more_than_three_and_more_than_the_share(missing, open_before, held):
    assert paid_share_held(missing=missing, open_before=open_before, max_share=0.5) is held


def test_a_partial_export_is_held_whole_and_nothing_is_marked_paid(books):
    before = list(Invoice.objects.order_by("number").values())
    report = export_import(data=partial(), file_name="partial.csv", today=TODAY)
    assert report.held and (report.missing, report.open_before) == (5, books)
    assert report.paid == [] and report.updated == [] and report.created == []
    assert list(Invoice.objects.order_by("number").values()) == before
    run = ImportRun.objects.get(file_name="partial.csv")
    assert run.held and (run.missing, run.open_before, run.marked_paid) == (5, 9, 0)
    event = AuditEvent.objects.get(action="export.held")
    assert "would mark 5 of the 9 open invoices" in event.summary
    assert not AuditEvent.objects.filter(action="invoice.paid").exists()


def test_the_command_says_why_and_how_to_force_it(books, tmp_path, capsys):
    path = tmp_path / "A_R Aging Detail.csv"
    path.write_bytes(partial())
    with pytest.raises(CommandError, match="held"):
        call_command("import_invoices", str(path), stdout=io.StringIO())
    err = capsys.readouterr().err
    assert "held, nothing imported" in err and "5 of the 9 open invoices" in err
    assert "EXPORT_MAX_PAID_SHARE=50%" in err
    assert f"python manage.py import_invoices --accept-missing '{path}'" in err
    assert len(open_numbers()) == 9

    out = io.StringIO()
    call_command("import_invoices", "--accept-missing", str(path), stdout=out)
    assert "5 marked paid" in out.getvalue()
    assert open_numbers() == {n.strip(b'"').decode() for n in KEPT}
    assert Invoice.objects.get(number="1068").balance == 1100
    run = ImportRun.objects.filter(held=False).latest("pk")
    assert (run.marked_paid, run.missing) == (5, 5)
    assert AuditEvent.objects.get(action="export.imported", target_id=run.pk).details[
        "accept_missing"
    ]


def test_a_normal_day_is_not_held(books):
    report = export_import(data=without(b'"1051"'), file_name="next.csv", today=TODAY)
    assert not report.held and report.paid == ["1051"]


def test_an_export_listing_no_invoices_at_all_is_held(books):
    header_only = AGING.split(b"\n")[:5]
    report = export_import(data=b"\n".join(header_only), file_name="empty.csv", today=TODAY)
    assert report.held and report.missing == 9
    assert len(open_numbers()) == 9


def test_every_row_skipped_counts_as_listed_not_as_gone(books):
    broken = AGING.replace(b'"12/', b'"99/').replace(b'"11/', b'"99/').replace(b'"10/', b'"99/')
    report = export_import(data=broken, file_name="broken.csv", today=TODAY)
    assert report.skipped and not report.held and report.paid == []
    assert len(open_numbers()) == 9


def test_the_share_is_a_setting(books, settings):
    settings.EXPORT_MAX_PAID_SHARE = 1.0
    assert not export_import(data=partial(), file_name="p.csv", today=TODAY).held
    assert len(open_numbers()) == 4


def held_mail(data: bytes, name: str = "A_R Aging Detail.csv") -> bytes:
    msg = EmailMessage()
    msg["From"] = "QuickBooks <no-reply@quickbooks.example>"
    msg["To"] = "agent@acme.example"
    msg["Subject"] = "Your scheduled report: A/R Aging Detail"
    msg["Message-ID"] = "<report-2@quickbooks.example>"
    msg.set_content("Your report is attached.")
    msg.add_attachment(data, maintype="text", subtype="csv", filename=name)
    return bytes(msg)


def test_an_export_by_email_is_held_the_same_way(books, settings):
    settings.ACCOUNTING_EXPORT_SENDERS = ["@quickbooks.example"]
    (settings.INBOX_DIR / "report.eml").write_bytes(held_mail(partial()))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    email = InboundEmail.objects.get()
    assert email.status == InboundEmail.Status.PROCESSED
    event = AuditEvent.objects.get(action="export.received_by_email")
    assert "held, it would mark 5 of the 9 open invoices paid" in event.summary
    assert len(open_numbers()) == 9
    assert ImportRun.objects.get(held=True).file_name == "A_R Aging Detail.csv"


def digest_text(settings) -> tuple[str, str, str]:
    digest = [m for m in outbox_messages(settings) if "daily digest" in m["Subject"]][-1]
    text = digest.get_body(("plain",)).get_content()
    return digest["Subject"], text, digest.get_body(("html",)).get_content()


def test_the_digest_lists_a_held_export_until_it_is_settled(books, settings):
    settings.TIME_ZONE = "UTC"
    settings.DIGEST_RECIPIENTS = []
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=UTC), tick=False):
        export_import(data=partial(), file_name="A_R Aging Detail.csv", today=TODAY)
        export_import(data=partial(), file_name="A_R Aging Detail.csv", today=TODAY)
    with time_machine.travel(datetime(2026, 11, 25, 7, 30, tzinfo=UTC), tick=False):
        digest_send()
    subject, text, html = digest_text(settings)
    assert "1 export(s) held" in subject
    assert "EXPORTS HELD, NOTHING IMPORTED (1)" in text
    assert "- A_R Aging Detail.csv (QuickBooks A/R Aging Detail, held 24 Nov 09:00)" in text
    assert "it would have marked 5 of 9 open invoices paid at once" in text
    command = "python manage.py import_invoices --accept-missing 'A_R Aging Detail.csv'"
    assert command in text and command.replace("'", "&#x27;") in html
    assert "save the attachment first if it came by email" in text

    export_import(
        data=partial(), file_name="A_R Aging Detail.csv", today=TODAY, accept_missing=True
    )
    assert exports_held() == []
