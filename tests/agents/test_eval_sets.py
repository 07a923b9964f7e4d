"""The labelled sets written for measuring triage on mail nobody here tuned to.

- `fixtures/eval_pool/`: the corrections pool a learning curve draws from (trainable).
- `fixtures/eval_kept/`: kept aside, never used for training or tuning; scored, never read for
  its failures.
- `fixtures/eval_train/`: written later by another hand, for training (trainable), in the four
  languages drafts are written in and a few others.
- `fixtures/eval_train2/` to `fixtures/eval_train7/`: six more for training, by six more hands
  (long, many-sided mail; short, terse mail; the subtle and indirect; everyday mail of
  particular trades; the grey zone between categories; mail written badly or unusually), in
  the same shape.

Both are in the format of the other sets (`tests/eval_set.py`): `.eml` files and a `labels.csv`
with one row each. A file's name says its set (`p` or `k`), its number and its main language
(`p017-de-...`). These tests hold the sets to what they were written to be, so that an edit
cannot silently shrink them: every file parses and has exactly one label, the labels use known
categories and agree with the policy's risk table, and the counts (size, high risk, categories,
languages, shapes of mail) stay where they were written.
"""

from __future__ import annotations

import csv
import email
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from mailagent import policy
from mailagent.parsing.email import parse_email
from mailagent.types import Category, Tier
from tests.eval_set import (
    EVAL_DIR,
    FIXTURES,
    HOLDOUT_DIR,
    STAFF,
    TUNE_DIR,
    Example,
    load_examples,
)

POOL_DIR = FIXTURES / "eval_pool"
KEPT_DIR = FIXTURES / "eval_kept"
TRAIN_DIR = FIXTURES / "eval_train"
TRAIN2_DIR = FIXTURES / "eval_train2"
TRAIN3_DIR = FIXTURES / "eval_train3"
TRAIN4_DIR = FIXTURES / "eval_train4"
TRAIN5_DIR = FIXTURES / "eval_train5"
TRAIN6_DIR = FIXTURES / "eval_train6"
TRAIN7_DIR = FIXTURES / "eval_train7"
SETS = {
    "pool": POOL_DIR,
    "kept": KEPT_DIR,
    "train": TRAIN_DIR,
    "train2": TRAIN2_DIR,
    "train3": TRAIN3_DIR,
    "train4": TRAIN4_DIR,
    "train5": TRAIN5_DIR,
    "train6": TRAIN6_DIR,
    "train7": TRAIN7_DIR,
}
PREFIX = {
    "pool": "p",
    "kept": "k",
    "train": "t",
    "train2": "u",
    "train3": "w",
    "train4": "x",
    "train5": "y",
    "train6": "z",
    "train7": "v",
}
#: The smallest each set may be, and the smallest number of high-risk messages in each.
MIN_SIZE = {
    "pool": 200,
    "kept": 120,
    "train": 300,
    "train2": 300,
    "train3": 300,
    "train4": 300,
    "train5": 300,
    "train6": 300,
    "train7": 300,
}
MIN_HIGH_RISK = {
    "pool": 40,
    "kept": 40,
    "train": 60,
    "train2": 60,
    "train3": 70,
    "train4": 80,
    "train5": 72,
    "train6": 82,
    "train7": 78,
}
#: Enough of each category to score its recall.
MIN_PER_CATEGORY = 8
OTHER_LANGUAGES = ("de", "fr", "es")
MIN_LANGUAGE_SHARE = 0.15
#: Shapes of mail the sets were written with (counted from the raw headers and MIME parts).
MIN_SHAPES = {
    "pool": {"html_only": 12, "staff_forward": 8, "reply": 15, "attachment": 8},
    "kept": {"html_only": 8, "staff_forward": 8, "reply": 8, "attachment": 6},
    "train": {"html_only": 20, "staff_forward": 8, "reply": 20, "attachment": 15},
    "train2": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
    "train3": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
    "train4": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
    "train5": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
    "train6": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
    "train7": {"html_only": 20, "staff_forward": 10, "reply": 25, "attachment": 15},
}

NAME = re.compile(
    r"^(?P<set>[pktuvwxyz])(?P<number>\d{3})-(?P<lang>en|de|fr|es|it|nl|pt|pl)-[a-z0-9-]+\.eml$"
)
_STAFF_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw|wg|tr)\s*:", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|rv)\s*:", re.IGNORECASE)

params = pytest.mark.parametrize("name", list(SETS))


def examples_of(name: str) -> list[Example]:
    return load_examples(SETS[name])


def label_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def language(example: Example) -> str:
    match = NAME.match(example.file)
    assert match, example.file
    return match["lang"]


def shapes(example: Example) -> set[str]:
    msg = email.message_from_bytes(example.raw)
    types = [part.get_content_type() for part in msg.walk()]
    sender = email.utils.parseaddr(msg.get("From", ""))[1].lower()
    subject = msg.get("Subject", "")
    found = set()
    if "text/html" in types and "text/plain" not in types:
        found.add("html_only")
    if sender.endswith("@acme.example") and _STAFF_FORWARD_SUBJECT.match(subject):
        found.add("staff_forward")
    if _REPLY_SUBJECT.match(subject) or msg.get("In-Reply-To"):
        found.add("reply")
    if any(part.get_filename() for part in msg.walk()):
        found.add("attachment")
    return found


