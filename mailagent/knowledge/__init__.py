"""The knowledge folder: the business's own facts, as the passages that answer a message.

Customer-reply drafts must be grounded in what the business wrote down (opening hours, delivery
and returns, payment methods, prices, FAQs), never in what a model imagines. KNOWLEDGE_DIR holds
those facts as Markdown or text files; this package reads them (files.py), cuts them into
passages (passages.py), indexes them (textindex.py, SQLite FTS5 with bm25 over stemmed terms,
terms.py, and the business topics they name in any language, topics.py) and returns for a
message the few passages that answer what it asks (question.py), or none when the folder holds
no answer (the rule is in relevance.py).

    passages_for(text, language, limit=3) -> tuple[Passage, ...]
    procedures_for(language, text) -> tuple[Passage, ...]  # what the business does next
    knowledge_index(recheck=False) -> KnowledgeIndex   # files, skipped files, search()

This module is the only part that reads settings. It keeps one index per folder and per process:
a forked worker must not share its parent's SQLite connection (os.getpid() keys them), and it
starts from its parent's index rather than reading the folder again.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings

from mailagent.knowledge.index import KnowledgeIndex, knowledge_build
from mailagent.knowledge.question import wrong_goods
from mailagent.knowledge.textindex import Document, Hit, TextIndex
from mailagent.knowledge.watch import CHECK_INTERVAL_SECONDS, FolderWatch
from mailagent.types import Passage

__all__ = [
    "CHECK_INTERVAL_SECONDS",
    "Document",
    "Hit",
    "KnowledgeIndex",
    "TextIndex",
    "knowledge_build",
    "knowledge_index",
    "passages_for",
    "procedures_for",
]

#: The topics on which the folder says what the business does next for a kind of message,
#: whatever the message asks: a customer who says they paid is told how a payment is matched
#: and confirmed ("send a remittance advice; a transfer takes 1 to 3 working days to reach
#: us"), though they asked nothing; one who prices an amount bought every month is told the
#: volume discounts and how regular orders are quoted, though they asked only the price. The
#: first passage whose own heading names each (`topics.heading_names` tells them apart).
PROCEDURE_TOPICS = ("remittance", "discount", "standing order")
#: What the business asks its folder before it answers a kind of message, in each language a
#: draft is written in: for goods that came wrong or faulty (`question.wrong_goods`), what
#: sending them back costs the customer ("Returning a faulty or wrong item costs you nothing").
WRONG_GOODS_QUESTION = {
    "en": "Who pays for sending back a wrong or faulty item?",
    "de": "Wer zahlt die Rücksendung eines falschen oder defekten Artikels?",
    "fr": "Qui paie le retour d'un article erroné ou défectueux ?",
    "es": "¿Quién paga la devolución de un artículo equivocado o defectuoso?",
}

_watches: dict[tuple[int, Path, str], FolderWatch] = {}
_lock = threading.Lock()


def _watch() -> FolderWatch:
    root = Path(settings.KNOWLEDGE_DIR)
    language = settings.KNOWLEDGE_LANGUAGE
    pid = os.getpid()
    key = (pid, root, language)
    with _lock:
        watch = _watches.get(key)
        if watch is None:
            watch = FolderWatch(root, default_language=language)
            inherited = [w for (p, r, lang), w in _watches.items() if (r, lang) == (root, language)]
            if inherited:
                watch.adopt(inherited[-1])
            # Only this process's watches stay: a parent's are dead weight in a child.
            for old in [k for k in _watches if k[0] != pid]:
                del _watches[old]
            _watches[key] = watch
    return watch


def knowledge_index(*, recheck: bool = False) -> KnowledgeIndex:
    """The index of KNOWLEDGE_DIR, built on first use and rebuilt when a file changed (looked at
    most every CHECK_INTERVAL_SECONDS; `recheck` looks now)."""
    return _watch().index(recheck=recheck)


def passages_for(text: str, language: str, limit: int = 3) -> tuple[Passage, ...]:
    """The knowledge passages that answer `text`, written in `language`, best first: at most
    `limit`, and none when the folder holds no answer or does not exist."""
    return knowledge_index().search(text, language=language, limit=limit)


def procedures_for(language: str, text: str = "") -> tuple[Passage, ...]:
    """The folder's passage on each of PROCEDURE_TOPICS, in `language` where the folder has it
    in that language, else in its own (KNOWLEDGE_LANGUAGE); none where it has no such heading.
    For a message (`text`) about goods that came wrong or faulty, first the passage that
    answers WRONG_GOODS_QUESTION, where the folder answers it."""
    index = knowledge_index()
    found = [index.headed(topic, language=language)[:1] for topic in PROCEDURE_TOPICS]
    if language in WRONG_GOODS_QUESTION and wrong_goods(text):
        found.insert(0, index.search(WRONG_GOODS_QUESTION[language], language=language, limit=1))
    return tuple(dict.fromkeys(passage for passages in found for passage in passages))


def _after_fork() -> None:
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)
