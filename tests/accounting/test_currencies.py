"""Every amount is imported in the currency its data names, or its row is skipped with the reason.

An aging report in pounds (`£3,250.00`) was imported as dollars: the symbol was dropped and
DEFAULT_CURRENCY put in its place, and a reminder asked a customer for the wrong money.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from mailagent.models import AuditEvent, Invoice
from mailagent.parsing.accounting import parse_export
from mailagent.parsing.money import read_amount
from mailagent.services.invoices import export_import, export_limits

TODAY = date(2026, 11, 24)
HEADER = ["Invoice Number", "Customer", "Due Date", "Balance"]


def invoice_list(
    *balances: str,
    header: list[str] = HEADER,
    title: list[str] = (),
    extra: list[list[str]] = (),
    delimiter: str = ",",
) -> bytes:
    """One invoice per balance (more cells per row in `extra`), under optional title rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for line in title:
        writer.writerow([line])
    writer.writerow(header)
    for n, balance in enumerate(balances):
        writer.writerow(
            [f"N-{n + 1}", "Acme Ltd", "2026-10-01", balance, *(extra[n] if extra else [])]
        )
    return out.getvalue().encode("utf-8")


def one(data: bytes, *, default: str = "USD"):
    export = parse_export(data, default_currency=default, limits=export_limits())
    assert export.skipped == (), export.skipped
    (row,) = export.invoices
    return row


def skipped_reason(data: bytes, *, default: str = "USD") -> str:
    export = parse_export(data, default_currency=default, limits=export_limits())
    assert export.invoices == ()
    (skipped,) = export.skipped
    return skipped.reason


AS_DEFAULT = ", as DEFAULT_CURRENCY"
# (the balance cell, DEFAULT_CURRENCY, the amount, its currency, where the currency came from)
READ = [
    ("£3,250.00", "USD", "3250.00", "GBP", "from the £ symbol in the amounts"),
    ("€612,40", "USD", "612.40", "EUR", "from the € symbol in the amounts"),
    ("612,40 €", "USD", "612.40", "EUR", "from the € symbol in the amounts"),
    ("GBP 3,250.00", "USD", "3250.00", "GBP", "from the GBP code in the amounts"),
    ("3.250,00 EUR", "USD", "3250.00", "EUR", "from the EUR code in the amounts"),
    ("EUR3,250.00", "USD", "3250.00", "EUR", "from the EUR code in the amounts"),
    ("eur 12.50", "USD", "12.50", "EUR", "from the EUR code in the amounts"),
    ("¥3,250", "JPY", "3250", "JPY", "from the ¥ symbol in the amounts, as DEFAULT_CURRENCY"),
    ("JPY 3,250", "USD", "3250", "JPY", "from the JPY code in the amounts"),
    ("JPY 3.250", "USD", "3250", "JPY", "from the JPY code in the amounts"),
    ("CN¥3,250.00", "USD", "3250.00", "CNY", "from the CN¥ symbol in the amounts"),
    ("₩1,500,000", "USD", "1500000", "KRW", "from the ₩ symbol in the amounts"),
    ("₹1,23,456.78", "USD", "123456.78", "INR", "from the ₹ symbol in the amounts"),
    ("₽1 234,56", "USD", "1234.56", "RUB", "from the ₽ symbol in the amounts"),
    ("₺1.234,56", "USD", "1234.56", "TRY", "from the ₺ symbol in the amounts"),
    ("₪1,234.56", "USD", "1234.56", "ILS", "from the ₪ symbol in the amounts"),
    ("CHF 1'234.50", "USD", "1234.50", "CHF", "from the CHF code in the amounts"),
    ("1\u2019234.50 CHF", "USD", "1234.50", "CHF", "from the CHF code in the amounts"),
    ("kr 1.234,50", "SEK", "1234.50", "SEK", "from the kr symbol in the amounts" + AS_DEFAULT),
    ("1.234,50 kr", "NOK", "1234.50", "NOK", "from the kr symbol in the amounts" + AS_DEFAULT),
    ("US$12.00", "EUR", "12.00", "USD", "from the US$ symbol in the amounts"),
    ("CA$1,000.00", "USD", "1000.00", "CAD", "from the CA$ symbol in the amounts"),
    ("A$1,000.00", "USD", "1000.00", "AUD", "from the A$ symbol in the amounts"),
    ("NZ$1,000.00", "USD", "1000.00", "NZD", "from the NZ$ symbol in the amounts"),
    ("HK$1,000.00", "USD", "1000.00", "HKD", "from the HK$ symbol in the amounts"),
    ("S$1,000.00", "USD", "1000.00", "SGD", "from the S$ symbol in the amounts"),
    ("R$1.000,00", "USD", "1000.00", "BRL", "from the R$ symbol in the amounts"),
    ("C$1,000.00", "USD", "1000.00", "CAD", "from the C$ symbol in the amounts"),
    ("$1,000.00", "USD", "1000.00", "USD", "from the $ symbol in the amounts, as DEFAULT_CURRENCY"),
    ("$1,000.00", "CAD", "1000.00", "CAD", "from the $ symbol in the amounts, as DEFAULT_CURRENCY"),
    ("£1,450.00", "GIP", "1450.00", "GIP", "from the £ symbol in the amounts, as DEFAULT_CURRENCY"),
    ("1,234.56", "EUR", "1234.56", "EUR", "the file names none: DEFAULT_CURRENCY"),
    # Separators: thousands by space, no-break space, narrow no-break space, apostrophe.
    ("1 234,56", "EUR", "1234.56", "EUR", "the file names none: DEFAULT_CURRENCY"),
    ("1\u00a0234,56", "EUR", "1234.56", "EUR", "the file names none: DEFAULT_CURRENCY"),
    ("1\u202f234,56 €", "USD", "1234.56", "EUR", "from the € symbol in the amounts"),
    ("1'234.56", "CHF", "1234.56", "CHF", "the file names none: DEFAULT_CURRENCY"),
    ("1234,56", "EUR", "1234.56", "EUR", "the file names none: DEFAULT_CURRENCY"),
    ("1.234.567,89", "EUR", "1234567.89", "EUR", "the file names none: DEFAULT_CURRENCY"),
    # Credits, however they are written.
    ("(£250.00)", "USD", "-250.00", "GBP", "from the £ symbol in the amounts"),
    ("£(250.00)", "USD", "-250.00", "GBP", "from the £ symbol in the amounts"),
    ("-€125,00", "USD", "-125.00", "EUR", "from the € symbol in the amounts"),
    ("€-125,00", "USD", "-125.00", "EUR", "from the € symbol in the amounts"),
    ("125.00- GBP", "USD", "-125.00", "GBP", "from the GBP code in the amounts"),
    ("\u2212125,00 €", "USD", "-125.00", "EUR", "from the € symbol in the amounts"),
]  # fmt: skip


