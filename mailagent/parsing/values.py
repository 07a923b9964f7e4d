"""The error a cell that cannot be read raises, and how a cell is quoted in its reason. PURE."""

from __future__ import annotations


class UnreadableValue(ValueError):
    """A cell that cannot be read with certainty; the message says what was wrong."""


def shown(text: str, *, limit: int = 40) -> str:
    """A cell quoted in a reason: its repr (control characters escaped), cut to `limit`."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"
