"""A local folder as a mail source: a Maildir (`cur/`, `new/`) or a plain folder of `.eml` files.

The key of a message is its file name relative to the folder, with a Maildir's flag suffix
(`:2,S`) cut off, because mail clients rename files as they set flags and move them from `new/`
to `cur/`. Files are only read, never moved or changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from mailagent.errors import ConfigurationError
from mailagent.integrations.sources import SourceMessage


class FolderSource:
    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser().resolve()
        if not self.path.is_dir():
            raise ConfigurationError(
                f"INBOX_DIR={self.path} is not a folder; point INBOX_DIR at a Maildir or a "
                "folder of .eml files."
            )
        self.name = f"folder:{self.path}"
        self.is_maildir = (self.path / "cur").is_dir() or (self.path / "new").is_dir()

    def _files(self) -> dict[str, Path]:
        if self.is_maildir:
            found = [p for sub in ("new", "cur") for p in sorted((self.path / sub).glob("*"))]
            return {p.name.split(":", 1)[0]: p for p in found if p.is_file()}
        return {p.name: p for p in sorted(self.path.glob("*.eml")) if p.is_file()}

    def keys(self) -> list[str]:
        return list(self._files())

    def fetch(self, keys: Iterable[str]) -> Iterator[SourceMessage]:
        files = self._files()
        for key in keys:
            path = files.get(key)
            if path is not None:
                yield SourceMessage(key=key, raw=path.read_bytes())
