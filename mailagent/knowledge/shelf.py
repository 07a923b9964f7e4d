"""One language's documents as the relevance rule reads them: the rows holding each term, as the
bits of an integer.

The rule (relevance.py) is checked on sets of rows, not row by row: the rows that hold a concept
of the question and those that do not, split again on the next concept. Python's integers make
those sets: row n is bit n, and AND, OR and NOT on a few thousand rows cost well under a
microsecond, where checking rows one at a time costs about a microsecond each. A term's set is
built from its postings (the rows that hold it, in order) the first time a question asks for
it, and the ROW_SETS_KEPT most recently asked for are kept. In a compounding language a word the
documents only use inside compounds stands for those compounds (compounds.py): "handschuh"
holds the rows of "nitrilhandschuh".

Plain Python data: a forked worker reads its parent's as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

#: The rows of this many terms are kept as sets, per language, the most recently used.
ROW_SETS_KEPT = 4096


@dataclass
class Shelf:
    """The documents of one language."""

    #: Its FTS5 table, and per row the document's id, its three columns and all its terms.
    table: str
    ids: list[str] = field(default_factory=list)
    #: Each document's row, by its id.
    row_of: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    terms: list[frozenset[str]] = field(default_factory=list)
    #: How many rows hold each term.
    frequency: Counter = field(default_factory=Counter)
    #: The rows holding each term, and those about each subject (its title's and context's,
    #: else its text's: relevance.py), in order.
    postings: dict[str, list[int]] = field(default_factory=dict)
    subject_postings: dict[str, list[int]] = field(default_factory=dict)
    #: The rows whose own heading (not the headings above it) names each subject.
    headed_postings: dict[str, list[int]] = field(default_factory=dict)
    #: In a compounding language, the compounds each part of them begins or ends (compounds.py).
    within: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.holding = lru_cache(maxsize=ROW_SETS_KEPT)(self._holding)
        self.about_rows = lru_cache(maxsize=ROW_SETS_KEPT)(self._about_rows)
        self.headed_rows = lru_cache(maxsize=ROW_SETS_KEPT)(self._headed_rows)
        self.counts = Counts(self)

    def add(
        self,
        document_id: str,
        title: list[str],
        context: list[str],
        text: list[str],
        *,
        about: frozenset[str],
        headed: frozenset[str] = frozenset(),
    ) -> None:
        """A document, by its terms (topics included), the subjects it is about and those its
        own heading names."""
        held = frozenset(title).union(context, text)
        row = len(self.ids)
        self.ids.append(document_id)
        self.row_of[document_id] = row
        self.rows.append((" ".join(title), " ".join(context), " ".join(text)))
        self.terms.append(held)
        self.frequency.update(held)
        for term in held:
            self.postings.setdefault(term, []).append(row)
        for subject in about:
            self.subject_postings.setdefault(subject, []).append(row)
        for subject in headed:
            self.headed_postings.setdefault(subject, []).append(row)

    @property
    def everything(self) -> int:
        return (1 << len(self.ids)) - 1

    def compounds_of(self, term: str) -> tuple[str, ...]:
        """The compounds a word the documents never use alone stands for."""
        return () if term in self.frequency else self.within.get(term, ())

    def _holding(self, term: str) -> int:
        """The rows holding `term` (or, for a part of compounds, one of them), as the bits of an
        integer: AND and OR on a few thousand rows cost well under a microsecond."""
        compounds = self.compounds_of(term)
        if compounds:
            return bitset((row for c in compounds for row in self.postings[c]), len(self.ids))
        return bitset(self.postings.get(term, ()), len(self.ids))

    def _about_rows(self, subject: str) -> int:
        return bitset(self.subject_postings.get(subject, ()), len(self.ids))

    def _headed_rows(self, subject: str) -> int:
        return bitset(self.headed_postings.get(subject, ()), len(self.ids))


class Counts(Mapping[str, int]):
    """How many rows hold each term, a part of compounds counting the rows of its compounds."""

    def __init__(self, shelf: Shelf) -> None:
        self._shelf = shelf

    def __getitem__(self, term: str) -> int:
        held = self._shelf.frequency.get(term)
        if held:
            return held
        if self._shelf.compounds_of(term):
            return self._shelf.holding(term).bit_count()
        raise KeyError(term)

    def __contains__(self, term: object) -> bool:
        return term in self._shelf.frequency or term in self._shelf.within

    def __iter__(self) -> Iterator[str]:
        return iter(self._shelf.frequency)

    def __len__(self) -> int:
        return len(self._shelf.frequency)


def bitset(rows: Iterable[int], size: int) -> int:
    """Row numbers as the bits of an integer (row n is bit n)."""
    bits = bytearray(size // 8 + 1)
    for row in rows:
        bits[row >> 3] |= 1 << (row & 7)
    return int.from_bytes(bits, "little")


def bits(rows: int) -> Iterable[int]:
    """The numbers of the bits set in `rows`, lowest first."""
    while rows:
        lowest = rows & -rows
        yield lowest.bit_length() - 1
        rows ^= lowest
