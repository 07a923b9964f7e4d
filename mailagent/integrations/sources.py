"""What every mail source gives the poller: raw messages, each with the source's own key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SourceMessage:
    key: str
    raw: bytes


class MailSource(Protocol):
    #: Stable name of the mailbox or folder; with `key` it identifies a message for ever.
    name: str

    def keys(self) -> Iterable[str]:
        """Keys of every message the source holds now, cheap to list."""
        ...

    def fetch(self, keys: Iterable[str]) -> Iterator[SourceMessage]:
        """The raw bytes of these messages, one at a time, in the order given."""
        ...
