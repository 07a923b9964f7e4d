"""German compounds, split at the words a folder already uses.

German writes "Nitrilhandschuhe", "Kopierpapier" and "Lieferzeiten" as one word, so a customer
who asks about "Handschuhe" or "Papier" shares no term with the passage that names them, and
one who writes "Einfuhrumsatzsteuer" none with "Umsatzsteuer". A long term of a compounding
language also stands for its head (the longest ending that is a word of the folder's
vocabulary, itself at least MIN_PART characters, after at least as many) and its modifier (the
longest beginning that is one, a linking "s" aside): "nitrilhandschuh" also yields "handschuh",
"lieferzeit" "liefer" and "zeit". Both sides are split the same way against the same
vocabulary, the folder's own terms (stemmed: terms.py), so a split never invents a word the
folder does not use. And a question's word the folder uses only inside compounds stands for
them (compound_index): "Handschuhe" finds a folder that only ever writes "Nitrilhandschuhe". The
topics' own compound rule (topics.py) needs no vocabulary: its words are known in advance.

PURE: terms and a vocabulary in, terms out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable

#: Languages whose compounds are split.
COMPOUNDING = frozenset({"de"})
#: A part is at least this long, and so is what is left of the word.
MIN_PART = 4


def compound_parts(term: str, vocabulary: Container[str]) -> tuple[str, ...]:
    """The head and modifier of `term` that `vocabulary` holds, longest first, if any."""
    if len(term) < 2 * MIN_PART or term.isdigit():
        return ()
    parts: list[str] = []
    for cut in range(MIN_PART, len(term) - MIN_PART + 1):
        if term[cut:] in vocabulary:
            parts.append(term[cut:])
            break
    for cut in range(len(term) - MIN_PART, MIN_PART - 1, -1):
        modifier = term[:cut]
        if modifier in vocabulary:
            parts.append(modifier)
            break
        if modifier.endswith("s") and modifier[:-1] in vocabulary and cut - 1 >= MIN_PART:
            parts.append(modifier[:-1])
            break
    return tuple(parts)


def with_parts(words: list[str], vocabulary: Container[str]) -> list[str]:
    """`words` followed by the parts of those that are compounds."""
    return words + [part for word in words for part in compound_parts(word, vocabulary)]


def compound_index(vocabulary: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each beginning and ending of the vocabulary's compounds (at least MIN_PART characters,
    before or after as many, a linking "s" aside), with the compounds it begins or ends."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for term in vocabulary:
        if len(term) < 2 * MIN_PART or term.isdigit():
            continue
        for cut in range(MIN_PART, len(term) - MIN_PART + 1):
            found[term[cut:]].add(term)
            found[term[:cut]].add(term)
            if term[cut - 1] == "s" and cut - 1 >= MIN_PART:
                found[term[: cut - 1]].add(term)
    return {part: tuple(sorted(terms)) for part, terms in found.items()}
