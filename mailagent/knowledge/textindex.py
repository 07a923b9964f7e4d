"""A small full-text index: documents in, the few that answer a question out, or none.

Generic on purpose: it ranks the knowledge folder's passages for a customer's message, and could
rank earlier approved replies for a new message the same way. Documents are (id, text,
language[, title, context]); `search(query, language, limit)` returns (id, score, adds) hits,
best first, and `search_falling_back` tries another language's documents when none answers.

Ranking is SQLite FTS5's bm25() (in Python's own sqlite3, an in-memory database), over terms
normalised here (terms.py: stemmed per language, diacritics folded, stop words dropped; German
compounds also split at the folder's own words, compounds.py) and the business topics they name
(topics.py), the title weighing TITLE_WEIGHT times the text and the context (the headings above
a passage's own) as the text. The query is the customer's text, cut to MAX_QUERY_CHARS, turned
into an OR of the terms the relevant documents hold, each one quoted as an FTS5 string: a
customer who writes `NEAR(` or `"` or `OR` or `*` writes words, never FTS5 syntax.

**Relevance: when no document is returned** is relevance.py's rule: a hit must carry enough of
the weight of what the question asks, its words and the subjects they name, and be about one of
those subjects, or the question gets nothing.

**Speed.** FTS5 scores every row a query matches (about 5 us a row), and a question's common words
and topics match most rows: at 10,000 passages an OR of them costs over a millisecond. So the
rule comes first, on sets of rows held as the bits of Python integers (shelf.py): splitting them
on each concept of the question (relevance.answering) finds the rows that answer, grouped by
what they carry, with no row read one at a time. bm25 then scores the relevant rows
only (at most MAX_RANKED of them, those carrying the most). Scores are bm25's own: the terms a
row does not hold add nothing.

Fork-safe: a forked worker must not use its parent's SQLite connection, so the connection belongs
to the process that opened it (os.getpid()) and a child builds its own from the terms kept here.
Thread-safe: one lock per process around the connection.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from itertools import islice
from typing import NamedTuple

from mailagent.knowledge.compounds import COMPOUNDING, compound_index, with_parts
from mailagent.knowledge.question import asking_parts
from mailagent.knowledge.relevance import Question, answering, any_of, question_read
from mailagent.knowledge.shelf import Shelf, bits
from mailagent.knowledge.terms import terms
from mailagent.knowledge.topics import (
    NO_SUBJECT,
    durations,
    is_topic,
    passage_topics,
    subjects,
)

#: Only the start of a long message is read: the question is nearly always there.
MAX_QUERY_CHARS = 2000
#: Relevant documents ranked by bm25 at most, those carrying the most weight: the best by bm25
#: is among them, and scoring costs about 5 us a row.
MAX_RANKED = 32
TITLE_WEIGHT, CONTEXT_WEIGHT, TEXT_WEIGHT = 3.0, 1.0, 1.0
#: Questions kept as read (`TextIndex._read`), the latest: a few kilobytes each.
MAX_READ_QUESTIONS = 1024


class Document(NamedTuple):
    """What is indexed: a plain (id, text, language) tuple will do."""

    id: str
    text: str
    language: str
    title: str = ""
    #: What the title sits under (a passage's headings above its own): it weighs as the text
    #: does, not as the title, but says what the document is about as the title does.
    context: str = ""


class Hit(NamedTuple):
    """A document that answers the query, and its bm25 score (higher is better)."""

    id: str
    score: float
    #: The question's concepts it holds that no better hit holds (relevance.py's words and
    #: topics, with their weights): what it adds to the answer, heaviest first.
    adds: tuple[tuple[str, float], ...] = ()
    #: On the best hit only: the subjects the question asks (topics.py) that no hit is about,
    #: so that a draft quoting the hits says a person completes the rest. Only for a question
    #: told apart from its story: a message read whole names more than it asks.
    missing: tuple[str, ...] = ()
    #: Found for one of the query's separate questions (question.asking_parts) that the hits
    #: for the whole query lacked.
    part: bool = False


class TextIndex:
    """Documents of any languages, searchable by language."""

    def __init__(self, documents: Iterable[Document | tuple[str, str, str]]) -> None:
        self._shelves: dict[str, Shelf] = {}
        read = [
            (doc, [terms(part, doc.language) for part in (doc.title, doc.context, doc.text)])
            for doc in map(_document, documents)
        ]
        # A compound is split at the words of its own language's documents (compounds.py).
        vocabulary: dict[str, set[str]] = {}
        for document, parts in read:
            if document.language in COMPOUNDING:
                vocabulary.setdefault(document.language, set()).update(*parts)
        for document, parts in read:
            if document.language in vocabulary:
                parts = [with_parts(words, vocabulary[document.language]) for words in parts]
            self._add(document, *parts)
        for language, words in vocabulary.items():
            self._shelves[language].within = compound_index(words)
        self._questions: dict[tuple[str, str, str | None], Question] = {}
        self._pid = -1
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._connection()  # built now, in the process that indexes, not at its first search

    def _add(
        self, document: Document, title: list[str], context: list[str], text: list[str]
    ) -> None:
        shelf = self._shelves.get(document.language)
        if shelf is None:
            shelf = self._shelves[document.language] = Shelf(f"docs{len(self._shelves)}")
        title, context, text = (
            words + passage_topics(words, document.language) for words in (title, context, text)
        )
        text += durations(document.text)
        about = subjects(title + context) or subjects(text)
        if not about:
            text.append(NO_SUBJECT)
        shelf.add(document.id, title, context, text, about=about, headed=subjects(title))

    def __len__(self) -> int:
        return sum(len(shelf.ids) for shelf in self._shelves.values())

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._shelves)

    def headed(self, subject: str, language: str) -> list[str]:
        """The documents in `language` whose own heading names `subject` (a topic's token), in
        the order they were indexed: what the folder says under a heading of its own about it,
        whatever a message asks."""
        shelf = self._shelves.get(language)
        if shelf is None:
            return []
        return [shelf.ids[row] for row in shelf.headed_postings.get(subject, ())]

    def search(
        self, query: str, language: str, limit: int = 3, *, query_language: str | None = None
    ) -> list[Hit]:
        """The documents in `language` that answer `query`, best first, at most `limit`; none
        when none is relevant (see the module's docstring). `query_language` is the language the
        query is written in, when it is not `language` (a fallback to another language's
        documents)."""
        question = self._read(query, language, query_language)
        hits = self._found(language, question, limit) if question else []
        return self._by_parts(query, language, query_language, question, hits, limit)

    def search_falling_back(
        self, query: str, language: str, fallback: str, limit: int = 3
    ) -> list[Hit]:
        """The documents in `language` that answer `query`, else those in `fallback` (read with
        that language's rule: relevance.py). When the fallback answers, the documents in
        `language` are searched once more, held to the bar the fallback cleared (the weight of
        the question as that language reads it, where the customer's own incidental words weigh
        nothing): one of them that answers as well comes first, in the customer's language."""
        own = self._read(query, language, None)
        hits = self._found(language, own, limit) if own else []
        hits = self._by_parts(query, language, None, own, hits, limit)
        if hits or fallback == language:
            return hits
        other = self._read(query, fallback, language)
        hits = self._found(fallback, other, limit) if other else []
        hits = self._by_parts(query, fallback, language, other, hits, limit)
        if hits and own:
            return self._found(language, own.held_to(other), limit) or hits
        return hits

    def _by_parts(
        self,
        query: str,
        language: str,
        query_language: str | None,
        question: Question | None,
        hits: list[Hit],
        limit: int,
    ) -> list[Hit]:
        """`hits` for the whole `question`, with the best hit for each of its separate
        questions (question.asking_parts) that they lack: "was kostet ein Karton Becher, und
        was kostet der Versand nach Deutschland?" names delivery, and the whole is answered by
        the delivery costs alone, as the rule holds a question that names a subject to
        documents about it; the price of the cups is a question of its own, answered by the
        price list. Each part is held to the rule on its own (a part that asks nothing the
        folder holds adds nothing); a part that names no subject is read first as asking of
        the whole's ("how long does it take?" under a shipping question), and alone only when
        it says enough on its own (`_standing_alone`). The parts' hits come after the whole's
        best, before its others; the first hit then names what no hit answers."""
        if question is None or limit <= 0:
            return hits
        parts = asking_parts(query[:MAX_QUERY_CHARS], query_language or language)
        if not parts:
            return hits
        # The whole's best is its own; a hit it ranked lower may be claimed by a part.
        taken = {hit.id for hit in hits[:1]}
        found: list[Hit] = []
        shelf = self._shelves[language]
        for part in parts:
            read = self._read(part, language, query_language)
            if read is None:
                continue
            # Read alone, and (when it names no subject) as asking of the whole's subjects:
            # the hit that carries more of the part, the whole's subjects counting for the
            # second; a tie goes to the second.
            candidates: list[tuple[float, Hit]] = []
            if not read.subjects and question.held_subjects:
                for hit in self._found(language, read.within(question), 1):
                    # It must hold something of the part's own, not only the whole's subjects.
                    if any(concept in read.weights for concept, _ in hit.adds):
                        candidates.append((_carried(hit), hit))
            if _standing_alone(read, shelf):
                alone = self._found(language, read, 1)
                candidates += [(_carried(hit) - 1e-9, hit) for hit in alone]
            # A part that names a subject is answered by a passage that speaks of it in its own
            # heading or text, not by one that only sits under a heading naming it: "what's
            # the minimum run for cups printed with our logo?" is not answered by the price
            # list, which sits under "Prices, minimum order and volume discounts".
            if read.subjects:
                candidates = [(w, hit) for w, hit in candidates if read.subjects & _own(shelf, hit)]
            best = [max(candidates, key=lambda c: c[0])[1]] if candidates else []
            if best and best[0].id not in taken:
                taken.add(best[0].id)
                found.append(best[0]._replace(missing=(), part=True))
        if not found:
            return hits
        # A part's best that the whole ranked lower already moves up as the part's answer:
        # "...please update our delivery address. Do you deliver on Saturdays?" ranks the
        # delivery times third for the whole, behind a passage that names Saturdays for
        # collection; read alone, the part finds them first.
        ids = {hit.id for hit in found}
        rest = [hit for hit in hits[1:] if hit.id not in ids]
        merged = [*hits[:1], *found, *rest][:limit]
        return self._with_missing(language, question, merged)

    def _with_missing(self, language: str, question: Question, hits: list[Hit]) -> list[Hit]:
        """`hits`, the first naming the subjects of `question` no hit speaks of (only for a
        question told apart from its story) and the places no document names."""
        shelf = self._shelves[language]
        answered = {concept for hit in hits if not hit.part for concept, _ in hit.adds}
        for hit in hits:
            title, _, text = shelf.rows[shelf.row_of[hit.id]]
            # A part's passage answers the subjects of its own heading: the returns passage
            # found for "how long does the printing take?" says custom-printed cups cannot be
            # sent back, which answers nothing about printing.
            said = title.split() if hit.part else [*title.split(), *text.split()]
            answered.update(question.subjects.intersection(said))
        missing = tuple(sorted(question.subjects - answered)) if question.focused else ()
        missing += question.unknown_places
        hits = [hit._replace(missing=()) for hit in hits]
        return [hits[0]._replace(missing=missing), *hits[1:]] if hits else hits

    def _read(self, query: str, language: str, query_language: str | None) -> Question | None:
        """The question as `language`'s documents read it (relevance.question_read), read once
        per query: a message's question is read again for each of its parts that repeats it
        and for each search made for the same text (a draft, its check), and mail repeats its
        questions. The reading depends only on the text, the two languages and the shelf's
        counts, which never change once indexed, and a Question is never changed by its
        readers (its variants are copies), so the one read before is the answer. Bounded:
        the oldest reading goes first."""
        shelf = self._shelves.get(language)
        if shelf is None:
            return None
        key = (query[:MAX_QUERY_CHARS], language, query_language)
        question = self._questions.get(key)
        if question is None:
            question = question_read(
                key[0],
                language,
                query_language=query_language,
                frequency=shelf.counts,
                total=len(shelf.ids),
                vocabulary=shelf.frequency,
            )
            if len(self._questions) >= MAX_READ_QUESTIONS:
                self._questions.pop(next(iter(self._questions)), None)
            self._questions[key] = question
        return question

    def _found(self, language: str, question: Question, limit: int) -> list[Hit]:
        shelf = self._shelves[language]
        relevant = self._relevant(shelf, question) if limit > 0 else []
        if not relevant:
            return []
        scored = self._ranked(shelf, relevant, len(relevant))
        taken = _covering(scored, shelf, question, limit)
        hits = [Hit(shelf.ids[rowid], -rank, adds) for rowid, rank, adds in taken]
        # A subject is answered when a hit speaks of it, whatever its heading is about: the
        # delivery costs that say "import duties and taxes are included" answer the duties.
        return self._with_missing(language, question, hits)

    def _relevant(self, shelf: Shelf, question: Question) -> list[tuple[int, frozenset[str]]]:
        """The documents that answer (relevance.answering), at most MAX_RANKED of them, those
        carrying the most weight, with the query's terms each holds."""
        found: list[int] = []
        groups = answering(
            question,
            holding=shelf.holding,
            about=shelf.about_rows,
            everything=shelf.everything,
            headed=shelf.headed_rows,
        )
        for _, rows in groups:
            found.extend(islice(bits(rows), MAX_RANKED - len(found)))
            if len(found) >= MAX_RANKED:
                break
        ranked = question.ranked.union(*map(shelf.compounds_of, question.ranked))
        return [(rowid, ranked.intersection(shelf.terms[rowid])) for rowid in found]

    def _ranked(
        self, shelf: Shelf, relevant: list[tuple[int, frozenset[str]]], limit: int
    ) -> list[tuple[int, float]]:
        """The best `limit` of the relevant rows by FTS5's bm25. FTS5 scores every row its query
        matches (about 5 us each) and a question's common words match most rows, so the query
        names only the terms these rows hold (the others add nothing to their scores) and the
        rows themselves; the "+" keeps SQLite from handing FTS5 that list as lookups one by one:
        it filters the matches instead."""
        held = sorted(frozenset().union(*(matched for _, matched in relevant)))
        rows = json.dumps([rowid for rowid, _ in relevant])
        sql = (
            f"SELECT rowid, bm25({shelf.table}, ?, ?, ?) AS rank FROM {shelf.table} "  # noqa: S608
            f"WHERE {shelf.table} MATCH ? AND +rowid IN (SELECT value FROM json_each(?)) "
            "ORDER BY rank LIMIT ?"
        )
        db, lock = self._connection()
        with lock:
            return db.execute(
                sql, (TITLE_WEIGHT, CONTEXT_WEIGHT, TEXT_WEIGHT, any_of(held), rows, limit)
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
                f"CREATE VIRTUAL TABLE {shelf.table} USING fts5(title, context, body, "
                "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
            )
            db.executemany(
                f"INSERT INTO {shelf.table} (rowid, title, context, body) "  # noqa: S608
                "VALUES (?, ?, ?, ?)",
                ((n, *row) for n, row in enumerate(shelf.rows)),
            )
            # One b-tree segment instead of the dozens bulk inserts leave: faster queries.
            db.execute(f"INSERT INTO {shelf.table} ({shelf.table}) VALUES ('optimize')")  # noqa: S608
        db.commit()
        return db


def _covering(
    scored: list[tuple[int, float]], shelf: Shelf, question: Question, limit: int
) -> list[tuple[int, float, tuple[tuple[str, float], ...]]]:
    """The best `limit` of the rows bm25 `scored` (best first), for a question of several parts.

    A row that answers a part of the question no row taken so far answers comes before
    better-scored rows that repeat what is taken, and the row that answers the most of it comes
    first: "what is your minimum order, and do you charge for delivery?" is answered by the
    minimum-order passage and the delivery costs, not by three passages of the price list. A
    part is a subject the question names (topics.py), or a subject with an aspect asked of it
    (delivery and its price), that a row is about: the subjects its own heading names, else
    those of its text (the samples passage that says free samples are "sent with the first
    delivery" is about samples). What a row holds is read in its own title and text: the
    headings above it (its context) name the whole file's topics ("Prices, minimum order and
    volume discounts" is above the list of popular items too). When no row answers a part, the
    best scored comes first, and after it the row that holds the most of the question. Each row
    comes with what it adds: the question's concepts and parts ("_delivery&_price") it is the
    first to hold."""
    taken: list[tuple[int, float, tuple[tuple[str, float], ...]]] = []
    covered: set[str] = set()
    rest = list(scored)
    held: dict[int, frozenset[str]] = {}
    # Of two rows that answer as much, the one about nothing else asked comes first: "do you
    # ship to Japan?" is answered by the delivery areas before the return shipping.
    elsewhere: dict[int, int] = {}
    for rowid, _ in rest:
        title, _, text = shelf.rows[rowid]
        heading = frozenset(title.split())
        own = heading.union(text.split())
        about = subjects(heading) or subjects(own)
        asked = about & question.subjects
        elsewhere[rowid] = len(about - question.subjects)
        pairs = {f"{s}&{a}" for s in asked for a in own & question.aspects}
        held[rowid] = (own - question.subjects).union(asked, pairs)
    parts = question.subjects.union(f"{s}&{a}" for s in question.subjects for a in question.aspects)
    weights = question.weights

    def weight(part: str) -> float:
        return sum(weights[concept] for concept in part.split("&"))

    while rest and len(taken) < limit:
        # The row that answers the most of what is not answered yet, the better scored first;
        # when none answers a part, the best scored.
        gains = [sum(map(weight, (parts & held[rowid]) - covered)) for rowid, _ in rest]
        best = max(range(len(rest)), key=lambda n: (gains[n], -elsewhere[rest[n][0]], -n))
        if not gains[best] and taken:
            # Nothing new: the row that holds the most of the question, the better scored first.
            carried = [
                sum(weights[t] for t in question.known if t in held[rowid]) for rowid, _ in rest
            ]
            best = max(range(len(rest)), key=lambda n: (carried[n], -n))
        pick = rest.pop(best if gains[best] > 0 or taken else 0)
        new = [t for t in question.known if t in held[pick[0]] and t not in covered]
        new_parts = sorted((parts & held[pick[0]]) - covered - set(new))
        covered.update(new, new_parts)
        adds = [(t, weights[t]) for t in new] + [(t, weight(t)) for t in new_parts]
        taken.append((pick[0], pick[1], tuple(adds)))
    return taken


#: What the words of a part of a question that names no subject must weigh (relevance.py:
#: about two specific words, "a case of lids").
PART_WORDS = 1.0


def _own(shelf: Shelf, hit: Hit) -> set[str]:
    """The terms of a hit's own heading and text (not the headings above it)."""
    title, _, text = shelf.rows[shelf.row_of[hit.id]]
    return {*title.split(), *text.split()}


def _carried(hit: Hit) -> float:
    """What a hit carries of its question: the concepts it adds (a subject and an aspect
    asked of it are counted once, as themselves)."""
    return sum(weight for concept, weight in hit.adds if "&" not in concept)


def _standing_alone(part: Question, shelf: Shelf) -> bool:
    """Whether a part of a question says enough on its own to be searched alone: it names a
    subject the folder holds ("and can we get samples?"), or asks an aspect (a price, a time) of
    things the folder names ("what a case of lids costs"). "How long does it take to get here?"
    and "if yes, can you send prices?" lean on the rest of the message for what they ask of."""
    if part.held_subjects:
        return True
    words = sum(w for t, w in part.weights.items() if not is_topic(t) and t in shelf.frequency)
    return bool(part.aspects) and words >= PART_WORDS


def _document(document: Document | tuple[str, str, str]) -> Document:
    return document if isinstance(document, Document) else Document(*document)


_guard_lock = threading.Lock()


def _guard() -> threading.Lock:
    return _guard_lock


def _after_fork() -> None:
    global _guard_lock
    _guard_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)