@params
def test_the_labels_have_the_columns_of_the_other_sets(name):
    with (EVAL_DIR / "labels.csv").open(newline="", encoding="utf-8") as fh:
        expected = next(csv.reader(fh))
    with (SETS[name] / "labels.csv").open(newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == expected


@params
def test_every_message_has_exactly_one_label_row_and_every_row_a_message(name):
    folder = SETS[name]
    files = Counter(row["file"] for row in label_rows(folder))
    on_disk = {p.name for p in folder.glob("*.eml")}
    assert {f: n for f, n in files.items() if n != 1} == {}
    assert sorted(on_disk - set(files)) == [], "messages without a label"
    assert sorted(set(files) - on_disk) == [], "labels without a message"


@params
def test_every_row_uses_a_known_category_and_a_plain_yes_or_no(name):
    known = {c.value for c in Category}
    rows = label_rows(SETS[name])
    assert [r["file"] for r in rows if r["category"] not in known] == []
    assert [r["file"] for r in rows if r["high_risk"] not in ("yes", "no")] == []
    assert [r["file"] for r in rows if not r["note"].strip()] == [], "every label says why"


@params
def test_every_file_is_named_for_its_set_number_and_language(name):
    examples = examples_of(name)
    bad = [e.file for e in examples if not NAME.match(e.file)]
    assert bad == []
    assert {NAME.match(e.file)["set"] for e in examples} == {PREFIX[name]}
    numbers = [NAME.match(e.file)["number"] for e in examples]
    assert len(numbers) == len(set(numbers))


@params
def test_every_message_parses_with_the_products_parser(name):
    failed = []
    for example in examples_of(name):
        try:
            parsed = parse_email(example.raw, staff=STAFF)
        except Exception as exc:  # the report names every file that fails
            failed.append(f"{example.file}: {exc}")
            continue
        if not parsed.is_automatic and not (parsed.text.strip() or parsed.subject.strip()):
            failed.append(f"{example.file}: nothing to read")
    assert failed == []


@params
def test_the_labels_agree_with_the_policys_risk_table(name):
    """A category the policy always rates high (refunds, bank-detail changes) is high risk in the
    labels too, and machine mail never is."""
    examples = examples_of(name)
    always_high = {c for c, tier in policy.CATEGORY_TIERS.items() if tier is Tier.HIGH}
    assert [e.file for e in examples if e.category in always_high and not e.high_risk] == []
    assert [e.file for e in examples if e.category is Category.AUTOMATIC and e.high_risk] == []


@params
def test_the_set_keeps_its_size_and_its_high_risk_part(name):
    examples = examples_of(name)
    assert len(examples) >= MIN_SIZE[name]
    assert sum(e.high_risk for e in examples) >= MIN_HIGH_RISK[name]


def test_the_two_sets_together_hold_at_least_300_messages():
    assert sum(len(examples_of(name)) for name in SETS) >= 300


@params
def test_every_category_has_enough_messages_to_score_its_recall(name):
    counts = Counter(e.category for e in examples_of(name))
    assert {c.value: counts[c] for c in Category if counts[c] < MIN_PER_CATEGORY} == {}


@params
def test_high_risk_mail_is_spread_over_the_categories_people_file_it_under(name):
    """High risk is not only refunds and bank changes: legal threats (complaints), fraud lures,
    payroll and contracts (other), conditions on paying (invoices), payments to a new account."""
    risky = Counter(e.category for e in examples_of(name) if e.high_risk)
    assert risky[Category.COMPLAINT] >= 4
    assert risky[Category.OTHER] >= 6
    assert risky[Category.INVOICE_QUESTION] >= 1
    assert risky[Category.PAYMENT_CLAIMED] >= 1


@params
def test_mostly_english_with_at_least_15_percent_each_in_german_french_and_spanish(name):
    examples = examples_of(name)
    share = {lang: n / len(examples) for lang, n in Counter(map(language, examples)).items()}
    assert share["en"] >= 0.5
    low = {
        lang: round(share.get(lang, 0.0), 3)
        for lang in OTHER_LANGUAGES
        if share.get(lang, 0.0) < MIN_LANGUAGE_SHARE
    }
    assert low == {}


@params
def test_high_risk_mail_is_written_in_all_four_languages(name):
    by_language = Counter(language(e) for e in examples_of(name) if e.high_risk)
    low = {lang: by_language[lang] for lang in ("en", *OTHER_LANGUAGES) if by_language[lang] < 5}
    assert low == {}


@params
def test_the_set_keeps_its_shapes_of_mail(name):
    counts = Counter(shape for e in examples_of(name) for shape in shapes(e))
    short = {s: counts[s] for s, floor in MIN_SHAPES[name].items() if counts[s] < floor}
    assert short == {}


def test_no_message_is_in_two_sets():
    """The kept set shares no message with the pool, the training set or the older sets: not the
    file name, not the bytes and not the text triage reads."""

    def texts(folder: Path) -> dict[str, str]:
        out = {}
        for example in load_examples(folder):
            parsed = parse_email(example.raw, staff=STAFF)
            out[" ".join(parsed.text.split()).lower()] = example.file
        return out

    older = {}
    for folder in (EVAL_DIR, TUNE_DIR, HOLDOUT_DIR):
        older.update(texts(folder))
    read = {name: texts(folder) for name, folder in SETS.items()}
    for name, found in read.items():
        assert len(found) == len(examples_of(name)), f"two {name} messages share a text"
    for (a, x), (b, y) in combinations(read.items(), 2):
        # What is trained on holds nothing of what is kept aside, nor of each other.
        assert sorted(x.keys() & y.keys()) == [], (a, b)
    assert sorted(set().union(*read.values()) & older.keys()) == []
    raw = Counter(e.raw for name in SETS for e in examples_of(name))
    assert [n for n in raw.values() if n > 1] == []


@params
def test_the_readme_states_the_counts_of_the_set(name):
    readme = (SETS[name] / "README.md").read_text(encoding="utf-8")
    examples = examples_of(name)
    assert f"{len(examples)} messages" in readme
    assert f"{sum(e.high_risk for e in examples)} high risk" in readme
