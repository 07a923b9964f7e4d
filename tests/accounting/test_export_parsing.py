"""Reading accounting exports: recognised by content, columns by name, amounts never guessed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mailagent.parsing.accounting import ExportKind, UnknownExport, parse_export
from mailagent.parsing.money import UnreadableValue, parse_amount, parse_date

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"


def read(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("qbo_ar_aging_detail.csv", ExportKind.QBO_AGING),
        ("qbo_customer_contact_list.csv", ExportKind.QBO_CONTACTS),
        ("xero_aged_receivables_detail.csv", ExportKind.XERO_AGING),
        ("xero_contacts.csv", ExportKind.XERO_CONTACTS),
        ("generic_invoices.csv", ExportKind.INVOICE_LIST),
    ],
)
def test_each_export_is_recognised_by_its_content(name, kind, tmp_path):
    assert parse_export(read(name)).kind is kind
    # The file name plays no part.
    assert parse_export(read(name).replace(b"\r\n", b"\n")).kind is kind


def test_quickbooks_aging_reads_every_invoice_and_credit_and_skips_layout_rows():
    export = parse_export(read("qbo_ar_aging_detail.csv"))
    assert export.as_of == date(2026, 11, 24)
    by_number = {row.number: row for row in export.invoices}
    assert sorted(by_number) == sorted(
        ["1068", "1071", "1051", "1057", "CM-14", "1039", "1042", "1027", "1003"]
    )
    assert by_number["1057"].balance == Decimal("1150.00")
    assert by_number["1057"].total == Decimal("2150.00")
    assert by_number["1057"].due_date == date(2026, 11, 19)
    assert by_number["1003"].balance == Decimal("9600.00")
    assert by_number["CM-14"].is_credit and by_number["CM-14"].balance == Decimal("-125.00")
    assert not by_number["1068"].is_credit
    assert {row.currency for row in export.invoices} == {"USD"}
    assert export.skipped == ()
    total = sum(row.balance for row in export.invoices)
    assert total == Decimal("23090.75")  # the report's own TOTAL open balance


def test_xero_aged_receivables_groups_invoices_under_their_contact():
    export = parse_export(read("xero_aged_receivables_detail.csv"), default_currency="GBP")
    rows = {row.number: row for row in export.invoices}
    assert rows["INV-0231"].customer == "Atlas Fitness"
    assert rows["INV-0198"].customer == "Copperpot Kitchens"
    assert rows["CN-0012"].customer == "Lumen Optics"
    assert rows["CN-0012"].is_credit and rows["CN-0012"].balance == Decimal("-250.00")
    assert rows["INV-0231"].due_date == date(2026, 11, 5)
    assert rows["INV-0231"].balance == Decimal("1450.00")
    assert rows["INV-0231"].currency == "GBP"
    assert sum(r.balance for r in export.invoices) == Decimal("9675.00")
    assert export.as_of == date(2026, 11, 24)


def test_contact_list_with_several_emails_in_one_cell_and_a_missing_one():
    export = parse_export(read("qbo_customer_contact_list.csv"))
    contacts = {c.customer: c for c in export.contacts}
    assert contacts["Harbor Dental Group"].emails == (
        "billing@harbordental.example",
        "office@harbordental.example",
    )
    assert contacts["Miller & Sons Hardware"].emails == ()
    assert contacts["Greenleaf Cafe"].contact_name == "Priya Raman"


def test_xero_contacts_name_comes_from_first_and_last_name():
    export = parse_export(read("xero_contacts.csv"))
    contacts = {c.customer: c for c in export.contacts}
    assert contacts["Atlas Fitness"].emails == ("finance@atlasfitness.example",)
    assert contacts["Atlas Fitness"].contact_name == "Rowan Hale"


def test_plain_invoice_list_keeps_status_and_currency():
    export = parse_export(read("generic_invoices.csv"))
    rows = {row.number: row for row in export.invoices}
    assert rows["A-1002"].status == "paid" and rows["A-1002"].balance == Decimal("0.00")
    assert rows["A-1005"].status == "disputed"
    assert rows["A-1004"].emails == ()
    assert rows["A-1001"].currency == "USD"


def test_columns_are_found_by_name_when_reordered_and_renamed():
    csv = (
        b"Balance Due,Client,Due,Invoice No,Currency Code\n"
        b'"$1,500.00",Pine & Pixel Design,2026-10-01,A-9,usd\n'
    )
    (row,) = parse_export(csv).invoices
    assert (row.number, row.customer, row.balance, row.currency) == (
        "A-9",
        "Pine & Pixel Design",
        Decimal("1500.00"),
        "USD",
    )


def test_rows_that_cannot_be_read_are_reported_with_their_reason_not_imported():
    csv = (
        b"invoice_number,customer,due_date,balance\n"
        b"A-1,Good Co,2026-10-01,100.00\n"
        b"A-2,Bad Amount Co,2026-10-01,12.3.4\n"
        b",No Number Co,2026-10-01,50.00\n"
        b"A-4,Bad Date Co,the first of May,50.00\n"
        b"A-5,,2026-10-01,50.00\n"
    )
    export = parse_export(csv)
    assert [row.number for row in export.invoices] == ["A-1"]
    reasons = {s.line: s.reason for s in export.skipped}
    assert "amount" in reasons[3] and "12.3.4" in reasons[3]
    assert reasons[4] == "no invoice number"
    assert "date" in reasons[5]
    assert "no customer" in reasons[6]


def test_day_first_dates_are_recognised_from_the_file_itself():
    csv = (
        b"invoice_number,customer,due_date,balance\n"
        b"A-1,Co,03/04/2026,1.00\n"
        b"A-2,Co,25/04/2026,1.00\n"
    )
    rows = parse_export(csv).invoices
    assert [r.due_date for r in rows] == [date(2026, 4, 3), date(2026, 4, 25)]


def test_windows_encoded_export_with_bom_and_semicolons():
    csv = "\ufeffInvoice number;Customer;Due date;Balance\r\nF-1;Café Crème;2026-10-01;1.234,50\r\n"
    (row,) = parse_export(csv.encode("utf-8")).invoices
    assert row.customer == "Café Crème" and row.balance == Decimal("1234.50")
    latin = csv.replace("\ufeff", "").encode("cp1252")
    (row,) = parse_export(latin).invoices
    assert row.customer == "Café Crème"


def test_an_unrelated_file_is_refused_with_what_was_found():
    with pytest.raises(UnknownExport, match="Columns found: Name, Colour"):
        parse_export(b"Name,Colour\nsky,blue\n")
    with pytest.raises(UnknownExport):
        parse_export(b"")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,200.00", "1200.00"),
        ("$4,675.50", "4675.50"),
        ("(250.00)", "-250.00"),
        ("-125.00", "-125.00"),
        ("125.00-", "-125.00"),
        ("£ 1,450.00", "1450.00"),
        ("1.234,56", "1234.56"),
        ("12,50", "12.50"),
        ("USD 99", "99"),
        ("0.00", "0.00"),
    ],
)
def test_amounts_as_exports_write_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "12.3.4", "1,2", "abc", "1,2345.00", "--5", "1.234.5"])
def test_amounts_that_could_be_read_two_ways_or_not_at_all_are_refused(text):
    with pytest.raises(UnreadableValue):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("11/01/2026", "mdy", date(2026, 11, 1)),
        ("11/01/2026", "dmy", date(2026, 1, 11)),
        ("06 Oct 2026", "mdy", date(2026, 10, 6)),
        ("2026-10-06", "dmy", date(2026, 10, 6)),
        ("November 24, 2026", "mdy", date(2026, 11, 24)),
        ("24 November 2026", "mdy", date(2026, 11, 24)),
    ],
)
def test_dates_in_the_formats_exports_use(text, order, expected):
    assert parse_date(text, order=order) == expected
