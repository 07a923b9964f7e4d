"""An IMAP folder read as a plain MailSource (keys and raw bytes), for one-off reads such as a
shadow run over past mail. Opened read-only, fetched with BODY.PEEK[]: nothing on the server
changes, not even the \\Seen flags."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mailagent.integrations.imap import ImapConnection
from mailagent.integrations.sources import SourceMessage

_BATCH = 50


class ImapFolderSource:
    def __init__(self, conn: ImapConnection, folder: str, *, name: str, setting: str) -> None:
        self.conn = conn
        self.name = name
        self.status = conn.select(folder, readonly=True, setting=setting)

    def keys(self) -> list[str]:
        """UIDs in ascending order: the order the mail arrived in the folder."""
        return [str(uid) for uid in self.conn.uids_all()]

    def fetch(self, keys: Iterable[str]) -> Iterator[SourceMessage]:
        wanted = [int(k) for k in keys]
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            bodies = self.conn.bodies(chunk)
            for uid in chunk:
                if uid in bodies:
                    yield SourceMessage(key=str(uid), raw=bodies[uid])
