"""A reply draft made safe to show: composed, reused from an approved reply where one fits, and
checked against the facts before a person sees it. PURE.

Both backends end here. The rules backend's draft (`rules_draft`) is composed from the records and
the knowledge folder (`replies.reply_for`), then, where a person approved a reply to a message of
the same shape, written in that reply's wording instead (`replies.adapted`). The model's draft is
checked the same way (`checked_model_draft`); a model draft that fails is replaced by the rules
draft, and the failure is kept as the proposal's `fallback_reason`, which is audited.

The check is `draftcheck.draft_problems`: an invoice number, amount, date, link, address or phone
number that is not in the customer's records, the knowledge passages the draft was given, the
business's payment details (settings) or its own signature fails the draft. A reused wording that
fails falls back to the composed draft; a composed draft that fails (a bug, never expected) falls
back to an acknowledgement that states no fact at all, and the ticket is marked for a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from mailagent.agents.draftcheck import draft_problems
from mailagent.agents.phrases import ACKNOWLEDGEMENTS, PHRASES
from mailagent.agents.replies import Reply, adapted, first_name, quoted_passage, reply_for
from mailagent.types import Category, Proposal, Tone, TriageContext


def _trusted(context: TriageContext) -> str:
    """What a draft may quote besides the records and passages: the signature."""
    return context.business_name


def problems_of(body: str, context: TriageContext, passages=None) -> list[str]:
    """Why a draft must not be shown as written (`draftcheck.draft_problems`)."""
    return draft_problems(body, context, passages=passages, allowed_text=_trusted(context))


_PLAIN_NAME = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _checked(reply: Reply, context: TriageContext) -> list[str]:
    """The facts check of a composed or reused draft. A draft stating no fact (no passage, no
    figure, a greeting with a plain first name) is the phrase tables' words and the signature
    alone, which tests/agents/test_replies.py checks once for every phrase; a "first name" such
    as "http://pay.example" is checked."""
    stated = bool(reply.passages or reply.example) or any(
        role != "name" or not _PLAIN_NAME.fullmatch(text) for role, text in reply.slots
    )
    return problems_of(_unquoted(reply), context, reply.passages) if stated else []


def _unquoted(reply: Reply) -> str:
    """The composed draft without the passages it quotes word for word: the passages are
    trusted as they stand (`draft_problems` allows what they state), so reading them again in
    the draft would only cost time."""
    body = reply.body
    for passage in reply.passages:
        body = body.replace(quoted_passage(passage.text), "\n")
    return body


def _safe_reply(category: Category, tone: Tone, context: TriageContext, language: str) -> Reply:
    """An acknowledgement that states no fact: what is shown when a composed draft fails."""
    words = PHRASES[language]
    name = first_name(context.customer.name)
    # Only a plain name: the composed draft may have failed because of the one the sender gave.
    plain = bool(name) and _PLAIN_NAME.fullmatch(name) is not None
    greeting = words["greeting_named"].format(name=name) if plain else words["greeting"]
    ack = words[ACKNOWLEDGEMENTS.get(category, "ack_other")]
    body = f"{greeting}\n\n{ack}\n\n{words['sign_off']}\n{context.business_name}"
    return Reply(body=body, language=language, shape=f"ack:{category.value}")


def rules_draft(category: Category, tone: Tone, context: TriageContext) -> dict:
    """The Proposal fields of the rules backend's reply draft for this message."""
    composed = reply_for(category, tone, context)
    if composed is None:
        return {
            "draft_body": "",
            "language": "",
            "unanswered": f"no draft: written in {context.language_name}",
        }
    uncertain: list[str] = []
    reply = adapted(composed, context.examples) if context.examples else composed
    problems = _checked(reply, context)
    if problems and reply.example is not None:
        uncertain.append(
            f"the approved reply #{reply.example.draft_id} did not fit the new facts "
            f"({problems[0]}): composed afresh"
        )
        reply = composed
        problems = _checked(reply, context)
    unanswered = reply.unanswered
    if problems:
        uncertain.append(f"the composed draft failed the facts check: {'; '.join(problems)}")
        reply = _safe_reply(category, tone, context, composed.language)
        unanswered = "the draft failed the facts check: a person completes it"
    return {
        "draft_body": reply.body,
        "language": reply.language,
        "passages": reply.passages,
        "example": reply.example,
        "facts": reply.facts_for(context),
        "unanswered": unanswered,
        "uncertain": tuple(uncertain),
    }


def checked_model_draft(
    proposal: Proposal, context: TriageContext, fallback: Callable[[], Proposal]
) -> Proposal:
    """A model's proposal whose draft passed the facts check, or, when it failed, its triage with
    the rules backend's draft instead (`fallback()`) and why (`fallback_reason`, audited)."""
    if not proposal.draft_body:
        return proposal
    problems = problems_of(proposal.draft_body, context)
    if not problems:
        return proposal
    rules = fallback()
    reason = f"the model's draft failed the facts check: {'; '.join(problems)}"[:500]
    return replace(
        proposal,
        draft_body=rules.draft_body,
        language=rules.language,
        passages=rules.passages,
        example=rules.example,
        facts=rules.facts,
        unanswered=rules.unanswered,
        fallback_reason=reason,
        uncertain=(*proposal.uncertain, reason[:200]),
    )
