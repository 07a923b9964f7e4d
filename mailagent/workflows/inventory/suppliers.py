"""Who supplies each SKU: the stock export's own supplier columns first, then SUPPLIERS_FILE
(a CSV of sku, supplier_email, supplier_name). PURE but for reading the file it is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mailagent.errors import UserInputError
from mailagent.parsing.export_files import UnknownExport, export_rows, one_line
from mailagent.parsing.stock import StockLevel

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnreadableSuppliers(UserInputError):
    """SUPPLIERS_FILE cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Supplier:
    email: str
    name: str


def suppliers_parse(data: bytes) -> dict[str, Supplier]:
    """SKU -> supplier, from the mapping file. The whole file or nothing."""
    try:
        rows = export_rows(data)
    except UnknownExport as exc:
        raise UnreadableSuppliers(f"SUPPLIERS_FILE: {exc}") from None
    header = (
        [" ".join(c.strip().lower().replace("_", " ").split()) for c in rows[0]] if rows else []
    )
    if "sku" not in header or "supplier email" not in header:
        raise UnreadableSuppliers(
            "SUPPLIERS_FILE needs the columns sku, supplier_email and (optionally) "
            f"supplier_name; its first line is {one_line(', '.join(header))[:120]!r}."
        )
    sku_at, email_at = header.index("sku"), header.index("supplier email")
    name_at = header.index("supplier name") if "supplier name" in header else None
    found: dict[str, Supplier] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + [""] * len(header)
        if not any(cells):
            continue
        sku, email = cells[sku_at], cells[email_at].lower()
        if not sku or not _EMAIL.match(email):
            raise UnreadableSuppliers(
                f"SUPPLIERS_FILE line {line}: it needs a SKU and a supplier's email address "
                f"(found {one_line(sku)[:40]!r}, {one_line(email)[:60]!r}); none of it was used."
            )
        if sku in found:
            raise UnreadableSuppliers(f"SUPPLIERS_FILE line {line}: SKU {sku!r} is listed twice.")
        found[sku] = Supplier(email, cells[name_at] if name_at is not None else "")
    return found


def suppliers_read(path: str) -> dict[str, Supplier]:
    if not path:
        return {}
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableSuppliers(
            f"SUPPLIERS_FILE {path!r} cannot be read: {exc.strerror}."
        ) from None
    return suppliers_parse(data)


def supplier_of(level: StockLevel, mapping: dict[str, Supplier]) -> Supplier | None:
    if level.supplier_email:
        return Supplier(level.supplier_email, level.supplier_name)
    return mapping.get(level.sku)
