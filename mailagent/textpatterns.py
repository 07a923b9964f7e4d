"""Helpers for writing the patterns of the rules and the risk words. PURE.

The patterns read lower-cased text and are compiled without `re.IGNORECASE`: a case-blind
matcher folds case at every character it tries, and the rules and the policy read every message
several times. A pattern with an upper-case letter would then never match, so `lower_rx` refuses
one when it is compiled.

`LiteralFilter` reads from patterns what their matches must contain, so that a text lacking it
is not searched at all.
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from collections.abc import Iterable

# The parser of the standard library's `re` (its modules are private since Python 3.11).
from re import _constants as _sre
from re import _parser as _sre_parse

import ahocorasick

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


#: A character class is read as the characters it lists when it lists at most this many.
_CLASS_CHARS = 10
#: A clue: strings at least one of which every match of a pattern contains.
Clue = tuple[str, ...]


class LiteralFilter:
    """Whether a text can hold a match of any of some patterns, told by what their matches
    must contain, read from the patterns themselves: False means none can match anywhere in
    it, so a search of it can be skipped with the same answer.

    Each pattern's top-level alternatives ("a|b(c|d)": "a" and "b(c|d)") give clues: strings of
    which every match of that alternative holds at least one (a word it names in full, a letter
    of a short class such as "[£€$]", a digit for "\\d"). Only what is certain is kept: an
    optional part, a look-around (it is not part of the match), a negated or large class and
    anything else give no clue, a group inside gives one only when each of its branches does
    (one string of each), and an alternative with no clue at all, or a case-blind pattern,
    makes the filter say True for every text. A text is checked with `in` tests (memchr-fast),
    the most telling clue of each alternative first, the others only of the alternatives whose
    first is met: a few microseconds, where a search tries the pattern at every word.

    Which first clues a text holds is found once per text for every filter together, in one
    pass of an Aho-Corasick automaton over all of them (`_clues_held`): the rules and the policy
    ask 27 filters about each message, most of them about the same few texts. A filter's words
    stay in that automaton for good, and a new word rebuilds it: make filters for the patterns
    of the code (cached, as every caller does), never one per message. A case-blind pattern,
    such as the account's own invoice numbers the facts check builds per account, adds none."""

    def __init__(self, patterns: Iterable[str | re.Pattern[str]]) -> None:
        self.always = False
        owners: dict[str, list[tuple[Clue, ...]]] = {}
        for pattern in patterns:
            source, flags = (
                (pattern.pattern, pattern.flags)
                if isinstance(pattern, re.Pattern)
                else (pattern, 0)
            )
            for clues in _alternative_clues(source, flags):
                if not clues:
                    self.always = True
                    continue
                first, *rest = clues
                for s in first:
                    owners.setdefault(s, []).append(tuple(rest))
        self._owners = owners
        self._firsts = frozenset(owners)
        _FIRSTS.add(self._firsts)

    def may_match(self, text: str) -> bool:
        """False when no pattern can match anywhere in `text`."""
        if self.always:
            return True
        if not self._firsts:
            return False
        for first in self._firsts.intersection(_FIRSTS.held(text)):
            for rest in self._owners[first]:
                if all(any(x in text for x in clue) for clue in rest):
                    return True
        return False


class _FirstClues:
    """Every filter's first clues, and which of them a text holds: one pass over the text by
    an Aho-Corasick automaton (pyahocorasick, in C) instead of an `in` test for each of the
    1,200 clues. The answer for the last few texts is kept, keyed by the text and the automaton
    it was computed with, so that a filter made later (which builds a new one) never reads a
    stale answer."""

    def __init__(self) -> None:
        self._clues: set[str] = set()
        self._lock = threading.Lock()
        self._automaton: ahocorasick.Automaton | None = None

    def add(self, clues: frozenset[str]) -> None:
        with self._lock:
            if clues <= self._clues:
                return
            self._clues |= clues
            self._automaton = None

    def _built(self) -> ahocorasick.Automaton:
        automaton = self._automaton  # one read: another thread may set it to None meanwhile
        if automaton is not None:
            return automaton
        with self._lock:
            if self._automaton is None:
                automaton = ahocorasick.Automaton()
                for clue in self._clues:
                    automaton.add_word(clue, clue)
                automaton.make_automaton()
                self._automaton = automaton
            return self._automaton

    def held(self, text: str) -> frozenset[str]:
        return _clues_held(text, self._built())


