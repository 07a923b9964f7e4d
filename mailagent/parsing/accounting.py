"""Accounting exports -> invoice and contact rows. PURE: bytes in, values out.

Recognised by content, not by file name: QuickBooks Online "A/R Aging Detail" and "Customer
Contact List", Xero "Aged Receivables Detail" and its contacts export, and a plain invoice list.
Real exports carry title rows before the header, section and subtotal rows between the data, a
byte-order mark, thousands separators, currency symbols, parenthesised credits, several emails in
one cell. Columns are found by name, never by position. A row that cannot be read with certainty
is returned in `skipped` with its reason; it is never half-imported. Nor is a row whose values the
database could not hold as they are (see `mailagent.parsing.limits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from mailagent.parsing.amounts import AmountRules, decimal_mark_of, row_amounts
from mailagent.parsing.currencies import CurrencyRules, stated_currency
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.limits import (
    FieldLimits,
    amount_checked,
    currency_checked,
    date_checked,
    emails_checked,
    text_checked,
)
from mailagent.parsing.money import UnreadableValue, date_order, parse_date, shown


class ExportKind(StrEnum):
    QBO_AGING = "QuickBooks A/R Aging Detail"
    QBO_CONTACTS = "QuickBooks Customer Contact List"
    XERO_AGING = "Xero Aged Receivables Detail"
    XERO_CONTACTS = "Xero contacts"
    INVOICE_LIST = "invoice list"


@dataclass(frozen=True)
class InvoiceRow:
    line: int
    number: str
    customer: str
    due_date: date
    balance: Decimal
    currency: str
    is_credit: bool = False
    total: Decimal | None = None
    issue_date: date | None = None
    status: str = ""
    emails: tuple[str, ...] = ()
    reference: str = ""
    # Where `currency` came from, for the import summary: "from the £ symbol in the amounts".
    currency_source: str = ""


@dataclass(frozen=True)
class ContactRow:
    line: int
    customer: str
    emails: tuple[str, ...]
    contact_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str
    text: str
    number: str = ""  # the invoice number it names, if any: listed, so not gone (paid)


@dataclass(frozen=True)
class ParsedExport:
    kind: ExportKind
    as_of: date | None
    invoices: tuple[InvoiceRow, ...] = ()
    contacts: tuple[ContactRow, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    notes: tuple[str, ...] = ()


def customer_key(name: str) -> str:
    """Exports identify customers by name: the name case-folded, with single spaces."""
    return " ".join(name.casefold().split())


# Column names as the exports write them (normalised: lower case, no '*', single spaces).
ROLES: dict[str, set[str]] = {
    "number": {"num", "no", "no.", "number", "invoice number", "invoice no", "invoice no.",
               "invoice #", "invoice", "invoicenumber", "inv no", "doc number", "ref no"},
    "customer": {"customer", "customer name", "client", "client name", "contact", "contact name",
                 "contactname", "name", "company", "account name", "customer full name"},
    "email": {"email", "email address", "emailaddress", "e-mail", "emails", "billing email"},
    "issue_date": {"date", "invoice date", "issue date", "txn date", "transaction date"},
    "due_date": {"due date", "due", "duedate", "payment due"},
    "total": {"amount", "total", "invoice total", "invoice amount", "original amount"},
    "balance": {"open balance", "balance", "amount due", "due amount", "outstanding",
                "balance due", "open amount", "amount outstanding"},
    "currency": {"currency", "currency code", "curr"},
    "status": {"status", "invoice status"},
    "type": {"transaction type", "type", "txn type"},
    "phone": {"phone", "phone numbers", "phone number", "phonenumber"},
    "full_name": {"full name", "fullname"},
    "first_name": {"firstname", "first name"},
    "last_name": {"lastname", "last name"},
    "reference": {"invoice reference", "reference"},
    "bucket": {"current", "< 1 month", "1 month", "2 months", "3 months", "older"},
}  # fmt: skip

_AS_OF = re.compile(r"^\s*as (?:of|at)\s+(.+?)\s*$", re.IGNORECASE)


def _norm(cell: str) -> str:
    return " ".join(
        cell.replace("\ufeff", "").strip().lstrip("*").replace("_", " ").lower().split()
    )


def _roles_of(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _norm(cell)
        for role, names in ROLES.items():
            if name in names and role not in found:
                found[role] = index
                break
    totals = [i for i, c in enumerate(header) if _norm(c) == "total"]
    if "bucket" in found and totals:
        # Xero's aged report: the rightmost "Total" is what is still owed on each line.
        found["total_column"] = totals[-1]
    return found


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    best = (-1, {})
    for index, row in enumerate(rows[:40]):
        roles = _roles_of(row)
        if len(roles) > len(best[1]):
            best = (index, roles)
    return best


def _kind(roles: dict[str, int], header: list[str], title: str) -> ExportKind:
    if {"number", "due_date", "total_column"} <= roles.keys() and "customer" not in roles:
        return ExportKind.XERO_AGING
    if {"number", "due_date", "customer"} <= roles.keys() and (
        "balance" in roles or "total" in roles
    ):
        return ExportKind.QBO_AGING if "type" in roles else ExportKind.INVOICE_LIST
    if {"customer", "email"} <= roles.keys() and "number" not in roles:
        starred = any(c.strip().startswith("*") for c in header)
        if starred or "xero" in title.lower() or "first_name" in roles:
            return ExportKind.XERO_CONTACTS
        return ExportKind.QBO_CONTACTS
    names = one_line(", ".join(c for c in header if c.strip()) or "none", limit=200)
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
    header_at, roles = _find_header(rows)
    if header_at < 0:
        raise UnknownExport(
            "The file has no header row: none of its first 40 rows names the columns of an "
            "export (such as invoice number, customer, due date, balance, or email)."
        )
    header = rows[header_at]
    title = " ".join(" ".join(r) for r in rows[:header_at])
    kind = _kind(roles, header, title)
    body = [(header_at + 2 + i, row) for i, row in enumerate(rows[header_at + 1 :])]
    as_of, notes = _as_of(rows[:header_at])
    if kind in (ExportKind.QBO_CONTACTS, ExportKind.XERO_CONTACTS):
        contacts, skipped = _contacts(body, roles, limits)
        return ParsedExport(
            kind, as_of, contacts=tuple(contacts), skipped=tuple(skipped), notes=notes
        )
    dates = [_cell(r, roles, "due_date") for _, r in body] + [
        _cell(r, roles, "issue_date") for _, r in body
    ]
    order = date_order(dates, default="dmy" if kind is ExportKind.XERO_AGING else "mdy")
    money = AmountRules(
        currency=CurrencyRules(
            stated=stated_currency(rows[:header_at]),
            default=default_currency,
            default_label=default_label,
            column=header[roles["currency"]].strip() if "currency" in roles else "",
        ),
        decimal_mark=decimal_mark_of(
            _cell(r, roles, role) for _, r in body for role in ("balance", "total", "total_column")
        ),
    )
    reader = _xero_invoices if kind is ExportKind.XERO_AGING else _table_invoices
    invoices, skipped = reader(body, roles, order=order, money=money, limits=limits)
    return ParsedExport(kind, as_of, invoices=tuple(invoices), skipped=tuple(skipped), notes=notes)


def _cell(row: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    return row[index].strip() if index is not None and index < len(row) else ""


def _filled(row: list[str]) -> list[str]:
    return [c for c in row if c.strip()]


def _is_structure(row: list[str]) -> bool:
    """Section titles, subtotals, totals and report footers: part of the layout, not data."""
    filled = _filled(row)
    if not filled:
        return True
    first = filled[0].strip().lower()
    return first.startswith("total") or (len(filled) == 1 and row[0].strip() != "")


def _limit(limits: FieldLimits | None, name: str) -> int | None:
    return getattr(limits, name) if limits is not None else None


def _customer_checked(name: str, limits: FieldLimits | None) -> str:
    text_checked(name, what="customer name", max_length=_limit(limits, "customer"))
    # The key is the name case-folded, which can be longer ("ß" -> "ss"), and is stored too.
    text_checked(customer_key(name), what="customer name", max_length=_limit(limits, "customer"))
    return name


def _contacts(body, roles, limits) -> tuple[list[ContactRow], list[SkippedRow]]:
    contacts, skipped = [], []
    for line, row in body:
        if not _filled(row):
            continue
        try:
            contacts.append(_contact(line, row, roles, limits))
        except UnreadableValue as exc:
            skipped.append(SkippedRow(line, str(exc), ",".join(row)))
    return contacts, skipped


def _contact(line, row, roles, limits) -> ContactRow:
    customer = _cell(row, roles, "customer")
    if not customer:
        raise UnreadableValue("no customer name")
    name = _cell(row, roles, "full_name") or " ".join(
        p for p in (_cell(row, roles, "first_name"), _cell(row, roles, "last_name")) if p
    )
    return ContactRow(
        line=line,
        customer=_customer_checked(customer, limits),
        emails=emails_checked(_cell(row, roles, "email")),
        contact_name=text_checked(
            name, what="contact name", max_length=_limit(limits, "contact_name")
        ),
        phone=text_checked(
            _cell(row, roles, "phone"), what="phone", max_length=_limit(limits, "phone")
        ),
    )


_CREDIT_TYPES = {"credit memo", "credit note", "payment", "credit"}
_INVOICE_TYPES = {"invoice", "tax invoice", "bill"}


def _skip(line: int, row: list[str], roles: dict[str, int], reason: str) -> SkippedRow:
    return SkippedRow(line, reason, ",".join(row), number=_cell(row, roles, "number"))


def _table_invoices(
    body, roles, *, order, money, limits
) -> tuple[list[InvoiceRow], list[SkippedRow]]:
    invoices, skipped = [], []
    for line, row in body:
        if _is_structure(row):
            continue
        kind = _cell(row, roles, "type").lower()
        if kind and kind not in _CREDIT_TYPES | _INVOICE_TYPES:
            reason = f"a {shown(kind)} is neither an invoice nor a credit"
            skipped.append(_skip(line, row, roles, reason))
            continue
        try:
            invoices.append(
                _invoice(line, row, roles, order=order, money=money, kind=kind, limits=limits)
            )
        except UnreadableValue as exc:
            skipped.append(_skip(line, row, roles, str(exc)))
    return invoices, skipped


def _xero_invoices(
    body, roles, *, order, money, limits
) -> tuple[list[InvoiceRow], list[SkippedRow]]:
    """Xero groups invoices under a row holding only the contact's name."""
    invoices, skipped, customer = [], [], ""
    # The aged report shows what is owed per line, not the invoice's original total.
    roles = {k: v for k, v in roles.items() if k != "total"} | {"balance": roles["total_column"]}
    for line, row in body:
        filled = _filled(row)
        if len(filled) == 1 and row[0].strip() and not filled[0].lower().startswith("total"):
            customer = filled[0].strip()
            continue
        if _is_structure(row):
            continue
        try:
            invoices.append(
                _invoice(
                    line,
                    row,
                    roles,
                    order=order,
                    money=money,
                    customer=customer,
                    limits=limits,
                )
            )
        except UnreadableValue as exc:
            skipped.append(_skip(line, row, roles, str(exc)))
    return invoices, skipped


