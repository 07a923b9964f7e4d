"""The knowledge folder, read and indexed: the passages that answer a customer, in their language.

A customer who writes German should be answered from the business's German files when it has
them, so the passages of the customer's language are searched first. Only when none of them
answers (or there are none) are the passages of the folder's own language (KNOWLEDGE_LANGUAGE)
searched, the question read with that language's stemmer and both languages' stop words: a
German question about the "Oak Table" still finds the English price list that names it, while
its German words, which no English passage can hold, neither help nor count against it. When
that finds an answer, the customer's own passages are searched once more, held to the bar the
English ones cleared: a German passage that answers as well comes first (textindex.py).

PURE apart from reading the folder (files.py): the folder and the language come in as arguments.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from mailagent.knowledge.files import FolderReading, SkippedFile, folder_read
from mailagent.knowledge.passages import HEADING_SEPARATOR, passages_split
from mailagent.knowledge.question import question_of
from mailagent.knowledge.textindex import Document, TextIndex
from mailagent.knowledge.topics import topic_name, topic_token
from mailagent.types import Passage

logger = logging.getLogger("mailagent.knowledge")


@dataclass(frozen=True)
class IndexedFile:
    path: str
    language: str
    passages: int


class KnowledgeIndex:
    """The passages of one reading of the folder, searchable."""

    def __init__(self, reading: FolderReading, *, default_language: str) -> None:
        self.reading = reading
        self.default_language = default_language
        passages: list[Passage] = []
        indexed: list[IndexedFile] = []
        skipped = list(reading.skipped)
        for file in reading.files:
            split = passages_split(file)
            if not split:
                skipped.append(SkippedFile(file.path, "no text under its headings: write some"))
                continue
            passages.extend(split)
            indexed.append(IndexedFile(file.path, file.language, len(split)))
        self.files = tuple(indexed)
        self.skipped = tuple(sorted(skipped, key=lambda s: s.path))
        self._passages = {passage.id: passage for passage in passages}
        self._text = TextIndex(map(_document, passages))

    @property
    def exists(self) -> bool:
        return self.reading.exists

    @property
    def passages(self) -> tuple[Passage, ...]:
        return tuple(self._passages.values())

    def messages(self) -> list[str]:
        """One line per skipped file: which, why, and what to do."""
        return [self.reading.message(skipped) for skipped in self.skipped]

    def search(self, text: str, *, language: str, limit: int = 3) -> tuple[Passage, ...]:
        """The passages that answer `text` (written in `language`), best first, at most
        `limit`; none when the folder holds no answer. The greeting above the message and the
        sign-off under it are not read (question.py)."""
        hits = self._text.search_falling_back(
            question_of(text),
            language,
            self.default_language,
            limit=limit,
        )
        return tuple(
            replace(
                self._passages[hit.id],
                score=round(hit.score, 4),
                adds=hit.adds,
                unanswered=tuple(topic_name(t) for t in hit.missing),
                answers_part=hit.part,
            )
            for hit in hits
        )

    def headed(self, topic: str, *, language: str) -> tuple[Passage, ...]:
        """The passages whose own heading names `topic` ("remittance"), in `language`, else in
        the folder's default language: what the business does next for a kind of message (how
        a payment is confirmed, for a customer who says they paid), which the message itself
        need not ask."""
        token = topic_token(topic)
        for searched in dict.fromkeys((language, self.default_language)):
            ids = self._text.headed(token, searched)
            if ids:
                return tuple(self._passages[i] for i in ids)
        return ()


def _document(passage: Passage) -> Document:
    """A passage as the index reads it: its own heading is its title, the headings above it
    what the title sits under ("Prices" above "Samples")."""
    above, _, own = passage.heading.rpartition(HEADING_SEPARATOR)
    return Document(
        id=passage.id, text=passage.text, language=passage.language, title=own, context=above
    )


def knowledge_build(root: Path, *, default_language: str) -> KnowledgeIndex:
    """Read and index the folder; log one warning per file skipped (and one for a folder that
    does not exist)."""
    index = KnowledgeIndex(
        folder_read(root, default_language=default_language), default_language=default_language
    )
    if not index.exists:
        logger.warning(
            "Knowledge folder %s does not exist: set KNOWLEDGE_DIR; drafts quote no passages",
            root,
        )
    for message in index.messages():
        logger.warning("Knowledge file skipped: %s", message)
    return index
