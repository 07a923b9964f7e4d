"""The rules and the policy read lower-cased text with patterns compiled for it, and the risk
concepts find their sentences by one scan of the message: what a user would notice is a message
in capitals or a risky pair split over sentences judged differently, so that is what is tested."""

from __future__ import annotations

import re
import re._parser as sre_parse
from pathlib import Path

import pytest

from mailagent import policy, riskconcepts
from mailagent.agents import rules
from mailagent.agents.rules import classify, tone_of, urgency_of
from mailagent.textpatterns import LiteralFilter, lower_rx
from mailagent.types import Category, Tone, Urgency


def test_a_pattern_with_capitals_is_refused_when_compiled():
    with pytest.raises(ValueError, match="lower case"):
        lower_rx(r"\bIBAN\b")
    assert lower_rx(r"\biban\b\S+\W").search("our iban:x!")


@pytest.mark.parametrize(
    "text, category",
    [
        ("PLEASE UPDATE OUR BANK DETAILS FOR FUTURE PAYMENTS", Category.BANK_DETAIL_CHANGE),
        ("I Want A Refund For Order 1182", Category.REFUND_REQUEST),
        ("We Have Already Paid INV-1042 last Tuesday", Category.PAYMENT_CLAIMED),
    ],
)
def test_capitals_do_not_hide_a_category(text, category):
    assert classify(text) is category


def test_capitals_do_not_hide_tone_urgency_or_policy_risk():
    assert tone_of("This Is Unacceptable.") is Tone.ANGRY
    assert urgency_of("Need It ASAP please", Tone.NEUTRAL) is Urgency.HIGH
    assert "threatens legal action" in policy.text_risks("MY SOLICITOR WILL BE IN TOUCH")


def _first_characters(pattern: str) -> set[str]:
    """What each alternative of a concept can start with: a literal, or a class."""
    found: set[str] = set()

    def first(items) -> bool:
        for op, av in items:
            name = str(op)
            if name == "AT":
                continue
            if name == "LITERAL":
                found.add(chr(av))
                return True
            if name == "IN":
                found.update(chr(v) if str(o) == "LITERAL" else str(v) for o, v in av)
                return True
            if name == "SUBPATTERN":
                if first(av[3]):
                    return True
                continue
            if name == "BRANCH":
                return all([first(alternative) for alternative in av[1]])
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                first(av[2])
                if av[0] > 0:
                    return True
                continue
            if name.startswith("ASSERT"):
                continue
            found.add(name)
            return True
        return False

    first(sre_parse.parse(pattern))
    return found


@pytest.mark.parametrize("name", sorted(riskconcepts.CONCEPTS))
def test_every_concept_alternative_starts_where_the_pattern_says(name):
    # `riskconcepts._rx` tells the matcher a match starts at a letter, a digit or a currency
    # sign; an alternative starting with anything else would silently never match.
    pattern = riskconcepts.CONCEPTS[name].pattern
    starts = _first_characters(pattern)
    allowed = {"£", "€", "$", "CATEGORY_DIGIT"}
    odd = {c for c in starts if not (len(c) == 1 and c.isalnum()) and c not in allowed}
    assert not odd, f"{name}: an alternative starts with {odd}"


@pytest.mark.parametrize(
    "text, reason",
    [
        # The pair in one sentence, in neighbouring sentences, and far apart.
        ("Our bank has changed.", "changes where money goes"),
        ("Note our bank. It has changed since May.", "changes where money goes"),
        ("New card below; nothing else.", "changes the card that is charged"),
    ],
)
def test_concepts_are_found_within_their_reach(text, reason):
    assert reason in riskconcepts.concept_risks(text)


def test_concepts_in_sentences_too_far_apart_do_not_pair():
    text = "We changed the office plants. Lunch was good. The team met. Our bank is friendly."
    assert "changes where money goes" not in riskconcepts.concept_risks(text)
    # A sentence-tight pair split over two sentences does not count either.
    assert "changes the card that is charged" not in riskconcepts.concept_risks(
        "The card arrived. It is new."
    )


