"""The labelled messages that ship with the product, for training and for the part kept aside.

`labelled.jsonl.gz` holds, one JSON object a line, the product's labelled sets as parsed
(subject, a forwarding colleague's note, the customer's new text) with the category and the
high-risk mark a careful person gave each: "eval" (the first set), "tune" (the set the rules were
improved on), "holdout" (scored once after that improvement, the one never tuned to), "pool"
(written later as the corrections a team would make; the risk concepts were improved on it)
"kept" (written with it by the same hand, never looked at message by message, never trained
or tuned on), "train" (written later by another hand, for training), and "train2" to "train7"
(six more written for training by six more hands: long and many-sided mail, short and terse
mail, the subtle and indirect, everyday mail of particular trades, the grey zone between
categories, mail written badly or unusually). Machine mail
("automatic") is left out: the parser settles it before triage. The sets are the tests'
`fixtures/eval*` folders; `tests/learned/test_bundled_set.py` checks they agree and rewrites
this file when run as a script.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

BUNDLED_PATH = Path(__file__).with_name("labelled.jsonl.gz")
#: The first set kept aside (scored once after the rules' last improvement).
HOLDOUT = "holdout"
#: The sets kept aside: never trained on by `train_triage`, scored before and after. "kept" is
#: the larger set written later by another hand, never looked at message by message.
KEPT_ASIDE = frozenset({HOLDOUT, "kept"})


@dataclass(frozen=True)
class BundledMessage:
    set: str
    file: str
    category: str
    high_risk: bool
    subject: str
    text: str
    staff_note: str


def bundled_messages(path: Path = BUNDLED_PATH) -> list[BundledMessage]:
    """The bundled labelled messages, in the order they were written."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [BundledMessage(**json.loads(line)) for line in fh if line.strip()]


def bundled_write(messages: list[BundledMessage], path: Path = BUNDLED_PATH) -> None:
    # mtime=0: the same messages give the same bytes, so the file changes only with them.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        for m in messages:
            fh.write((json.dumps(m.__dict__, ensure_ascii=False) + "\n").encode())
