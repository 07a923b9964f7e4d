"""Thread keys: the Message-IDs that tie a message to others (its own, those it answers, an
attached or forwarded original's). Two readings of the same idea, in one place: from the raw bytes
before any parsing (to cut a stored batch into chains for the worker processes), and from a parsed
message (to hold a reply back until the wave holding its parent is written). PURE."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mailagent.types import ParsedEmail

# Matched on the message lowered: the names are ASCII, and lowering keeps every offset.
_THREAD_HEADERS = re.compile(
    rb"^(?:message-id|in-reply-to|references)[ \t]*:((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)",
    re.MULTILINE,
)
_THREAD_NAMES = (b"message-id", b"in-reply-to", b"references")
_MSGID = re.compile(rb"<[^<>\s]{1,500}>")


@dataclass(frozen=True)
class Stored:
    """A message just stored, and the Message-IDs that tie it to others."""

    email_id: int
    thread_keys: frozenset[bytes]


def raw_thread_keys(raw: bytes) -> frozenset[bytes]:
    """Every Message-ID named in a Message-ID, In-Reply-To or References header anywhere in the
    message, attached messages included. No MIME parsing; the header names are found with
    `bytes.find`, which stays cheap on a message carrying a large attachment."""
    lowered = raw.lower()
    found: set[bytes] = set()
    for name in _THREAD_NAMES:
        at = lowered.find(name)
        while at >= 0:
            if at == 0 or lowered[at - 1] == 0x0A:
                match = _THREAD_HEADERS.match(lowered, at)
                if match:
                    found.update(_MSGID.findall(raw, match.start(1), match.end(1)))
            at = lowered.find(name, at + 1)
    return frozenset(found)


def parsed_thread_keys(parsed: ParsedEmail) -> set[str]:
    """The Message-IDs of a parsed message: its own, those it answers, a forward's original."""
    return {k for k in (parsed.message_id, parsed.original_message_id, *parsed.thread_ids) if k}


def thread_chains(stored: Iterable[Stored]) -> list[list[int]]:
    """Group messages that share a Message-ID (transitively); each chain in arrival order."""
    items = list(stored)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[bytes, int] = {}
    for index, item in enumerate(items):
        for key in item.thread_keys:
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    chains: dict[int, list[int]] = {}
    for index, item in enumerate(items):
        chains.setdefault(root(index), []).append(item.email_id)
    return [sorted(chain) for chain in chains.values()]


def chain_shares(chains: list[list[int]], shares: int) -> list[list[int]]:
    """Chains dealt out into `shares` lists of about the same length, longest chains first; each
    list in arrival order (a chain stays whole, and in order, in one list)."""
    out: list[list[int]] = [[] for _ in range(max(1, shares))]
    for chain in sorted(chains, key=len, reverse=True):
        min(out, key=len).extend(chain)
    return [sorted(share) for share in out if share]
