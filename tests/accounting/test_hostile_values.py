"""A hostile cell is a skipped row with its reason, never a stored value that breaks what reads it.

One export row with an amount of 35 digits once made every later read of the invoice table fail
(reminders, the digest, the admin) until someone deleted the row by hand.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from mailagent.models import Customer, ImportRun, Invoice
from mailagent.parsing.accounting import parse_export
from mailagent.services.invoices import export_import, export_limits
from tests.conftest import outbox_messages

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
TODAY = date(2026, 11, 24)
HEADER = ["Invoice Number", "Customer", "Email", "Due Date", "Balance", "Currency"]
GOOD = ["G-1", "Good Co", "ap@good.example", "2026-10-01", "100.00", "USD"]


def csv_bytes(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def row(**changes: str) -> list[str]:
    values = dict(zip(HEADER, GOOD, strict=True)) | {"Invoice Number": "H-1"}
    names = {"number": "Invoice Number", "customer": "Customer", "email": "Email"}
    names |= {"due": "Due Date", "balance": "Balance", "currency": "Currency"}
    for key, value in changes.items():
        values[names[key]] = value
    return list(values.values())


# (what it is, the row, a word the reason must hold)
HOSTILE = [
    ("35 digits", row(balance="1" * 35), "larger than the largest"),
    ("one past the largest amount", row(balance="1000000000000.00"), "larger than the largest"),
    ("NaN", row(balance="NaN"), "not a number"),
    ("signalling NaN", row(balance="sNaN"), "not a number"),
    ("Infinity", row(balance="Infinity"), "not a number"),
    ("minus Infinity", row(balance="-Infinity"), "not a number"),
    ("exponent", row(balance="1e40"), "not a number"),
    ("small exponent", row(balance="1E2"), "not a number"),
    ("three decimal places", row(balance="10.005"), "decimal places"),
    ("a tenth of a cent", row(balance="0.001"), "decimal places"),
    ("a huge number of places", row(balance="1." + "1" * 40), "decimal places"),
    ("year 9999", row(due="9999-12-31"), "not a date an invoice can have"),
    ("year 1", row(due="0001-01-01"), "not a date an invoice can have"),
    ("year 1900", row(due="1900-03-01"), "not a date an invoice can have"),
    ("long invoice number", row(number="N" * 101), "at most 100"),
    ("long customer name", row(customer="C" * 256), "at most 255"),
    ("name whose key grows", row(customer="ß" * 128), "at most 255"),
    ("NUL in the customer", row(customer="Bad\x00Co"), "NUL"),
    ("NUL in the number", row(number="H\x00-1"), "NUL"),
    ("escape sequence", row(customer="\x1b[31mRed Co"), "control character"),
    ("line break in a name", row(customer="Two\r\nLines Co"), "control character"),
    ("bidi override", row(customer="Evil \u202eoC"), "control character"),
    ("DEL", row(number="H-1\x7f"), "control character"),
    ("C1 control", row(customer="Red\x9b31m Co"), "control character"),
    ("dangling @", row(email="billing@"), "not an address"),
    ("@ with no address", row(email="accounts @ good co"), "not an address"),
    ("underscore domain", row(email="ap@bad_domain.example"), "not an address a reminder"),
    ("non-ASCII address", row(email="josé@café.example"), "not an address a reminder"),
    ("address too long", row(email="a" * 65 + "@good.example"), "not an address a reminder"),
    ("double dot", row(email="a..b@good.example"), "not an address a reminder"),
    ("header smuggling", row(email="ap@good.example\r\nBcc: x@evil.example"), "control"),
    (
        "a mailing list",
        row(email=", ".join(f"p{n}@good.example" for n in range(11))),
        "at most 10",
    ),
    ("currency too long", row(currency="DOLLARS"), "three-letter"),
    ("currency not letters", row(currency="U$D"), "three-letter"),
    ("currency with NUL", row(currency="US\x00"), "three-letter"),
]
CONTACT_HEADER = ["Customer", "Email", "Full Name", "Phone Numbers"]
HOSTILE_CONTACTS = [
    ("long phone", ["Phone Co", "a@phone.example", "Pat", "5" * 101], "at most 100"),
    ("long contact name", ["Name Co", "a@name.example", "P" * 256, ""], "at most 255"),
    ("NUL in the phone", ["Nul Co", "a@nul.example", "Pat", "555\x001234"], "NUL"),
    ("garbage email", ["Mail Co", "<<@>>", "Pat", ""], "not an address"),
]


def contacts_bytes(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([CONTACT_HEADER, *rows])
    return out.getvalue().encode("utf-8")


class TestEachHostileCellIsASkippedRowWithItsReason:
    @pytest.mark.parametrize(("what", "cells", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
    def test_invoice_rows(self, what, cells, reason):
        export = parse_export(csv_bytes(GOOD, cells), limits=export_limits())
        assert [r.number for r in export.invoices] == ["G-1"]
        (skipped,) = export.skipped
        assert skipped.line == 3 and reason in skipped.reason
        assert "\x00" not in skipped.reason and "\n" not in skipped.reason
        assert len(skipped.reason) < 300

    @pytest.mark.parametrize(
        ("what", "cells", "reason"), HOSTILE_CONTACTS, ids=[h[0] for h in HOSTILE_CONTACTS]
    )
    def test_contact_rows(self, what, cells, reason):
        good = ["Good Co", "ap@good.example", "Pat Lee", "555-1234"]
        export = parse_export(contacts_bytes(good, cells), limits=export_limits())
        assert [c.customer for c in export.contacts] == ["Good Co"]
        (skipped,) = export.skipped
        assert reason in skipped.reason


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("999999999999.99", "999999999999.99"),  # the largest the column holds
        ("-999999999999.99", "-999999999999.99"),
        ("12.5", "12.50"),
        ("12.500", "12.50"),  # exact to the cent: kept, not a changed value
        ("(1,250.000)", "-1250.00"),
    ],
)
def test_amounts_the_column_holds_exactly_are_kept(text, stored):
    # GOOD's 100.00 shows the file's decimal mark: alone, 12.500 could be twelve thousand five
    # hundred.
    export = parse_export(csv_bytes(GOOD, row(balance=text)), limits=export_limits())
    (invoice,) = [i for i in export.invoices if i.number == "H-1"]
    assert invoice.balance == Decimal(stored)
    assert invoice.balance.as_tuple().exponent == -2


def test_the_limits_are_the_model_fields_own():
    limits = export_limits()
    balance = Invoice._meta.get_field("balance")
    assert (limits.balance.max_digits, limits.balance.decimal_places) == (
        balance.max_digits,
        balance.decimal_places,
    )
    assert limits.number == Invoice._meta.get_field("number").max_length


def test_a_report_dated_in_the_year_9999_keeps_no_date():
    data = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    export = parse_export(data.replace(b"As of November 24, 2026", b"As of 31/12/9999"))
    assert export.as_of is None
    assert "9999-12-31" in export.notes[0] and len(export.invoices) == 9


@pytest.mark.django_db
def test_a_skipped_row_does_not_mark_its_invoice_paid():
    good = csv_bytes(GOOD, row())
    export_import(data=good, file_name="a.csv", today=TODAY)
    report = export_import(data=csv_bytes(GOOD, row(balance="NaN")), file_name="b.csv", today=TODAY)
    assert report.paid == [] and len(report.skipped) == 1
    assert Invoice.objects.get(number="H-1").status == Invoice.Status.OPEN


@pytest.mark.django_db
def test_a_file_name_is_kept_on_one_line_within_its_column():
    report = export_import(
        data=csv_bytes(GOOD), file_name="evil\x00\r\nname" + "x" * 400 + ".csv", today=TODAY
    )
    run = ImportRun.objects.get()
    assert run.file_name == report.file_name
    assert run.file_name.startswith("evil name") and len(run.file_name) == 255


@pytest.mark.django_db(transaction=False)
def test_nothing_an_import_stores_breaks_another_command_or_page(admin_client, settings):
    """Every hostile row type imported (and a held export), then every reader: the reminder
    run, the digest, the portal's pages, and every admin list and change page."""
    settings.TIME_ZONE = "UTC"
    aging = (EXPORTS / "qbo_ar_aging_detail.csv").read_bytes()
    export_import(data=aging, file_name="aging.csv", today=TODAY)
    contacts = (EXPORTS / "qbo_customer_contact_list.csv").read_bytes()
    export_import(data=contacts, file_name="contacts.csv", today=TODAY)
    hostile = [cells for _, cells, _ in HOSTILE]
    largest = row(number="MAX-1", customer="Big Co", balance="999,999,999,999.99")
    data = csv_bytes(GOOD, largest, *hostile)
    report = export_import(data=data, file_name="hostile.csv", today=TODAY)
    assert report.created == ["G-1", "MAX-1"] and len(report.skipped) == len(HOSTILE)
    bad_contacts = contacts_bytes(*[cells for _, cells, _ in HOSTILE_CONTACTS])
    assert len(export_import(data=bad_contacts, file_name="c.csv", today=TODAY).skipped) == 4
    future = aging.replace(b"As of November 24, 2026", b"As of 31/12/9999")
    export_import(data=future, file_name="future.csv", today=TODAY)
    partial = b"\n".join(
        line for line in aging.split(b"\n") if not any(n in line for n in (b'"10', b'"CM'))
    )
    assert export_import(data=partial, file_name="partial.csv", today=TODAY).held

    assert Invoice.objects.count() == 11 and not Invoice.objects.filter(number="H-1").exists()
    assert Invoice.objects.get(number="MAX-1").balance == Decimal("999999999999.99")
    names = list(Customer.objects.values_list("name", flat=True))
    assert len(names) == 8 and all(n.isprintable() and len(n) < 50 for n in names)

    call_command("remind", "--today", TODAY.isoformat(), stdout=io.StringIO())
    call_command("send_digest", stdout=io.StringIO())
    digest = [m for m in outbox_messages(settings) if "daily digest" in m["Subject"]][-1]
    assert "partial.csv" in digest.get_body(("plain",)).get_content()
    for path in ("/", "/metrics/"):
        assert admin_client.get(path).status_code == 200, path
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.order_by("pk").last()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change