@functools.lru_cache(maxsize=64)
def _clues_held(text: str, automaton: ahocorasick.Automaton) -> frozenset[str]:
    # The automaton yields (end, clue) for each occurrence: taken apart in C, not in a loop.
    return frozenset(map(_CLUE, automaton.iter(text)))


_CLUE = operator.itemgetter(1)


_FIRSTS = _FirstClues()


def _alternative_clues(pattern: str, flags: int = 0) -> list[tuple[Clue, ...]]:
    """The clues of each top-level alternative of `pattern`, the most telling first; () for
    one that has none (or for the whole, when it is case-blind)."""
    parsed = _sre_parse.parse(pattern, flags)
    if (flags | parsed.state.flags) & re.IGNORECASE:
        return [()]
    items = list(parsed)
    # One alternation among other parts (the parser moves a prefix all branches share, such
    # as "\\b", out in front): the text around it belongs to each of its branches.
    where = [n for n, (op, _value) in enumerate(items) if op is _sre.BRANCH]
    if len(where) == 1:
        n = where[0]
        branches = [items[:n] + list(branch) + items[n + 1 :] for branch in items[n][1][1]]
    else:
        branches = [items]
    found: list[tuple[Clue, ...]] = []
    for branch in branches:
        try:
            clues = _clues(branch)
        except _CaseBlind:
            return [()]
        found.append(tuple(sorted(set(clues), key=_telling)))
    return found


def _telling(clue: Clue) -> tuple[int, int, Clue]:
    """Most telling first: the longest shortest string, then the fewest strings."""
    return (-min(map(len, clue)), len(clue), clue)


class _CaseBlind(Exception):
    """A case-blind group: no literal of the pattern can be trusted."""


def _minimal(strings: set[str]) -> Clue:
    """The strings, without those that hold a shorter one of them (a text that holds
    "payment" holds "pay")."""
    kept: list[str] = []
    for s in sorted(strings, key=lambda s: (len(s), s)):
        if not any(k in s for k in kept):
            kept.append(s)
    return tuple(kept)


def _class_chars(members: list) -> Clue | None:
    chars: set[str] = set()
    for op, value in members:
        if op is _sre.LITERAL:
            chars.add(chr(value))
        elif op is _sre.RANGE and value[1] - value[0] < _CLASS_CHARS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        elif op is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None
    return tuple(sorted(chars)) if 0 < len(chars) <= _CLASS_CHARS else None


def _clues(items: list) -> list[Clue]:
    """The clues of a sequence of parsed items: every one of them holds for a match of it."""
    clues: list[Clue] = []
    run: list[str] = []

    def close() -> None:
        if run:
            clues.append(("".join(run),))
            run.clear()

    for op, value in items:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        close()
        if op is _sre.IN:
            if chars := _class_chars(value):
                clues.append(chars)
        elif op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner = value
            if add_flags & re.IGNORECASE:
                raise _CaseBlind
            clues += _clues(list(inner))
        elif op is _sre.ATOMIC_GROUP:
            clues += _clues(list(value))
        elif op is _sre.BRANCH:
            chosen = [min(_clues(list(branch)), key=_telling, default=None) for branch in value[1]]
            if all(chosen):
                clues.append(_minimal({s for clue in chosen if clue for s in clue}))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, _high, inner = value
            if low >= 1:
                clues += _clues(list(inner))
        # Anything else (a look-around, an anchor, a class of many, a back-reference) is
        # matched by no string known here: it gives no clue, and ends the literal run.
    close()
    return [_minimal(set(clue)) for clue in clues]