@pytest.mark.parametrize(("cell", "default", "amount", "currency", "source"), READ)
def test_the_currency_and_amount_come_from_the_cell(cell, default, amount, currency, source):
    row = one(invoice_list(cell), default=default)
    assert (row.balance, row.currency, row.currency_source) == (Decimal(amount), currency, source)


# (the balance cell, DEFAULT_CURRENCY, words the reason must hold)
REFUSED = [
    ("¥3,250", "USD", "the ¥ symbol is used by several currencies (CNY, JPY)"),
    ("¥3,250", "EUR", "the ¥ symbol is used by several currencies (CNY, JPY)"),
    ("kr 1.234,50", "USD", "the kr symbol is used by several currencies (DKK, ISK, NOK, SEK)"),
    ("$12.00", "EUR", "the $ symbol is used by several currencies"),
    ("Rs.1,234.00", "USD", "the Rs. symbol is used by several currencies"),
    ("1,234", "USD", "could be 1.234 or 1234"),
    ("1.234", "EUR", "could be 1.234 or 1234"),
    ("£12 €", "USD", "names two currencies"),
    ("1.2M", "USD", "not a number"),
    ("300K", "USD", "not a number"),
    ("1,2", "USD", "not a number"),
    ("12.3.4", "USD", "not a number"),
    ("1 23,45", "USD", "not a number"),
    ("(-5.00)", "USD", "negative twice"),
    ("JPY 12.50", "USD", "decimals its currency has not"),
    ("¤12.00", "USD", "not a number"),
]


@pytest.mark.parametrize(("cell", "default", "reason"), REFUSED)
def test_a_cell_whose_amount_or_currency_cannot_be_told_is_skipped_with_its_reason(
    cell, default, reason
):
    assert reason in skipped_reason(invoice_list(cell), default=default)


def test_the_files_other_amounts_settle_an_ambiguous_one():
    # (Read so, 1.234 has a decimal place more than the balance column keeps.)
    rows = parse_export(invoice_list("1,234", "1.234,56")).invoices
    assert [r.balance for r in rows] == [Decimal("1.234"), Decimal("1234.56")]
    rows = parse_export(invoice_list("1,234", "1,234.56"), limits=export_limits()).invoices
    assert [r.balance for r in rows] == [Decimal("1234"), Decimal("1234.56")]
    rows = parse_export(invoice_list("1.234", "1.234.567"), limits=export_limits()).invoices
    assert [r.balance for r in rows] == [Decimal("1234"), Decimal("1234567")]


