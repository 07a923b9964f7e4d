"""Replies a person approved, offered as examples for new messages like the ones they answered.

A reply draft keeps the customer's text it answered (`Draft.question`), its language and the facts
it stated by role (`Draft.facts`). Once a person approves it, as drafted or edited, it is an
example: for a new message in the same language, the approved replies whose questions are nearest
to it (ranked by the overlap of their stemmed terms) are handed to the agent. The
rules backend reuses the wording of the first of the same shape with the new facts swapped in
(`agents.replies.adapted`); the model is shown the nearest few. Read once per wave of messages,
like the other lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Count, Max

from mailagent.knowledge.terms import terms
from mailagent.models import Draft
from mailagent.types import Example

#: Approved replies read per wave, newest first: enough for a small business's repertoire.
MAX_EXAMPLES = 500
#: Examples handed to the agent for one message.
PER_MESSAGE = 5

APPROVED = (
    Draft.Status.APPROVED,
    Draft.Status.SENDING,
    Draft.Status.SENT,
    Draft.Status.DEFERRED,
    Draft.Status.DELIVERY_UNKNOWN,
)


@dataclass
class ApprovedReplies:
    """The approved replies of a wave, searchable by how close their question is to a new one."""

    examples: dict[int, Example]
    _terms: dict[int, frozenset[str]] = field(default_factory=dict)
    _in: frozenset[str] | None = None

    def _languages(self) -> frozenset[str]:
        if self._in is None:
            self._in = frozenset(e.language for e in self.examples.values())
        return self._in

    def like(self, text: str, language: str) -> tuple[Example, ...]:
        """The approved replies in `language` whose questions share words with `text`, nearest
        first: by the Jaccard overlap of their stemmed terms (`knowledge.terms`). Not the
        knowledge index's relevance rule: with a handful of examples every word is rare, and
        the rule would find none. Likeness is decided with the shape of the answer, when an
        example is reused (`agents.replies.adapted`). With no example in `language` (a new
        business's first weeks, or a language nobody answered yet) the text is not read."""
        if language not in self._languages():
            return ()
        asked = frozenset(terms(text, language))
        if not asked:
            return ()
        scored = []
        for pk, example in self.examples.items():
            if example.language != language:
                continue
            if pk not in self._terms:
                self._terms[pk] = frozenset(terms(example.question, language))
            shared = len(asked & self._terms[pk])
            if shared:
                scored.append((shared / len(asked | self._terms[pk]), pk))
        scored.sort(key=lambda row: (-row[0], -row[1]))
        return tuple(
            replace(self.examples[pk], score=round(score, 4)) for score, pk in scored[:PER_MESSAGE]
        )


#: The examples last read, by what they were read at: (count, newest approval, highest id).
_read: dict[tuple, ApprovedReplies] = {}


def approved_replies_read() -> ApprovedReplies:
    """The newest approved reply drafts that can serve as examples. One small query says whether
    they changed since they were last read in this process; only then are they read again (a
    backlog of thousands of messages is processed in waves of a few dozen)."""
    approved = (
        Draft.objects.filter(kind=Draft.Kind.REPLY, status__in=APPROVED)
        .exclude(question="")
        .exclude(language="")
    )
    marker = tuple(
        approved.aggregate(n=Count("pk"), last=Max("decided_at"), top=Max("pk")).values()
    )
    if marker not in _read:
        _read.clear()
        _read[marker] = _approved_replies(approved)
    return _read[marker]


def _approved_replies(approved) -> ApprovedReplies:
    rows = approved.select_related("ticket").order_by("-decided_at", "-pk")[:MAX_EXAMPLES]
    return ApprovedReplies(
        {
            d.pk: Example(
                draft_id=d.pk,
                ticket_id=d.ticket_id,
                category=d.ticket.category if d.ticket else "",
                language=d.language,
                question=d.question,
                body=d.body,
                facts=d.facts or {},
            )
            for d in rows
        }
    )
