"""Helpers for writing the patterns of the rules and the risk words. PURE.

The patterns read lower-cased text and are compiled without `re.IGNORECASE`: a case-blind
matcher folds case at every character it tries, and the rules and the policy read every message
several times. A pattern with an upper-case letter would then never match, so `lower_rx` refuses
one when it is compiled.
"""

from __future__ import annotations

import re

# Within one sentence: no full stop and no line break, but a decimal point ("£3,410.00")
# does not end a sentence.
GAP = r"(?:[^.\n]|(?<=\d)\.(?=\d))"

# An upper-case letter that is not an escape (\S, \W, \B, \D name classes, not letters).
_UPPER = re.compile(r"(?<!\\)[A-Z]")


def lower_rx(pattern: str, flags: int = re.MULTILINE) -> re.Pattern[str]:
    """Compile a pattern that reads lower-cased text (`str.lower()`)."""
    if found := _UPPER.search(pattern):
        raise ValueError(
            f"pattern {pattern[:60]!r}... has an upper-case {found.group(0)!r}: these patterns "
            "read lower-cased text, write it in lower case"
        )
    return re.compile(pattern, flags)