@pytest.mark.parametrize(
    "pattern, holds, lacks",
    [
        # A word named in full, whichever alternative; an optional part says nothing.
        (r"refund\w*|(credit |debit )?cards?", ["a refunds b", "the card"], ["credit only"]),
        # A short class is one of its letters; a group holds one of its branches.
        (r"[£€$] ?\d+ back|(owe|owes) (me|us)", ["€ 5 back", "owes us"], ["5 back", "owe you"]),
        # A look-ahead is no part of the match; several clues of one alternative all hold.
        (r"back(?= in stock) (on|to) the card", ["back to the card"], ["back in stock"]),
    ],
)
def test_a_literal_filter_says_what_a_match_must_contain(pattern, holds, lacks):
    found = LiteralFilter([pattern])
    assert all(found.may_match(text) for text in holds)
    assert not any(found.may_match(text) for text in lacks)


def test_a_literal_filter_trusts_no_literal_of_a_case_blind_pattern():
    assert LiteralFilter([r"(?i)refund"]).may_match("REFUND")
    assert LiteralFilter([r"x(?i:refund)"]).may_match("xREFUND")
    # An alternative with nothing certain (all classes) may match any text.
    assert LiteralFilter([r"refund|\w+ \w+"]).may_match("hello world")


def test_a_literal_filter_made_later_finds_its_words_in_a_text_read_before():
    # Filters share one pass over each text (`textpatterns._FirstClues`): the answer kept for a
    # text read before a new filter existed must not hide the new filter's words.
    text = "bitte überweisen sie künftig auf das konto der zweigniederlassung"
    assert not LiteralFilter([r"rückerstattung"]).may_match(text)
    assert LiteralFilter([r"zweigniederlassung"]).may_match(text)
    assert LiteralFilter([r"über(weisen|trag)"]).may_match(text)
    assert not LiteralFilter([r"überweisungsträger"]).may_match(text)


def _labelled_texts(*, fold: bool = True) -> list[str]:
    folders = ("eval", "eval_holdout", "eval_tune", "eval_pool")
    root = Path(__file__).resolve().parents[1] / "fixtures"
    texts = [
        path.read_bytes().decode("utf-8", "replace")
        for folder in folders
        for path in sorted((root / folder).glob("*.eml"))
    ]
    return [riskconcepts.folded(text) for text in texts] if fold else texts


def test_the_concepts_filters_never_skip_a_text_that_holds_a_match():
    # The filters only spare a scan: a text a concept (or a look-alike) matches is never one
    # they say cannot hold it. The labelled mail, whole, folded as the concepts read it.
    texts = _labelled_texts()
    assert len(texts) > 300
    filters = {name: riskconcepts._concept_filter(name) for name in riskconcepts.CONCEPTS}
    filters["look-alikes"] = riskconcepts._look_alikes_filter()
    patterns = {**riskconcepts.CONCEPTS, "look-alikes": riskconcepts._LOOK_ALIKES}
    matched = 0
    for name, pattern in patterns.items():
        for text in texts:
            if pattern.search(text):
                matched += 1
                assert filters[name].may_match(text), (name, pattern.search(text).group(0))
    assert matched > 300


def test_the_rule_lists_filters_never_skip_a_text_that_holds_a_match():
    root = Path(__file__).resolve().parents[1] / "fixtures"
    texts = [
        path.read_bytes().decode("utf-8", "replace").lower()
        for folder in ("eval", "eval_holdout", "eval_tune", "eval_pool")
        for path in sorted((root / folder).glob("*.eml"))
    ]
    matched = 0
    for pattern in rules._PARTS:
        compiled = re.compile(pattern, re.MULTILINE)
        for text in texts:
            if compiled.search(text):
                matched += 1
                assert rules._filter_of(pattern).may_match(text), pattern[:60]
    assert matched > 1000


def test_the_policy_phrases_filters_never_skip_a_text_that_holds_a_match():
    named, phrases = policy._filters()
    matched = 0
    for text in (t.lower() for t in _labelled_texts(fold=False)):
        if policy._POLICY_NAMED.search(text):
            matched += 1
            assert named.may_match(text)
        for (pattern, _reason), possible in zip(policy.HIGH_RISK_PATTERNS, phrases, strict=True):
            if pattern.search(text):
                matched += 1
                assert possible.may_match(text), pattern.pattern[:60]
    assert matched > 50
