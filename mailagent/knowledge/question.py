"""What a message asks: its text without the greeting above it and the sign-off under it.

The lines under a customer's last sentence ("Thanks,", "Sophie", "Head Chef, Harbour Bistro")
are names, and no knowledge passage holds a name. The relevance rule (relevance.py) weighs a word
no passage holds the most, so a signature would count against every answer as heavily as the
"parrots" of "do you sell parrots?". They are left out before searching: at most
MAX_SIGNOFF_LINES short lines without a question or an exclamation, under a line that ends a
sentence. A message that ends on a question without its question mark keeps everything: without
a sentence above them, short lines may be the question. The greeting ("Guten Tag,", "Hi Acme
team,", "Buenos días:") is a short line near the top that ends with a comma, a colon or an
exclamation, with a blank line under it: "Guten Tag" is no question about days.

PURE: text in, text out.
"""

from __future__ import annotations

import re

MAX_SIGNOFF_LINES = 4
#: A sign-off line is short: a name, a role, a company, a closing.
MAX_SIGNOFF_WORDS = 6
MAX_SIGNOFF_CHARS = 60
#: A greeting is among the first lines (the subject may come first) and this short.
GREETING_LINES = 3
MAX_GREETING_WORDS = 5

_SENTENCE_END = re.compile(r"[.?!]\W*$")


def question_of(text: str) -> str:
    """`text` without its greeting and the sign-off lines at its end, when it has them (the
    module's docstring)."""
    return _without_signoff(_without_greeting(text))


def _without_greeting(text: str) -> str:
    lines = text.split("\n")
    seen = 0
    for n, line in enumerate(lines[:-1]):
        if not line.strip():
            continue
        seen += 1
        if seen > GREETING_LINES:
            break
        if _greeting_line(line.strip()) and not lines[n + 1].strip():
            return "\n".join(lines[:n] + lines[n + 1 :])
    return text


def _greeting_line(line: str) -> bool:
    return len(line.split()) <= MAX_GREETING_WORDS and line.endswith((",", ":", "!"))


def _without_signoff(text: str) -> str:
    lines = text.rstrip().split("\n")
    end = len(lines)
    signoff = 0
    while end > 0 and signoff < MAX_SIGNOFF_LINES:
        line = lines[end - 1].strip()
        if line and not _signoff_line(line):
            break
        signoff += bool(line)
        end -= 1
    if not signoff or not _SENTENCE_END.search(_last_line(lines[:end])):
        return text
    return "\n".join(lines[:end])


def _signoff_line(line: str) -> bool:
    return (
        len(line) <= MAX_SIGNOFF_CHARS
        and len(line.split()) <= MAX_SIGNOFF_WORDS
        and not any(mark in line for mark in "?!")
        and not line.endswith((".", ":", ";"))
    )


def _last_line(lines: list[str]) -> str:
    return next((line.strip() for line in reversed(lines) if line.strip()), "")
