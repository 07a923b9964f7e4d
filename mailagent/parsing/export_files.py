"""An export file's bytes -> rows of text cells. PURE.

People hand the importer whatever their accounting package or spreadsheet saved: UTF-8 (with or
without a byte-order mark), UTF-16 (Excel's "Unicode text"), Windows-1252, and sometimes not a CSV
at all (the PDF of the report, the .xlsx workbook, a screenshot). A file that cannot be read as
text is refused with one line saying what it looks like, never a traceback and never a guess.
"""

from __future__ import annotations

import csv
import io
import zipfile

from mailagent.errors import UserInputError
from mailagent.parsing.limits import is_control


class UnknownExport(UserInputError):
    """The file is not an export this importer recognises; the message says what it found."""


_EXPORT_AS_CSV = "export the report as CSV from your accounting package and import that file"

# (leading bytes, what the file is). Checked before any decoding: such a file is never text.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel workbook (.xls) or another Office file"),
)
# Longest first: a UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# A text export may carry a stray control character in a cell (that row is skipped); more than
# this share of the file's characters and it is not text at all.
_MAX_CONTROL_SHARE = 0.01
_SAMPLE = 64 * 1024


def one_line(text: str, *, limit: int = 300) -> str:
    """`text` made safe to print and store as one line: control and bidi characters dropped,
    whitespace runs (line breaks too) made single spaces, cut to `limit` characters."""
    kept = "".join(" " if ch.isspace() else "" if _is_control(ch) else ch for ch in text)
    flat = " ".join(kept.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _is_control(ch: str) -> bool:
    # U+FFFD marks a byte that decoded to nothing.
    return is_control(ch) or ch == "\ufffd"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "a ZIP archive (damaged)"
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook (.xlsx)"
    if "mimetype" in names and "content.xml" in names:
        return "an OpenDocument file (a spreadsheet or document)"
    if any(n.startswith("word/") for n in names):
        return "a Word document (.docx)"
    return "a ZIP archive"


def _not_text(what: str) -> UnknownExport:
    return UnknownExport(f"This file is {what}, not a CSV export: {_EXPORT_AS_CSV}.")


def _utf16_without_bom(data: bytes) -> str | None:
    """Excel's "Unicode text" without its mark: mostly-ASCII text leaves a NUL in every other
    byte, on one side only."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.02:
        encoding = "utf-16-le"
    elif even > half * 0.3 and odd < half * 0.02:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def export_text(data: bytes) -> str:
    """Decode an export file. Raises `UnknownExport` for an empty file or one that is not text."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise _not_text(what)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _zip_kind(data)
        if kind.startswith("an Excel"):
            raise UnknownExport(
                f"This file looks like {kind}, not a CSV file: {_EXPORT_AS_CSV} "
                "(or in Excel, File > Save As > CSV)."
            )
        raise _not_text(kind)
    text = _decoded(data)
    if not text.strip():
        raise UnknownExport("The file is empty.")
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if _is_control(ch) and ch not in "\t\r\n")
    if controls > max(2, len(sample) * _MAX_CONTROL_SHARE):
        raise UnknownExport(f"This file is not text (it holds binary data): {_EXPORT_AS_CSV}.")
    return text


def _decoded(data: bytes) -> str:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(encoding)
            except UnicodeDecodeError:
                if encoding != "utf-8":
                    raise UnknownExport(
                        f"This file is marked as {encoding.upper()} text but is not valid "
                        f"{encoding.upper()}: {_EXPORT_AS_CSV}."
                    ) from None
                return data[len(mark) :].decode("cp1252", errors="replace")
    if b"\x00" in data[:_SAMPLE]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 decodes nearly any byte: what it cannot is a U+FFFD, counted as binary.
        return data.decode("cp1252", errors="replace")


def export_rows(data: bytes) -> list[list[str]]:
    """The file's rows of cells, with its delimiter found from its first lines."""
    text = export_text(data)
    sample = "\n".join(text.splitlines()[:40])
    delimiter = max(",;\t", key=lambda d: sample.count(d))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:  # a cell over the csv module's 128 KiB: no export has one
        raise UnknownExport(
            f"Line {reader.line_num} cannot be read as CSV ({one_line(str(exc), limit=80)})."
        ) from None
