"""The embedded mail-out transport: each message written as an `.eml` file, nothing leaves.

Files are written under a temporary name and renamed, so a reader never sees half a message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


class OutboxTransport:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = f"outbox:{self.path}"

    def offers(self, extension: str) -> bool:
        """A folder takes any message a server could: every extension is "offered"."""
        return True

    def deliver(self, raw: bytes, *, sender: str, recipients: list[str], message_id: str) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        # Named after the Message-ID: a message sent again replaces its own file, never doubles.
        stem = re.sub(r"[^A-Za-z0-9@._-]", "_", message_id.strip("<>"))
        final = self.path / f"{stem}.eml"
        temp = self.path / f".{stem}.tmp"
        temp.write_bytes(raw)
        os.replace(temp, final)
        return str(final)
