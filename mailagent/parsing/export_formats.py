"""The accounting export formats the importer knows: one entry each in `FORMATS`. PURE.

An entry says how to recognise its export from the header row (the column roles it names, its
cells, the title rows above it), which way round the file's numeric dates go when its own dates
do not settle it, and which reader turns its data rows into invoice or contact rows. Detectors
are mutually exclusive: no header is accepted by two entries, so the order of `FORMATS` never
decides what a file is. Column names are matched through `ROLES`, shared by every format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from mailagent.parsing.amounts import row_amounts
from mailagent.parsing.limits import (
    FieldLimits,
    amount_checked,
    currency_checked,
    date_checked,
    emails_checked,
    text_checked,
)
from mailagent.parsing.money import UnreadableValue, parse_date, shown


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

Roles = dict[str, int]  # a role in ROLES (or "total_column") -> the index of its column
Body = list[tuple[int, list[str]]]  # the data rows under the header, with their line numbers


def _norm(cell: str) -> str:
    return " ".join(
        cell.replace("\ufeff", "").strip().lstrip("*").replace("_", " ").lower().split()
    )


def roles_of(header: list[str]) -> Roles:
    """The roles the cells of a candidate header row name: each role at its first column."""
    found: Roles = {}
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


@dataclass(frozen=True)
class ExportHeader:
    """A file's header row: its cells, the roles they name, and the title rows above it."""

    cells: list[str]
    roles: Roles
    title: str  # the rows above the header, joined with spaces


InvoiceReader = Callable[..., tuple[list[InvoiceRow], list[SkippedRow]]]
ContactReader = Callable[..., tuple[list[ContactRow], list[SkippedRow]]]


@dataclass(frozen=True)
class ExportFormat:
    """One export format. `detect(header)` says whether a header is this format's.

    An invoice format's `read(body, roles, order=, money=, limits=)` gives its invoice rows and
    skipped rows, its numeric dates read in `order`: the file's own dates settle it, and where
    they do not, `date_order` ("mdy" or "dmy"). A contact format (`is_contacts`) has
    `read(body, roles, limits=)` give its contact rows and skipped rows."""

    kind: ExportKind
    detect: Callable[[ExportHeader], bool]
    read: InvoiceReader | ContactReader
    date_order: str = "mdy"
    is_contacts: bool = False


def _cell(row: list[str], roles: Roles, role: str) -> str:
    index = roles.get(role)
    return row[index].strip() if index is not None and index < len(row) else ""


def cells_of(body: Body, roles: Roles, *names: str) -> list[str]:
    """Every data row's cell for each of the roles `names`, in that order of roles."""
    return [_cell(row, roles, name) for name in names for _, row in body]


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


def _contacts(body, roles, *, limits) -> tuple[list[ContactRow], list[SkippedRow]]:
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


def _skip(line: int, row: list[str], roles: Roles, reason: str) -> SkippedRow:
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


def _invoice_table(header: ExportHeader) -> bool:
    roles = header.roles
    return {"number", "due_date", "customer"} <= roles.keys() and (
        "balance" in roles or "total" in roles
    )


def _contact_list(header: ExportHeader) -> bool:
    return {"customer", "email"} <= header.roles.keys() and "number" not in header.roles


def _xero_made(header: ExportHeader) -> bool:
    # Xero's contacts export stars its required columns ("*ContactName") and splits names.
    starred = any(c.strip().startswith("*") for c in header.cells)
    return starred or "xero" in header.title.lower() or "first_name" in header.roles


def _is_xero_aging(header: ExportHeader) -> bool:
    # Invoices grouped under their contact's name: no customer column, aging buckets, a Total.
    roles = header.roles
    return {"number", "due_date", "total_column"} <= roles.keys() and "customer" not in roles


def _is_qbo_aging(header: ExportHeader) -> bool:
    return _invoice_table(header) and "type" in header.roles


def _is_invoice_list(header: ExportHeader) -> bool:
    return _invoice_table(header) and "type" not in header.roles


def _is_xero_contacts(header: ExportHeader) -> bool:
    return _contact_list(header) and _xero_made(header)


def _is_qbo_contacts(header: ExportHeader) -> bool:
    return _contact_list(header) and not _xero_made(header)


FORMATS: tuple[ExportFormat, ...] = (
    # Xero's reports are day-first (a UK organisation's 03/04/2026 is 3 April).
    ExportFormat(ExportKind.XERO_AGING, _is_xero_aging, _xero_invoices, date_order="dmy"),
    ExportFormat(ExportKind.QBO_AGING, _is_qbo_aging, _table_invoices),
    ExportFormat(ExportKind.INVOICE_LIST, _is_invoice_list, _table_invoices),
    ExportFormat(ExportKind.XERO_CONTACTS, _is_xero_contacts, _contacts, is_contacts=True),
    ExportFormat(ExportKind.QBO_CONTACTS, _is_qbo_contacts, _contacts, is_contacts=True),
)
