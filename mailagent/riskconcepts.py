"""Risk by meaning rather than by phrase: the matcher. PURE: text in, reasons out.

The words are in `mailagent.riskwords` (CONCEPTS, CONCEPT_RULES, LOOK_ALIKES, TYPO_TARGETS);
this module only reads them. A message is high risk when the concepts a rule needs all appear
within its reach: one sentence, a sentence and the next, or anywhere in the message. The
concepts read a folded copy of the text: lower case, accents gone, common typos put right,
look-alike phrases removed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import accumulate

from mailagent import riskwords
from mailagent.textpatterns import LiteralFilter

_FOLD = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "\u2019": "'", "\u2018": "'"})

_LOOK_ALIKES = re.compile(riskwords.LOOK_ALIKES)


@cache
def _look_alikes_filter() -> LiteralFilter:
    """What a look-alike phrase must contain: most mail holds none, and is not searched for
    them (a search with no match leaves the text as it was)."""
    return LiteralFilter([riskwords.LOOK_ALIKES])


def _one_slip(word: str, key: str) -> bool:
    if abs(len(word) - len(key)) > 1 or word == key:
        return False
    if len(word) == len(key):
        diff = [i for i, (a, b) in enumerate(zip(word, key, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == key[diff[1]]
        return swapped or (len(diff) == 1 and len(key) >= 8)
    short, long = sorted((word, key), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _unslip_word(word: str) -> str:
    if len(word) < 5 or word in riskwords.NOT_TYPOS:
        return word
    return _corrected(word)


@lru_cache(maxsize=65536)
def _corrected(word: str) -> str:
    # Mail repeats its words: each is compared with every target once per process, not per use.
    # A target is itself a word: "update" stays "update", not the "updated" one letter away.
    if word in riskwords.TYPO_TARGETS:
        return word
    return next((key for key in riskwords.TYPO_TARGETS if _one_slip(word, key)), word)


# The words `_unslip_word` may correct: a run of five letters or more is matched whole, as "[a-z]+"
# would match it (a scan reaches a run only at its first letter), and shorter runs stay as
# they are.
_LONG_WORD = re.compile(r"[a-z]{5,}")


def folded(text: str) -> str:
    """Lower case, no accents, typos put right, look-alike phrases removed.

    Plain ASCII (most mail) has no accents to take off: NFKD leaves it as it is, so neither
    the normalisation nor the character-by-character pass runs. The typos are looked up once
    per distinct word, and the text is rewritten only when one of them is a typo (rarely):
    the same result as a substitution calling back for every word, at a fraction of the cost.
    The look-alikes are searched for only in a text that holds what one needs (most do not)."""
    text = (text or "").lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_FOLD))
        text = "".join(c for c in text if not unicodedata.combining(c))
    fixes = {
        word: fixed
        for word in set(_LONG_WORD.findall(text))
        if (fixed := _unslip_word(word)) != word
    }
    if fixes:
        text = _LONG_WORD.sub(lambda match: fixes.get(match.group(0), match.group(0)), text)
    return _LOOK_ALIKES.sub(" ", text) if _look_alikes_filter().may_match(text) else text


def _rx(*alternatives: str) -> re.Pattern[str]:
    # Every alternative starts with a letter, a digit or a currency sign (a test checks): saying
    # so up front lets the matcher pass over spaces and punctuation without trying each one,
    # which halves the time of the longest list.
    # A currency sign starts an amount after a space, where no word boundary is ("the £86.40"),
    # and ends one written the other way round ("418 €").
    return re.compile(
        r"(?:\b(?=\w)|(?<![\w£€$])(?=[£€$]))(?:" + "|".join(alternatives) + r")(?:\b|(?<=[£€$]))"
    )


CONCEPTS: dict[str, re.Pattern[str]] = {
    name: _rx(*alternatives) for name, alternatives in riskwords.CONCEPTS.items()
}


@cache
def _concept_filter(concept: str) -> LiteralFilter:
    """What each match of a concept must contain (`textpatterns.LiteralFilter`): most messages
    lack what most concepts need ("refund", "back" with an amount, "lawyer"...), and are not
    scanned for them. Read from the patterns at first use, not at import (about 40 ms for all
    of them): `filters_build` builds them before the processing workers fork."""
    return LiteralFilter(riskwords.CONCEPTS[concept])


def filters_build() -> None:
    """Build every concept's filter and the look-alikes' now, so that the processing workers,
    forked after, share them."""
    _look_alikes_filter()
    for concept in CONCEPTS:
        _concept_filter(concept)


_SENTENCE_END = re.compile(r"(?<!\d)[.!?;]+(?!\d)|\n\s*\n|\n\s*[-*•]")


def _sentences(text: str) -> list[str]:
    sentences = (s.strip() for s in _SENTENCE_END.split(text.replace("\r", "")))
    return [re.sub(r"\s+", " ", s) for s in sentences if s]


class _Places:
    """Which sentences each concept appears in, found by one scan of the whole message.

    The sentences are joined by " \n ", which no concept's pattern can match across (they name
    words and the single spaces between them), so each match lies within one sentence, and a
    scan for the leftmost matches finds every sentence a concept appears in: the same answer as
    searching each sentence in turn, at a fraction of the cost (a rule asks about its concepts
    sentence by sentence, and mail runs to dozens of sentences)."""

    def __init__(self, sentences: list[str]) -> None:
        self.count = len(sentences)
        self.message = " \n ".join(sentences)
        self.starts = list(accumulate((len(s) + 3 for s in sentences[:-1]), initial=0))
        self.found: dict[str, frozenset[int]] = {}
        self.possible: dict[str, bool] = {}

    def of(self, concept: str) -> frozenset[int]:
        """The sentences `concept` appears in. Not scanned for when the message lacks what
        every match of it contains (`_concept_filter`): the answer, none, is the scan's."""
        if concept not in self.found:
            self.found[concept] = (
                frozenset(
                    bisect_right(self.starts, match.start()) - 1
                    for match in CONCEPTS[concept].finditer(self.message)
                )
                if self.may_hold(concept)
                else frozenset()
            )
        return self.found[concept]

    def may_hold(self, concept: str) -> bool:
        """False when the message cannot hold `concept` (a few `in` tests, no scan)."""
        if concept not in self.possible:
            self.possible[concept] = _concept_filter(concept).may_match(self.message)
        return self.possible[concept]

    def near(self, first: str, second: str, words: int) -> bool:
        """Whether a match of each concept lies in one sentence with at most `words` words
        between them, either first."""
        if not self.may_hold(first) or not self.may_hold(second):
            return False
        if not (self.of(first) & self.of(second)):
            return False
        spans = {
            c: [(m.start(), m.end()) for m in CONCEPTS[c].finditer(self.message)]
            for c in (first, second)
        }
        for a_start, a_end in spans[first]:
            for b_start, b_end in spans[second]:
                gap = self.message[min(a_end, b_end) : max(a_start, b_start)]
                if "\n" not in gap and len(gap.split()) <= words:
                    return True
        return False

    def together(self, needed: tuple[str, ...], where: str) -> bool:
        """Whether every concept needed appears in one sentence, in one sentence and the next
        ("window"), anywhere in the message, or ("near:N", two concepts) within N words of each
        other in one sentence."""
        if where.startswith("near:"):
            first, second = needed
            return self.near(first, second, int(where.split(":")[1]))
        # Every concept is needed: one the message cannot hold answers before any is scanned
        # for, whatever their order.
        if not all(self.may_hold(concept) for concept in needed):
            return False
        places = []
        for concept in needed:
            place = self.of(concept)
            if not place:
                return False
            places.append(place)
        if where == "message":
            return True
        if where == "sentence":
            return bool(frozenset.intersection(*places))
        return any(all(i in place or i + 1 in place for place in places) for i in range(self.count))


@lru_cache(maxsize=256)
def concept_risks(text: str) -> tuple[str, ...]:
    """Reasons found by meaning rather than by phrase (`riskwords.CONCEPT_RULES`). Cached:
    the triage rules ask about the same text several times, and the policy asks again."""
    places = _Places(_sentences(folded(text)))
    found = (
        reason
        for reason, needed, where in riskwords.CONCEPT_RULES
        if places.together(needed, where)
    )
    return tuple(dict.fromkeys(found))