def _invoice(line, row, roles, *, order, money, limits, kind="", customer="") -> InvoiceRow:
    number = _cell(row, roles, "number")
    if not number:
        raise UnreadableValue("no invoice number")
    text_checked(number, what="invoice number", max_length=_limit(limits, "number"))
    customer = customer or _cell(row, roles, "customer")
    if not customer:
        raise UnreadableValue(f"invoice {number} has no customer")
    amounts = row_amounts(
        balance=_cell(row, roles, "balance") or _cell(row, roles, "total"),
        total=_cell(row, roles, "total") if "balance" in roles else "",
        currency_column=_cell(row, roles, "currency"),
        rules=money,
    )
    balance = amount_checked(amounts.balance, limits and limits.balance, what="balance")
    total = (
        amount_checked(amounts.total, limits and limits.total, what="total")
        if amounts.total is not None
        else None
    )
    due_text = _cell(row, roles, "due_date") or _cell(row, roles, "issue_date")
    issue_text = _cell(row, roles, "issue_date")
    is_credit = kind in _CREDIT_TYPES or balance < 0 or number.upper().startswith("CN")
    return InvoiceRow(
        line=line,
        number=number,
        customer=_customer_checked(customer, limits),
        due_date=date_checked(parse_date(due_text, order=order), what="due date"),
        balance=balance,
        currency=currency_checked(amounts.currency, max_length=_limit(limits, "currency")),
        is_credit=is_credit,
        total=total,
        issue_date=(
            date_checked(parse_date(issue_text, order=order), what="invoice date")
            if issue_text
            else None
        ),
        status=_cell(row, roles, "status").lower(),
        emails=emails_checked(_cell(row, roles, "email")),
        reference=_cell(row, roles, "reference"),
        currency_source=amounts.currency_source,
    )
