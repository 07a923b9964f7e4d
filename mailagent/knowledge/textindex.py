"""A small full-text index: documents in, the few that answer a question out, or none.

Generic on purpose: it ranks the knowledge folder's passages for a customer's message, and earlier
approved replies for a new message the same way. Documents are (id, text, language[, title]);
`search(query, language, limit)` returns (id, score) hits, best first.

Ranking is SQLite FTS5's bm25() (in Python's own sqlite3, an in-memory database), over terms
normalised here (mailagent/knowledge/terms.py: stemmed per language, diacritics folded, stop
words dropped), the title weighing twice the text. The query is the customer's text, cut to
MAX_QUERY_CHARS, turned into an OR of its distinct terms, each one quoted as an FTS5 string: a
customer who writes `NEAR(` or `"` or `OR` or `*` writes words, never FTS5 syntax.

**Relevance: when no document is returned.** bm25 orders documents; it does not say whether the
best is any good: it ranks something first for every question. A hit is kept only when it shares
enough of what the question is about, measured by weight, not by counting words:

- each distinct query term t weighs w(t) = idf(t) / idf_max, between 0 and 1, where
  idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5)) (n documents of N in that language hold t) and
  idf_max is that of a term no document holds. Words the documents do not know weigh the most
  (1): "parrots" is the point of "do you sell parrots?", and no document has it. Words in every
  document weigh almost nothing. A number no document holds weighs 0: an order number or a date
  says which one, not what is asked (a model number the folder names counts like a word, but a
  hit needs at least one word that is not a number: "4411 12.03.2026" matches a price of 12);
- a hit must carry, in the query terms it holds, at least MIN_SHARE of the question's weight
  when it holds one of them, MIN_SHARE_SEVERAL when it holds several (two words of a question
  in one passage say more than one). The question's weight is capped at FULL_QUESTION_WEIGHT
  (about four specific words), so that a long message (a story, names, a signature) needs the
  weight of a short question's answer, not a share of everything it says;
- searching documents of another language than the question's (the fallback to the folder's
  language), words of the question's own language are unknown by nature and weigh 0; the hit must
  then also carry MIN_FOREIGN_WEIGHT (about two specific shared words: a product name).

So "can I return it?" finds the returns passage (all its weight), "do you sell parrots?" finds
nothing though a passage says "we sell lamps" (sell: 0.4 of 1.4), and neither does "what is the
meaning of life". tests/knowledge/test_relevance.py holds the examples the constants were set on.

**Speed.** FTS5 scores every row a query matches (about 5 us a row), and a question's common words
match most rows: at 10,000 passages an OR of them costs over a millisecond. So the rule comes
first: FTS5 lists, unscored, only the rows that could pass it (_could_pass: its term lists are
cheap to merge), the rule is checked on their terms, and bm25 then scores the relevant rows only
(at most MAX_RANKED of them). Scores are bm25's own: the terms a row does not hold add nothing.

Fork-safe: a forked worker must not use its parent's SQLite connection, so the connection belongs
to the process that opened it (os.getpid()) and a child builds its own from the terms kept here.
Thread-safe: one lock per process around the connection.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from mailagent.knowledge.terms import terms

#: Only the start of a long message is read: the question is nearly always there.
MAX_QUERY_CHARS = 2000
#: At most this many of the query's terms the documents hold count, the heaviest: a long
#: message's commonest words cost time (they match most rows) and seldom decide anything.
MAX_QUERY_TERMS = 16
#: Relevant documents ranked by bm25 at most, those carrying the most weight: the best by bm25
#: is among them, and scoring costs about 5 us a row.
MAX_RANKED = 64
TITLE_WEIGHT, TEXT_WEIGHT = 2.0, 1.0
MIN_SHARE = 0.5
MIN_SHARE_SEVERAL = 0.35
FULL_QUESTION_WEIGHT = 4.0
MIN_FOREIGN_WEIGHT = 0.6


class Document(NamedTuple):
    """What is indexed: a plain (id, text, language) tuple will do."""

    id: str
    text: str
    language: str
    title: str = ""


class Hit(NamedTuple):
    """A document that answers the query, and its bm25 score (higher is better)."""

    id: str
    score: float


@dataclass
class _Shelf:
    """The documents of one language."""

    table: str
    ids: list[str]
    rows: list[tuple[str, str]]
    terms: list[frozenset[str]]
    frequency: Counter

    def weight(self, term: str) -> float:
        total = len(self.ids)
        held = self.frequency.get(term, 0)
        idf = math.log(1 + (total - held + 0.5) / (held + 0.5))
        return idf / math.log(1 + (total + 0.5) / 0.5)


class TextIndex:
    """Documents of any languages, searchable by language."""

    def __init__(self, documents: Iterable[Document | tuple[str, str, str]]) -> None:
        self._shelves: dict[str, _Shelf] = {}
        for document in map(_document, documents):
            shelf = self._shelves.get(document.language)
            if shelf is None:
                table = f"docs{len(self._shelves)}"
                shelf = self._shelves[document.language] = _Shelf(table, [], [], [], Counter())
            title = terms(document.title, document.language)
            text = terms(document.text, document.language)
            held = frozenset(title) | frozenset(text)
            shelf.ids.append(document.id)
            shelf.rows.append((" ".join(title), " ".join(text)))
            shelf.terms.append(held)
            shelf.frequency.update(held)
        self._pid = -1
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._connection()  # built now, in the process that indexes, not at its first search

    def __len__(self) -> int:
        return sum(len(shelf.ids) for shelf in self._shelves.values())

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._shelves)

    def search(
        self, query: str, language: str, limit: int = 3, *, query_language: str | None = None
    ) -> list[Hit]:
        """The documents in `language` that answer `query`, best first, at most `limit`; none
        when none is relevant (see the module's docstring). `query_language` is the language the
        query is written in, when it is not `language` (a fallback to another language's
        documents)."""
        shelf = self._shelves.get(language)
        if shelf is None or limit <= 0:
            return []
        foreign = query_language not in (None, language)
        also_stop = (query_language,) if foreign and query_language else ()
        asked = dict.fromkeys(terms(query[:MAX_QUERY_CHARS], language, also_stop=also_stop))
        weights = {t: _weight(shelf, t, foreign=foreign) for t in asked}
        known = sorted((t for t in asked if t in shelf.frequency), key=lambda t: -weights[t])
        question = min(sum(weights.values()), FULL_QUESTION_WEIGHT)
        if not known or question <= 0:
            return []
        floor = MIN_FOREIGN_WEIGHT if foreign else 0.0
        relevant = self._relevant(shelf, known[:MAX_QUERY_TERMS], weights, question, floor)
        if not relevant:
            return []
        return [
            Hit(shelf.ids[rowid], -rank) for rowid, rank in self._ranked(shelf, relevant, limit)
        ]

    def _relevant(
        self,
        shelf: _Shelf,
        known: list[str],
        weights: dict[str, float],
        question: float,
        floor: float,
    ) -> list[tuple[int, frozenset[str]]]:
        """The rows that pass the relevance rule (the module's docstring), found in two steps:
        FTS5 lists, from its term lists and without scoring anything, the rows that could pass
        (_could_pass), and the rule is then checked on each one's terms. At most MAX_RANKED of
        them, those carrying the most weight, with the query terms each holds."""
        match = _could_pass(known, weights, question, floor)
        if not match:
            return []
        sql = f"SELECT rowid FROM {shelf.table} WHERE {shelf.table} MATCH ?"  # noqa: S608
        db, lock = self._connection()
        with lock:
            rows = db.execute(sql, (match,)).fetchall()
        asked = frozenset(known)
        alone, several = max(MIN_SHARE * question, floor), max(MIN_SHARE_SEVERAL * question, floor)
        relevant = []
        for (rowid,) in rows:
            matched = asked.intersection(shelf.terms[rowid])
            carried = sum(map(weights.__getitem__, matched))
            if carried >= (alone if len(matched) < 2 else several) and not all(
                t.isdigit() for t in matched
            ):
                relevant.append((carried, rowid, matched))
        relevant.sort(key=lambda row: -row[0])
        return [(rowid, matched) for _, rowid, matched in relevant[:MAX_RANKED]]

    def _ranked(
        self, shelf: _Shelf, relevant: list[tuple[int, frozenset[str]]], limit: int
    ) -> list[tuple[int, float]]:
        """The best `limit` of the relevant rows by FTS5's bm25. FTS5 scores every row its query
        matches (about 5 us each) and a question's common words match most rows, so the query
        names only the terms these rows hold (the others add nothing to their scores) and the
        rows themselves; the "+" keeps SQLite from handing FTS5 that list as lookups one by one:
        it filters the matches instead."""
        held = sorted(frozenset().union(*(matched for _, matched in relevant)))
        rows = json.dumps([rowid for rowid, _ in relevant])
        sql = (
            f"SELECT rowid, bm25({shelf.table}, ?, ?) AS rank FROM {shelf.table} "  # noqa: S608
            f"WHERE {shelf.table} MATCH ? AND +rowid IN (SELECT value FROM json_each(?)) "
            "ORDER BY rank LIMIT ?"
        )
        db, lock = self._connection()
        with lock:
            return db.execute(
                sql, (TITLE_WEIGHT, TEXT_WEIGHT, _any_of(held), rows, limit)
            ).fetchall()

    def _connection(self) -> tuple[sqlite3.Connection, threading.Lock]:
        pid = os.getpid()
        if self._pid != pid:
            with _guard():
                if self._pid != pid:
                    # The parent's lock may have been held by one of its threads at the fork.
                    self._lock = threading.Lock()
                    self._db = self._database()
                    self._pid = pid
        assert self._db is not None
        return self._db, self._lock

    def _database(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        for shelf in self._shelves.values():
            # Terms are normalised already: the tokenizer only splits them at the spaces.
            db.execute(
                f"CREATE VIRTUAL TABLE {shelf.table} USING fts5(title, body, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )
            db.executemany(
                f"INSERT INTO {shelf.table} (rowid, title, body) VALUES (?, ?, ?)",  # noqa: S608
                ((n, title, body) for n, (title, body) in enumerate(shelf.rows)),
            )
            # One b-tree segment instead of the dozens bulk inserts leave: faster queries.
            db.execute(f"INSERT INTO {shelf.table} ({shelf.table}) VALUES ('optimize')")  # noqa: S608
        db.commit()
        return db


def _document(document: Document | tuple[str, str, str]) -> Document:
    return document if isinstance(document, Document) else Document(*document)


def _could_pass(known: list[str], weights: dict[str, float], question: float, floor: float) -> str:
    """An FTS5 query for the rows that could pass the relevance rule, or "" when none can. A
    row holding one query term passes only if that term alone carries enough: those terms are
    listed alone. A row holding several passes only if its heaviest term, its next heaviest and
    every term lighter than that could carry enough: each such pair is listed with "AND".
    Repeated terms are harmless here: nothing is scored."""
    alone = max(MIN_SHARE * question, floor)
    several = max(MIN_SHARE_SEVERAL * question, floor)
    # lighter[n]: what all the terms after the n-th weigh together (known is heaviest first).
    lighter = [0.0] * len(known)
    for n in range(len(known) - 2, -1, -1):
        lighter[n] = lighter[n + 1] + weights[known[n + 1]]
    parts = []
    for n, term in enumerate(known):
        if weights[term] >= alone:
            parts.append(_any_of([term]))
            continue
        partners = [
            known[m]
            for m in range(n + 1, len(known))
            if weights[term] + weights[known[m]] + lighter[m] >= several
        ]
        if partners:
            parts.append(f"({_any_of([term])} AND ({_any_of(partners)}))")
    return " OR ".join(parts)


def _weight(shelf: _Shelf, term: str, *, foreign: bool) -> float:
    """A query term's weight for relevance (the module's docstring)."""
    if term not in shelf.frequency and (foreign or term.isdigit()):
        return 0.0
    if foreign and term.isdigit():
        return 0.0
    return shelf.weight(term)


def _any_of(query_terms: list[str]) -> str:
    """An FTS5 OR of the terms. They are made of letters and digits only (terms.py), and each
    is still quoted, its quotes doubled, so that no text can ever reach FTS5 as an operator."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in query_terms)


_guard_lock = threading.Lock()


def _guard() -> threading.Lock:
    return _guard_lock


def _after_fork() -> None:
    global _guard_lock
    _guard_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)
