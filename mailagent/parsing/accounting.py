"""Accounting exports -> invoice and contact rows. PURE: bytes in, values out.

Recognised by content, not by file name: QuickBooks Online "A/R Aging Detail" and "Customer
Contact List", Xero "Aged Receivables Detail" and its contacts export, and a plain invoice list.
Real exports carry title rows before the header, section and subtotal rows between the data, a
byte-order mark, thousands separators, currency symbols, parenthesised credits, several emails in
one cell. Columns are found by name, never by position. A row that cannot be read with certainty
is returned in `skipped` with its reason; it is never half-imported. Nor is a row whose values the
database could not hold as they are (see `mailagent.parsing.limits`).

To add an export format: open `mailagent/parsing/export_formats.py` and add one entry to
`FORMATS` (its detector, date order and reader; any new column names go in `ROLES` there), a
fixture in `tests/fixtures/exports/`, and its test (`tests/accounting/test_export_formats.py`
checks that every entry reads a fixture and that no fixture is claimed by two entries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mailagent.parsing.amounts import AmountRules, decimal_mark_of
from mailagent.parsing.currencies import CurrencyRules, stated_currency
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.export_formats import (
    FORMATS,
    Body,
    ContactRow,
    ExportFormat,
    ExportHeader,
    ExportKind,
    InvoiceRow,
    SkippedRow,
    cells_of,
    customer_key,
    roles_of,
)
from mailagent.parsing.limits import FieldLimits, date_checked
from mailagent.parsing.money import UnreadableValue, date_order, parse_date

__all__ = [
    "ContactRow",
    "ExportKind",
    "InvoiceRow",
    "ParsedExport",
    "SkippedRow",
    "UnknownExport",
    "customer_key",
    "export_format",
    "export_header",
    "parse_export",
]


@dataclass(frozen=True)
class ParsedExport:
    kind: ExportKind
    as_of: date | None
    invoices: tuple[InvoiceRow, ...] = ()
    contacts: tuple[ContactRow, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    notes: tuple[str, ...] = ()


_AS_OF = re.compile(r"^\s*as (?:of|at)\s+(.+?)\s*$", re.IGNORECASE)


def export_header(rows: list[list[str]]) -> tuple[int, ExportHeader]:
    """The header among a file's first 40 rows (the one naming the most column roles), and its
    index. Raises `UnknownExport` when none of them names a column an export has."""
    at, roles = -1, {}
    for index, row in enumerate(rows[:40]):
        found = roles_of(row)
        if len(found) > len(roles):
            at, roles = index, found
    if at < 0:
        raise UnknownExport(
            "The file has no header row: none of its first 40 rows names the columns of an "
            "export (such as invoice number, customer, due date, balance, or email)."
        )
    title = " ".join(" ".join(r) for r in rows[:at])
    return at, ExportHeader(cells=rows[at], roles=roles, title=title)


def export_format(header: ExportHeader) -> ExportFormat:
    """The entry of `FORMATS` whose detector accepts `header`. Raises `UnknownExport`, naming
    the columns found, when none does."""
    for candidate in FORMATS:
        if candidate.detect(header):
            return candidate
    names = one_line(", ".join(c for c in header.cells if c.strip()) or "none", limit=200)
    raise UnknownExport(
        "This file is not an export the importer recognises. It needs an invoice list (invoice "
        "number, customer, due date, balance), an A/R aging report, or a contact list "
        f"(customer, email). Columns found: {names}."
    )


def _as_of(title_rows: list[list[str]]) -> tuple[date | None, tuple[str, ...]]:
    for row in title_rows:
        for cell in row:
            found = _AS_OF.match(cell)
            if found:
                try:
                    return date_checked(parse_date(found.group(1), order="dmy"), what="as-of"), ()
                except UnreadableValue as exc:
                    # A report "as of 9999" would make every later export look older than it.
                    return None, (f"{exc}: the report's date is ignored",)
    return None, ()


def parse_export(
    data: bytes,
    *,
    default_currency: str = "USD",
    default_label: str = "DEFAULT_CURRENCY",
    limits: FieldLimits | None = None,
) -> ParsedExport:
    """Read one export file. Raises `UnknownExport` when the file is none of the known kinds.

    Each amount's currency is the one its row, its cells or the report's title names; only
    where the file names none is it `default_currency` (`default_label` says, in the summary,
    where that came from). With `limits` (the importer always gives them), a row whose values
    its columns could not hold exactly is skipped with the reason."""
    rows = export_rows(data)
    header_at, header = export_header(rows)
    fmt = export_format(header)
    roles, title_rows = header.roles, rows[:header_at]
    body: Body = [(header_at + 2 + i, row) for i, row in enumerate(rows[header_at + 1 :])]
    as_of, notes = _as_of(title_rows)
    if fmt.is_contacts:
        contacts, skipped = fmt.read(body, roles, limits=limits)
        return ParsedExport(
            fmt.kind, as_of, contacts=tuple(contacts), skipped=tuple(skipped), notes=notes
        )
    order = date_order(cells_of(body, roles, "due_date", "issue_date"), default=fmt.date_order)
    money = AmountRules(
        currency=CurrencyRules(
            stated=stated_currency(title_rows),
            default=default_currency,
            default_label=default_label,
            column=header.cells[roles["currency"]].strip() if "currency" in roles else "",
        ),
        decimal_mark=decimal_mark_of(cells_of(body, roles, "balance", "total", "total_column")),
    )
    invoices, skipped = fmt.read(body, roles, order=order, money=money, limits=limits)
    return ParsedExport(
        fmt.kind, as_of, invoices=tuple(invoices), skipped=tuple(skipped), notes=notes
    )
