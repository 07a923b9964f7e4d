"""Importing exports into customers and invoices: idempotent, payments noticed, skips explained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mailagent.models import AuditEvent, Customer, ImportRun, Invoice
from mailagent.services.invoices import export_import

pytestmark = pytest.mark.django_db
EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
TODAY = date(2026, 11, 24)


def load(name: str, data: bytes | None = None, today: date = TODAY):
    return export_import(
        data=data if data is not None else (EXPORTS / name).read_bytes(),
        file_name=name,
        today=today,
    )


def test_aging_report_creates_customers_invoices_and_credits():
    report = load("qbo_ar_aging_detail.csv")
    assert len(report.created) == 9
    assert Customer.objects.count() == 6
    credit = Invoice.objects.get(number="CM-14")
    assert credit.kind == Invoice.Kind.CREDIT and credit.balance == Decimal("-125.00")
    assert credit.customer.name == "Oakridge Property Mgmt"
    marina = Invoice.objects.get(number="1003")
    assert (marina.currency, marina.balance, marina.total) == (
        "USD",
        Decimal("9600.00"),
        Decimal("12600.00"),
    )


def test_importing_the_same_file_twice_changes_nothing():
    load("qbo_customer_contact_list.csv")
    load("qbo_ar_aging_detail.csv")
    before = list(Invoice.objects.order_by("number").values())
    events = AuditEvent.objects.exclude(action="export.imported").count()
    second = load("qbo_ar_aging_detail.csv")
    again = load("qbo_customer_contact_list.csv")
    assert (second.created, second.updated, second.paid, second.unchanged) == ([], [], [], 9)
    assert (again.created, again.updated) == ([], [])
    assert list(Invoice.objects.order_by("number").values()) == before
    assert AuditEvent.objects.exclude(action="export.imported").count() == events


def test_contact_list_gives_customers_their_emails():
    load("qbo_ar_aging_detail.csv")
    load("qbo_customer_contact_list.csv")
    dental = Customer.objects.get(name="Harbor Dental Group")
    assert dental.emails == ["billing@harbordental.example", "office@harbordental.example"]
    assert Customer.objects.get(name="Miller & Sons Hardware").emails == []


def test_an_invoice_missing_from_a_newer_export_is_marked_paid_and_counted_collected():
    load("qbo_ar_aging_detail.csv")
    newer = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    newer = newer.replace(b"As of November 24, 2026", b"As of November 30, 2026")
    lines = [line for line in newer.split(b"\n") if b'"1051"' not in line]
    report = load("newer.csv", data=b"\n".join(lines), today=date(2026, 11, 30))
    assert report.paid == ["1051"]
    paid = Invoice.objects.get(number="1051")
    assert paid.status == Invoice.Status.PAID
    assert paid.collected == Decimal("860.00")
    assert paid.paid_on == date(2026, 11, 30)
    event = AuditEvent.objects.get(action="invoice.paid")
    assert event.details["collected"] == "860.00" and event.details["after_reminder"] is False


def test_an_older_export_imported_late_does_not_mark_anything_paid():
    newer = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    load("newer.csv", data=newer.replace(b"November 24", b"November 30"), today=date(2026, 11, 30))
    lines = [line for line in newer.split(b"\n") if b'"1051"' not in line]
    report = load("older.csv", data=b"\n".join(lines))
    assert report.paid == []
    assert "newer export" in report.warnings[0]
    assert Invoice.objects.get(number="1051").status == Invoice.Status.OPEN


def test_a_balance_falling_to_zero_marks_the_invoice_paid():
    load("generic_invoices.csv")
    data = (EXPORTS / "generic_invoices.csv").read_bytes()
    data = data.replace(b"2400.00,2400.00,open", b"2400.00,0.00,paid")
    report = load("generic_invoices.csv", data=data)
    assert report.paid == ["A-1001"]
    assert Invoice.objects.get(number="A-1001").collected == Decimal("2400.00")


def test_statuses_from_a_plain_list_are_kept():
    load("generic_invoices.csv")
    assert Invoice.objects.get(number="A-1005").status == Invoice.Status.DISPUTED
    assert Invoice.objects.get(number="A-1002").status == Invoice.Status.PAID


def test_the_command_prints_what_it_did_and_each_skip_with_its_reason(tmp_path, capsys):
    bad = tmp_path / "mixed.csv"
    bad.write_text(
        "invoice_number,customer,due_date,balance\n"
        "A-1,Good Co,2026-10-01,100.00\n"
        "A-2,Bad Co,2026-10-01,one hundred\n"
    )
    call_command("import_invoices", str(bad))
    out = capsys.readouterr().out
    assert "1 new" in out and "1 skipped" in out
    assert "skipped line 3: the amount 'one hundred'" in out
    assert ImportRun.objects.get().skipped == [
        {
            "line": 3,
            "reason": "the amount 'one hundred' is not a number this importer can read safely",
        }
    ]
    assert not Invoice.objects.filter(number="A-2").exists()


def test_the_command_refuses_an_unknown_file_and_exits_non_zero(tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("Name,Colour\nsky,blue\n")
    with pytest.raises(CommandError):
        call_command("import_invoices", str(other), str(tmp_path / "missing.csv"))
    err = capsys.readouterr().err
    assert "not an export the importer recognises" in err
    assert "cannot read the file" in err