def test_a_file_that_writes_amounts_both_ways_settles_nothing():
    export = parse_export(invoice_list("1,234", "1.234,56", "1,234.56"), limits=export_limits())
    assert [r.number for r in export.invoices] == ["N-2", "N-3"]
    (skipped,) = export.skipped
    assert skipped.number == "N-1" and "decimal mark" in skipped.reason


@pytest.mark.parametrize(
    ("cell", "reading"),
    [
        ("1,234.56", {".": "1234.56"}),
        ("1.234,56", {",": "1234.56"}),
        ("1 234,56", {",": "1234.56"}),
        ("1 234", {None: "1234"}),
        ("1,234", {",": "1.234", ".": "1234"}),
        ("1,234,567", {".": "1234567"}),
        ("0,125", None),
        ("0.125", {".": "0.125"}),
    ],
)
def test_what_the_digits_of_an_amount_can_mean(cell, reading):
    if reading is None:
        with pytest.raises(ValueError, match="not a number"):
            read_amount(cell)
        return
    assert read_amount(cell).readings == {k: Decimal(v) for k, v in reading.items()}


CURRENCY_HEADER = [*HEADER, "Currency"]
# (the balance cell, the Currency column, title rows, the currency, or words of the reason)
STATED = [
    ("3,250.00", "GBP", [], "GBP"),
    ("£3,250.00", "GBP", [], "GBP"),
    ("$3,250.00", "CAD", [], "CAD"),
    ("£3,250.00", "EUR", [], "the £ symbol in the amount does not match the Currency column (EUR)"),
    ("GBP 3,250.00", "EUR", [], "the GBP code in the amount does not match the Currency column"),
    ("3,250.00", "", ["All amounts in GBP"], "GBP"),
    ("3.250,00", "", ["Currency: EUR"], "EUR"),
    ("3.250,00", "", ["Amounts are shown in Euro"], "EUR"),
    ("3,250.00", "", ["Aged Receivables", "Figures in US dollars"], "USD"),
    ("€3.250,00", "", ["Currency: EUR"], "EUR"),
    ("¥3,250", "", ["Currency: JPY"], "JPY"),
    ("¥3,250.00", "", ["Currency: CNY"], "CNY"),
    ("$12.00", "", ["In EUR"], "the $ symbol in the amount does not match the report's title"),
    ("£12.00", "", ["Currency: EUR"], "does not match the report's title (EUR)"),
    ("12.00", "GBP", ["In EUR"], "the Currency column says GBP but the report's title states EUR"),
    ("12.00", "", ["In EUR", "In GBP"], "the report's title names several currencies (EUR, GBP)"),
    ("£12.00", "", ["Currency: EUR", "In GBP"], "GBP"),
    ("12.00", "DOLLARS", [], "three-letter"),
    ("12.00", "XYZ", [], "is not a three-letter ISO 4217 currency code"),
]  # fmt: skip


@pytest.mark.parametrize(("cell", "column", "title", "expected"), STATED)
def test_a_currency_column_or_the_title_states_the_currency_and_a_cell_must_agree(
    cell, column, title, expected
):
    data = invoice_list(cell, header=CURRENCY_HEADER, title=title, extra=[[column]])
    export = parse_export(data, default_currency="USD", limits=export_limits())
    if len(expected) == 3:
        (row,) = export.invoices
        assert row.currency == expected
    else:
        (skipped,) = export.skipped
        assert expected in skipped.reason


def test_a_balance_and_a_total_in_different_currencies_are_skipped():
    header = [*HEADER, "Total"]
    export = parse_export(
        invoice_list("£12.00", "£12.00", header=header, extra=[["€12.00"], ["12.00"]])
    )
    (skipped,) = export.skipped
    assert skipped.number == "N-1"
    assert "the balance and the total are in different currencies (£ and €)" in skipped.reason
    (row,) = export.invoices
    assert (row.currency, row.total) == ("GBP", Decimal("12.00"))


def test_one_file_in_several_currencies_is_read_row_by_row():
    data = invoice_list("£3,250.00", "€612,40", "$100.00", "¥5,000", "JPY 5,000", "12.00")
    export = parse_export(data, default_currency="USD", limits=export_limits())
    assert [(r.number, r.currency, r.balance) for r in export.invoices] == [
        ("N-1", "GBP", Decimal("3250.00")),
        ("N-2", "EUR", Decimal("612.40")),
        ("N-3", "USD", Decimal("100.00")),
        ("N-5", "JPY", Decimal("5000")),
        ("N-6", "USD", Decimal("12.00")),
    ]
    (skipped,) = export.skipped
    assert skipped.number == "N-4" and "¥" in skipped.reason


