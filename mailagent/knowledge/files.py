"""Reading the knowledge folder: which files are the business's facts, and why others are not.

A business fills this folder by hand, with whatever editor is at hand, so every way a file can go
wrong is expected: saved empty, exported as Latin-1 by an old Windows editor, a PDF renamed `.md`,
a 300 MB log pasted in. One bad file must never hide the others, and its owner must learn which
file it is and what to do about it; so each is skipped with a reason that says both, and the rest
is read. Files of other kinds (images, spreadsheets, editor backups) are not mistakes: they are
listed as ignored, not as errors. Hidden files and folders (".git", ".DS_Store") are not the
business's facts and are not mentioned at all.

PURE apart from reading the folder: no settings, no database; the folder and the default language
come in as arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

#: What counts as a knowledge file, by extension (compared case-insensitively).
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
#: Larger files are skipped: facts a draft may quote fit in far less, and reading a pasted log or
#: an export on every change would cost more than it is worth.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: A text with more than this share of control characters is binary that happens to decode.
MAX_CONTROL_SHARE = 0.05

UTF8_BOM = b"\xef\xbb\xbf"
#: ISO 639-1: the two-letter codes a file name may carry before its extension ("returns.de.md").
LANGUAGE_CODES = frozenset(code for code in Locale("en").languages if len(code) == 2)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


@dataclass(frozen=True)
class KnowledgeFile:
    """One readable file of the folder, its text decoded once."""

    #: The path inside the folder, with "/" separators: "policies/returns.de.md".
    path: str
    text: str
    language: str
    markdown: bool


@dataclass(frozen=True)
class SkippedFile:
    """A file that looks like knowledge but cannot be used, and what its owner should do."""

    path: str
    reason: str


@dataclass(frozen=True)
class FolderReading:
    """What the folder holds: files to index, files skipped (with reasons), files ignored."""

    root: Path
    files: tuple[KnowledgeFile, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    ignored: tuple[str, ...] = ()
    exists: bool = True

    def message(self, skipped: SkippedFile) -> str:
        """'knowledge/prices.md: not UTF-8 (...): save it as UTF-8', named from the folder."""
        return f"{self.root.name}/{skipped.path}: {skipped.reason}"


def language_of(path: str, *, default: str) -> str:
    """The language a file name carries before its extension ("returns.de.md": "de"), else
    `default`. Only ISO 639-1 codes count, so that "notes.v2.md" or "prices.old.md" carry none."""
    stem = Path(path).stem
    _, dot, code = stem.rpartition(".")
    if dot and code.lower() in LANGUAGE_CODES:
        return code.lower()
    return default


def is_knowledge_name(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return suffix in MARKDOWN_SUFFIXES or suffix in TEXT_SUFFIXES


def folder_files(root: Path) -> list[tuple[str, os.stat_result]]:
    """Every visible file under `root` (recursively, hidden files and folders left out) as
    (path inside the folder with "/" separators, its stat), sorted by path. Folder links are not
    followed: a link to "/" must not make the agent read the whole disk."""
    found: list[tuple[str, os.stat_result]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith("."):
                continue
            full = Path(folder, name)
            try:
                stat = full.stat()
            except OSError:
                continue  # a dangling link or a file deleted while we looked
            if full.is_file():
                found.append((full.relative_to(root).as_posix(), stat))
    return sorted(found, key=lambda item: item[0])


def folder_signature(root: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What changes when any file of the folder changes: (path, size, mtime_ns) of each visible
    file. None when the folder does not exist."""
    if not root.is_dir():
        return None
    return tuple((path, stat.st_size, stat.st_mtime_ns) for path, stat in folder_files(root))


def file_decode(data: bytes) -> tuple[str | None, str]:
    """The text of a file's bytes, or None and why it cannot be used (the reason says what to
    do)."""
    if b"\x00" in data:
        return None, "not text (it holds binary data): save the facts as Markdown or plain text"
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + len(data) - len(body)
        line = body[: exc.start].count(b"\n") + 1
        byte = body[exc.start]
        return None, f"not UTF-8 (byte 0x{byte:02x} at {at}, line {line}): save it as UTF-8"
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        return None, "not text (it holds binary data): save the facts as Markdown or plain text"
    if not text.strip():
        return None, "empty: write the facts in it, or delete it"
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


def file_read(root: Path, path: str, size: int, *, default_language: str) -> KnowledgeFile | str:
    """One knowledge file, or why it is skipped."""
    if size > MAX_FILE_BYTES:
        return (
            f"too large ({size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB): split it into smaller files"
        )
    try:
        data = (root / path).read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc}): check its permissions"
    if len(data) > MAX_FILE_BYTES:  # it grew between the look and the read
        return f"too large (the limit is {MAX_FILE_BYTES // 1024 // 1024} MB): split it"
    text, reason = file_decode(data)
    if text is None:
        return reason
    return KnowledgeFile(
        path=path,
        text=text,
        language=language_of(path, default=default_language),
        markdown=Path(path).suffix.lower() in MARKDOWN_SUFFIXES,
    )


def folder_read(root: Path, *, default_language: str) -> FolderReading:
    """Every knowledge file of the folder, read; the others skipped or ignored."""
    if not root.is_dir():
        return FolderReading(root=root, exists=False)
    files: list[KnowledgeFile] = []
    skipped: list[SkippedFile] = []
    ignored: list[str] = []
    for path, stat in folder_files(root):
        if not is_knowledge_name(path):
            ignored.append(path)
            continue
        read = file_read(root, path, stat.st_size, default_language=default_language)
        if isinstance(read, str):
            skipped.append(SkippedFile(path=path, reason=read))
        else:
            files.append(read)
    return FolderReading(
        root=root, files=tuple(files), skipped=tuple(skipped), ignored=tuple(ignored)
    )
