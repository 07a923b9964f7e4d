"""Hypothesis strategies for accounting exports, with the rows each must be read as.

`export_files()` draws one export file in one of the shapes the importer reads (a plain invoice
list, a QuickBooks "A/R Aging Detail", a Xero "Aged Receivables Detail", with the column layouts
of `tests/fixtures/exports/`) and returns `(csv_bytes, expected_rows)`: the bytes as the
accounting package would write them, and for every invoice or credit in them, what
`parse_export(csv_bytes, default_currency=DEFAULT_CURRENCY)` must give (number, customer,
balance, currency, due date, whether it is a credit). Each file draws:

- customers with quotes, commas, apostrophes, ampersands and non-ASCII letters;
- how the currency is told: a currency column, an ISO code in the cells (`GBP 3,250.00`,
  `3.250,00 EUR`), a symbol (`£`, `€`, `JP¥`, `US$`, `CA$` ...), the report's title ("Currency:
  EUR"), or nothing (the default; a bare `$` when the default is a dollar);
- the delimiter (`,` `;` tab) and the number style (`1,234.56`, `1.234,56`, `1 234,56` with a
  space, a no-break or a narrow no-break space, `1'234.56`, `1234,56`, `1234.56`);
- credits (negative, parenthesised, trailing minus, credit memo and credit note rows) and dates.

    from hypothesis import given
    from tests.accounting.strategies import DEFAULT_CURRENCY, export_files

    @given(export_files())
    def test_something(export):
        data, expected = export
        ...

Only what a reader can tell for certain is generated: no ambiguous symbol without a stated
currency, no `1,234` in a currency with cents (every such amount is written with its cents).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

DEFAULT_CURRENCY = "USD"

# Currencies the generated files use, with a symbol that names each one alone.
SYMBOLS = {
    "USD": "US$",
    "GBP": "£",
    "EUR": "€",
    "JPY": "JP¥",
    "CNY": "CN¥",
    "KRW": "₩",
    "INR": "₹",
    "RUB": "₽",
    "TRY": "₺",
    "ILS": "₪",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "BRL": "R$",
    "CHF": "CHF",
}
NO_CENTS = {"JPY", "KRW"}
# A bare "$" is read as DEFAULT_CURRENCY, or as the dollar a row or the title states.
DOLLARS = {"USD", "CAD", "AUD", "NZD", "SGD"}
TITLE_NAMES = {"GBP": "British Pound", "EUR": "Euro", "USD": "US Dollar", "JPY": "Japanese Yen"}

# (grouping, decimal mark)
STYLES = [
    (",", "."),
    (".", ","),
    (" ", ","),
    ("\u00a0", ","),
    ("\u202f", ","),
    ("'", "."),
    ("", ","),
    ("", "."),
]


@dataclass(frozen=True)
class ExpectedRow:
    """What one invoice or credit of a generated export must be read as."""

    number: str
    customer: str
    balance: Decimal
    currency: str
    due_date: date
    is_credit: bool


@dataclass(frozen=True)
class _Row:
    number: str
    customer: str
    issue: date
    due: date
    balance: Decimal
    total: Decimal
    currency: str
    credit: bool
    email: str


def amount_text(amount: Decimal, *, currency: str, style: tuple[str, str]) -> str:
    """`amount` written with the style's grouping and decimal mark, and its currency's decimals;
    unsigned (the caller writes the sign)."""
    grouping, mark = style
    cents = currency not in NO_CENTS
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = grouping.join([whole, *groups]) if grouping else whole + "".join(groups)
    return f"{text}{mark}{fraction}" if cents else text


_NAME_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ")
    + list("éèçßøåñüÆŒ日本語Łł")
    + ['"', "'", "&", "-", ".", "(", ")", ",", ";"]
)


def _name_ok(name: str) -> bool:
    return (
        bool(name.strip())
        and name == name.strip()
        and not name.casefold().startswith("total")
        and name.count(",") + name.count(";") <= 1
        and any(ch.isalpha() for ch in name)
    )


customers = st.text(_NAME_CHARS, min_size=1, max_size=24).filter(_name_ok)

_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 28))


@st.composite
def _amount(draw, currency: str, *, credit: bool) -> Decimal:
    if currency in NO_CENTS:
        value = Decimal(draw(st.integers(min_value=1, max_value=99_999_999)))
    else:
        value = Decimal(draw(st.integers(min_value=0, max_value=9_999_999_99))) / 100
    if credit and value == 0:
        value = Decimal(1)
    return -value if credit else value


def _signed(text: str, form: str) -> str:
    return {"minus": f"-{text}", "parens": f"({text})", "trailing": f"{text}-"}[form]


@st.composite
def _cell(draw, amount: Decimal, currency: str, *, style, marker: str) -> str:
    """One amount cell; `marker` is "symbol", "code", "dollar" or "" (none)."""
    text = amount_text(amount, currency=currency, style=style)
    form = draw(st.sampled_from(["minus", "parens", "trailing"]))
    number = _signed(text, form) if amount < 0 else text
    if marker == "symbol":
        sign = SYMBOLS[currency]
    elif marker == "code":
        sign = draw(st.sampled_from([currency, currency.lower()]))
    elif marker == "dollar":
        sign = "$"
    else:
        return number
    space = draw(st.sampled_from(["", " ", "\u00a0"]))
    placement = draw(st.sampled_from(["before", "after", "inside-before", "inside-after"]))
    if placement == "before":  # £-12.00, £(12.00), £12.00-
        return f"{sign}{space}{number}"
    if placement == "after":  # -12.00 £, (12.00) £, 12.00- £
        return f"{number}{space}{sign}"
    # The sign around the symbol too: -£12.00, (£12.00), (12.00 €)
    inner = f"{sign}{space}{text}" if placement == "inside-before" else f"{text}{space}{sign}"
    return _signed(inner, form) if amount < 0 else inner


@dataclass(frozen=True)
class _Plan:
    """How one file tells its currencies."""

    mode: str  # "column", "cell", "title", "default"
    currencies: tuple[str, ...]
    style: tuple[str, str]
    delimiter: str
    title: str = ""


@st.composite
def _plan(draw) -> _Plan:
    mode = draw(st.sampled_from(["column", "cell", "title", "default"]))
    style = draw(st.sampled_from(STYLES))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    pool = sorted(SYMBOLS)
    if mode in ("column", "cell"):
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        return _Plan(mode, tuple(chosen), style, delimiter)
    if mode == "title":
        code = draw(st.sampled_from(pool))
        forms = [f"All amounts in {code}", f"Currency: {code}"]
        if code in TITLE_NAMES:
            forms.append(f"Amounts are shown in {TITLE_NAMES[code]}")
        return _Plan(mode, (code,), style, delimiter, title=draw(st.sampled_from(forms)))
    return _Plan(mode, (DEFAULT_CURRENCY,), style, delimiter)


def _markers(plan: _Plan, currency: str) -> list[str]:
    """The markers a cell of this currency may carry under the plan."""
    if plan.mode == "cell":
        return ["symbol", "code"]
    dollar = ["dollar"] if currency in DOLLARS else []
    if plan.mode == "default":
        return ["", *dollar] if DEFAULT_CURRENCY in DOLLARS else [""]
    return ["", "symbol", "code", *dollar]


@st.composite
def _rows(draw, plan: _Plan, *, numbers: str, credit_numbers: str) -> list[_Row]:
    count = draw(st.integers(min_value=1, max_value=12))
    names = draw(st.lists(customers, min_size=1, max_size=4, unique_by=str.casefold))
    rows = []
    for n in range(count):
        currency = draw(st.sampled_from(plan.currencies))
        credit = draw(st.integers(min_value=0, max_value=4)) == 0
        balance = draw(_amount(currency, credit=credit))
        paid = Decimal(0) if credit else draw(_amount(currency, credit=False))
        issue = draw(_days)
        email = draw(st.sampled_from(["", f"ap{n}@customer.example"]))
        rows.append(
            _Row(
                number=(credit_numbers if credit else numbers).format(n=n + 1),
                customer=draw(st.sampled_from(names)),
                issue=issue,
                due=draw(st.dates(min_value=issue, max_value=date(2030, 12, 31))),
                balance=balance,
                total=balance + paid if not credit else balance,
                currency=currency,
                credit=credit,
                email=email,
            )
        )
    return rows


def _expected(rows: list[_Row]) -> list[ExpectedRow]:
    return [
        ExpectedRow(r.number, r.customer, r.balance, r.currency, r.due, r.balance < 0 or r.credit)
        for r in rows
    ]


def _write(rows: list[list[str]], delimiter: str, *, quote_all: bool = False) -> bytes:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@st.composite
def _amounts(draw, row: _Row, plan: _Plan) -> tuple[str, str]:
    """(balance cell, total cell) of one row, with markers the plan allows."""
    options = _markers(plan, row.currency)
    balance_marker = draw(st.sampled_from(options))
    total_marker = draw(st.sampled_from(options))
    if plan.mode == "cell" and draw(st.booleans()):
        total_marker = ""  # one marked cell tells the row's currency
    style = plan.style
    return (
        draw(_cell(row.balance, row.currency, style=style, marker=balance_marker)),
        draw(_cell(row.total, row.currency, style=style, marker=total_marker)),
    )


@st.composite
def invoice_list(draw) -> tuple[bytes, list[ExpectedRow]]:
    """A plain invoice list (the layout of `generic_invoices.csv`)."""
    plan = draw(_plan())
    rows = draw(_rows(plan, numbers="A-{n:04d}", credit_numbers="C-{n:04d}"))
    column = plan.mode == "column"
    header = ["invoice_number", "customer", "email", "issue_date", "due_date", "total", "balance"]
    header += ["status"] + ([draw(st.sampled_from(["currency", "Currency Code", "curr"]))] * column)
    lines = [[plan.title]] if plan.title else []
    lines.append(header)
    dates = draw(st.sampled_from(["%Y-%m-%d", "%d %b %Y", "%B %d, %Y"]))
    for r in rows:
        balance, total = draw(_amounts(r, plan))
        cells = [r.number, r.customer, r.email, r.issue.strftime(dates), r.due.strftime(dates)]
        cells += [total, balance, "open"] + ([r.currency] * column)
        lines.append(cells)
    return _write(lines, plan.delimiter), _expected(rows)


_QBO_SECTIONS = ["Current", "1 - 30 days past due", "31 - 60 days past due", "91 or more"]


@st.composite
def qbo_aging(draw) -> tuple[bytes, list[ExpectedRow]]:
    """A QuickBooks Online "A/R Aging Detail" (the layout of `qbo_ar_aging_detail.csv`)."""
    plan = draw(_plan())
    rows = draw(_rows(plan, numbers="1{n:03d}", credit_numbers="CM-{n}"))
    column = plan.mode == "column"
    width = 9 + column
    blank = [""] * (width - 1)
    lines = [["A/R Aging Detail"], ["Bright Line Plumbing LLC"], ["As of November 24, 2026"]]
    if plan.title:
        lines.append([plan.title])
    lines.append([""])
    header = ["", "Date", "Transaction Type", "Num", "Customer", "Due Date", "Past Due"]
    lines.append(header + ["Amount", "Open Balance"] + ["Currency"] * column)
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=3)))
    sections = list(zip([0, *cuts], [*cuts, len(rows)], strict=True))
    for name, (start, end) in zip(_QBO_SECTIONS, sections, strict=False):
        lines.append([name, *blank])
        for r in rows[start:end]:
            balance, total = draw(_amounts(r, plan))
            kind = "Credit Memo" if r.credit else "Invoice"
            cells = ["", r.issue.strftime("%m/%d/%Y"), kind, r.number, r.customer]
            cells += [r.due.strftime("%m/%d/%Y"), str((date(2026, 11, 24) - r.due).days)]
            lines.append(cells + [total, balance] + [r.currency] * column)
        subtotal = amount_text(Decimal("1234.50"), currency="USD", style=plan.style)
        lines.append([f"Total for {name}", *blank[:6], subtotal, subtotal] + [""] * column)
    lines.append(["TOTAL", *blank])
    lines += [[""], ["Tuesday, Nov 24, 2026 08:12:31 AM GMT-05:00 - Accrual Basis"]]
    data = b"\xef\xbb\xbf" + _write(lines, plan.delimiter, quote_all=True)
    return data, _expected(rows)


@st.composite
def xero_aging(draw) -> tuple[bytes, list[ExpectedRow]]:
    """A Xero "Aged Receivables Detail" (the layout of `xero_aged_receivables_detail.csv`):
    invoices grouped under a row holding only the contact's name. It has no currency column."""
    plan = draw(_plan().filter(lambda p: p.mode != "column"))
    rows = draw(_rows(plan, numbers="INV-{n:04d}", credit_numbers="CN-{n:04d}"))
    rows.sort(key=lambda r: r.customer)
    lines = [["Aged Receivables Detail"], ["Northwind Studio Ltd"], ["As at 24 November 2026"]]
    lines += [[plan.title]] if plan.title else []
    lines += [["Ageing by due date"], []]
    header = ["Invoice Date", "Invoice Number", "Invoice Reference", "Due Date", "Current"]
    lines.append([*header, "< 1 Month", "1 Month", "2 Months", "Older", "Total"])
    zero = amount_text(Decimal(0), currency="USD", style=plan.style)
    current = None
    for r in rows:
        if r.customer != current:
            if current is not None:
                lines.append([f"Total {current}"] + [""] * 3 + [zero] * 6)
            lines.append([r.customer])
            current = r.customer
        balance, _total = draw(_amounts(r, plan))
        bucket = draw(st.integers(0, 4))
        buckets = [balance if i == bucket else zero for i in range(5)]
        reference = draw(st.sampled_from(["", "Retainer", "Credit note" if r.credit else "Work"]))
        cells = [r.issue.strftime("%d %b %Y"), r.number, reference, r.due.strftime("%d %b %Y")]
        lines.append(cells + buckets + [balance])
    lines.append([f"Total {current}"] + [""] * 3 + [zero] * 6)
    lines.append(["Total"] + [""] * 3 + [zero] * 6)
    return _write(lines, plan.delimiter), _expected(rows)


def export_files() -> st.SearchStrategy[tuple[bytes, list[ExpectedRow]]]:
    """One export in any of the three shapes: `(csv_bytes, expected_rows)`, to be read with
    `parse_export(csv_bytes, default_currency=DEFAULT_CURRENCY)`."""
    return st.one_of(invoice_list(), qbo_aging(), xero_aging())