def test_a_semicolon_export_in_euro_with_a_title():
    data = invoice_list(
        "1.234,56", "99,00", title=["Debitorenliste", "Alle Beträge in EUR"], delimiter=";"
    )
    rows = parse_export(data, limits=export_limits()).invoices
    assert [(r.balance, r.currency, r.currency_source) for r in rows] == [
        (Decimal("1234.56"), "EUR", "stated in the report title"),
        (Decimal("99.00"), "EUR", "stated in the report title"),
    ]


def test_an_aging_report_with_symbols_only_in_its_totals_is_in_the_default_currency():
    # The QuickBooks report writes `$` only on its subtotal rows: the data rows name no currency.
    from tests.accounting.test_export_parsing import read

    export = parse_export(read("qbo_ar_aging_detail.csv"), default_currency="USD")
    assert {(r.currency, r.currency_source) for r in export.invoices} == {
        ("USD", "the file names none: DEFAULT_CURRENCY")
    }


def test_a_xero_report_in_pounds_is_read_in_pounds():
    from tests.accounting.test_export_parsing import read

    data = read("xero_aged_receivables_detail.csv").replace(b'"5,000.00"', '"£5,000.00"'.encode())
    export = parse_export(data, default_currency="USD")
    rows = {r.number: r for r in export.invoices}
    assert (rows["INV-0176"].currency, rows["INV-0176"].balance) == ("GBP", Decimal("5000.00"))
    assert rows["INV-0231"].currency == "USD"  # no symbol on its line


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.django_db
def test_the_command_says_which_currency_a_file_was_read_in(tmp_path):
    path = write(tmp_path, "pounds.csv", invoice_list("£3,250.00", "£100.00"))
    out = io.StringIO()
    call_command("import_invoices", str(path), stdout=out)
    assert "  read in GBP (from the £ symbol in the amounts)\n" in out.getvalue()
    assert set(Invoice.objects.values_list("currency", flat=True)) == {"GBP"}


@pytest.mark.django_db
def test_the_command_counts_the_rows_of_each_currency(tmp_path):
    data = invoice_list(
        "3,250.00", "100.00", "5.00", header=CURRENCY_HEADER, extra=[["GBP"], ["GBP"], ["EUR"]]
    )
    out = io.StringIO()
    call_command("import_invoices", str(write(tmp_path, "mixed.csv", data)), stdout=out)
    assert "  currencies: GBP 2 rows, EUR 1 row (from the Currency column)\n" in out.getvalue()
    data = invoice_list("£3,250.00", "€5,00", "£1.00")
    out = io.StringIO()
    call_command("import_invoices", str(write(tmp_path, "cells.csv", data)), stdout=out)
    assert (
        "  currencies: GBP 2 rows (from the £ symbol in the amounts), "
        "EUR 1 row (from the € symbol in the amounts)\n"
    ) in out.getvalue()


@pytest.mark.django_db
def test_the_command_names_the_default_it_fell_back_on(tmp_path, settings):
    settings.DEFAULT_CURRENCY = "USD"
    path = write(tmp_path, "plain.csv", invoice_list("12.00"))
    out = io.StringIO()
    call_command("import_invoices", str(path), stdout=out)
    assert "  read in USD (the file names none: DEFAULT_CURRENCY)\n" in out.getvalue()
    path = write(tmp_path, "plain2.csv", invoice_list("13.00"))
    out = io.StringIO()
    call_command("import_invoices", "--currency", "eur", str(path), stdout=out)
    assert "  read in EUR (the file names none: --currency)\n" in out.getvalue()


@pytest.mark.django_db
def test_the_import_report_and_its_audit_event_record_the_currencies():
    data = invoice_list("£3,250.00", "GBP 1.00", "€5,00")
    report = export_import(data=data, file_name="mixed.csv", today=TODAY)
    assert report.currencies == {"GBP": 2, "EUR": 1}
    assert report.currency_sources == {
        "GBP": ["from the £ symbol in the amounts", "from the GBP code in the amounts"],
        "EUR": ["from the € symbol in the amounts"],
    }
    event = AuditEvent.objects.get(action="export.imported")
    assert event.details["currencies"] == {"GBP": 2, "EUR": 1}
    assert "GBP 2 rows" in event.summary
