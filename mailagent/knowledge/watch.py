"""The knowledge index kept in step with its folder, without reading the folder for every message.

Reading and indexing the folder costs milliseconds to a second; a message must cost about one
millisecond. So the index is built once and rebuilt only when the folder's signature (the path,
size and mtime_ns of every file) changes, and that signature is looked at most once every
`interval` seconds: an edit shows in drafts within that time, and a thousand messages in a minute
stat the folder six times. `index(recheck=True)` looks now (the `knowledge` command, tests).

The clock comes in as an argument so that tests pin it. One lock guards the check and the build:
the poller's threads wait for a rebuild rather than each starting their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from mailagent.knowledge.files import folder_signature
from mailagent.knowledge.index import KnowledgeIndex, knowledge_build

#: Seconds between two looks at the folder's signature.
CHECK_INTERVAL_SECONDS = 10.0


class FolderWatch:
    """One folder's index, rebuilt when the folder changes."""

    def __init__(
        self,
        root: Path,
        *,
        default_language: str,
        interval: float = CHECK_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = root
        self.default_language = default_language
        self.interval = interval
        self.clock = clock
        self.builds = 0
        self._lock = threading.Lock()
        self._index: KnowledgeIndex | None = None
        self._signature: object = None
        self._checked = 0.0

    def adopt(self, other: FolderWatch) -> None:
        """Start from another watch's index (a forked worker starts from its parent's)."""
        self._index, self._signature, self._checked = other._index, other._signature, other._checked

    def index(self, *, recheck: bool = False) -> KnowledgeIndex:
        with self._lock:
            now = self.clock()
            if self._index is not None and not recheck and now - self._checked < self.interval:
                return self._index
            signature = folder_signature(self.root)
            self._checked = now
            if self._index is None or signature != self._signature:
                self._index = knowledge_build(self.root, default_language=self.default_language)
                self._signature = signature
                self.builds += 1
            return self._index
