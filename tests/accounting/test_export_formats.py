"""The table of export formats: each entry reads a real export of its own, and only its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailagent.parsing.accounting import ExportKind, export_header, parse_export
from mailagent.parsing.export_files import export_rows
from mailagent.parsing.export_formats import (
    FORMATS,
    ROLES,
    ExportFormat,
    ExportHeader,
    roles_of,
)

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
FIXTURES = sorted(EXPORTS.glob("*.csv"))


def claimed_by(header: ExportHeader) -> list[ExportKind]:
    return [fmt.kind for fmt in FORMATS if fmt.detect(header)]


def header_of(path: Path) -> ExportHeader:
    return export_header(export_rows(path.read_bytes()))[1]


def test_formats_name_each_kind_once():
    assert sorted(fmt.kind for fmt in FORMATS) == sorted(ExportKind)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_bundled_export_is_claimed_by_exactly_one_format(path):
    kinds = claimed_by(header_of(path))
    assert len(kinds) == 1, f"{path.name} is claimed by {kinds}"
    assert parse_export(path.read_bytes()).kind is kinds[0]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.kind.name)
def test_every_format_reads_a_bundled_export_of_its_own_in_full(fmt: ExportFormat):
    own = [path for path in FIXTURES if fmt.detect(header_of(path))]
    assert own, f"add an export of {fmt.kind} to tests/fixtures/exports/"
    for path in own:
        export = parse_export(path.read_bytes(), default_currency="GBP")
        assert export.kind is fmt.kind
        assert export.contacts if fmt.is_contacts else export.invoices
        assert not (export.invoices if fmt.is_contacts else export.contacts)
        assert export.skipped == ()


# One invoice in each invoice format, dated 03/04/2026 (and due 03/05/2026): nothing else in
# the file says which number is the day.
_ONE_AMBIGUOUS_INVOICE = {
    ExportKind.XERO_AGING: "Invoice Date,Invoice Number,Due Date,Current,Total\n"
    "Atlas Fitness\n03/04/2026,INV-1,03/05/2026,10.00,10.00\n",
    ExportKind.QBO_AGING: "Date,Transaction Type,Num,Customer,Due Date,Open Balance\n"
    "03/04/2026,Invoice,1001,Atlas Fitness,03/05/2026,10.00\n",
    ExportKind.INVOICE_LIST: "Invoice Number,Customer,Issue Date,Due Date,Balance\n"
    "1001,Atlas Fitness,03/04/2026,03/05/2026,10.00\n",
}
_READ_AS = {
    ExportKind.XERO_AGING: (date(2026, 4, 3), date(2026, 5, 3)),  # day first, as in the UK
    ExportKind.QBO_AGING: (date(2026, 3, 4), date(2026, 3, 5)),  # month first, as in the US
    ExportKind.INVOICE_LIST: (date(2026, 3, 4), date(2026, 3, 5)),
}


@pytest.mark.parametrize(
    "fmt", [f for f in FORMATS if not f.is_contacts], ids=lambda f: f.kind.name
)
def test_an_ambiguous_date_is_read_the_way_its_accounting_package_writes_it(fmt: ExportFormat):
    export = parse_export(_ONE_AMBIGUOUS_INVOICE[fmt.kind].encode())
    assert export.kind is fmt.kind
    (invoice,) = export.invoices
    assert (invoice.issue_date, invoice.due_date) == _READ_AS[fmt.kind]


_COLUMN_NAMES = sorted({name for names in ROLES.values() for name in names} | {"Past Due"})


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    columns=st.lists(st.sampled_from(_COLUMN_NAMES), min_size=1, max_size=8, unique=True),
    starred=st.booleans(),
    title=st.sampled_from(["", "Xero contacts", "A/R Aging Detail"]),
)
def test_no_header_is_claimed_by_two_formats(columns, starred, title):
    cells = [("*" if starred and i == 0 else "") + c for i, c in enumerate(columns)]
    header = ExportHeader(cells=cells, roles=roles_of(cells), title=title)
    assert len(claimed_by(header)) <= 1, (cells, title)
