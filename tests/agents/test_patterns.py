"""The rules and the policy read lower-cased text with patterns compiled for it, and the risk
concepts find their sentences by one scan of the message: what a user would notice is a message
in capitals or a risky pair split over sentences judged differently, so that is what is tested."""

from __future__ import annotations

import re._parser as sre_parse

import pytest

from mailagent import policy, riskconcepts
from mailagent.agents.rules import classify, tone_of, urgency_of
from mailagent.textpatterns import lower_rx
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
