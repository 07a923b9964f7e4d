"""Decide: a placed message and the model's answer turned into a `Plan`, the rows its writing will
store. Pure but for building unsaved model instances: no query, no write.

The policy has the last word over the model (`policy.assess`); a customer answering a payment
reminder always goes to a person.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings

from mailagent import policy
from mailagent.agents.base import triage_backend
from mailagent.conf import Mode
from mailagent.models import Draft, InboundEmail, Ticket
from mailagent.services.drafts import draft_new, unfamiliar_references
from mailagent.services.outbound import reply_references, reply_subject
from mailagent.services.processing.place import Placed, Prepared, Settled
from mailagent.types import Assessment, ParsedEmail, Passage, Proposal, Tier


@dataclass
class Plan:
    """One message decided, not written. For a triaged message: the proposal, the policy's
    assessment, its ticket (new and unsaved when `opened`, else a copy of the one read) with the
    triage fields set, and the reply draft (unsaved) when the policy allows one."""

    placed: Placed
    proposal: Proposal | None = None
    assessment: Assessment | None = None
    ticket: Ticket | None = None
    opened: bool = False
    draft: Draft | None = None
    #: TRIAGE_MODE=shadow: recorded as what would have happened; nothing waits, nobody is told.
    shadow: bool = False

    @property
    def email(self) -> InboundEmail:
        return self.placed.email

    @property
    def triaged(self) -> bool:
        return isinstance(self.placed, Prepared)


def prepared_triage(prepared: Prepared) -> Proposal:
    """The model's (or the rules') proposal. No database access: safe in a thread pool."""
    return triage_backend(settings.AGENT_MODEL).triage(prepared.context)


def prepared_assess(prepared: Prepared, *, proposal: Proposal) -> Assessment:
    """The policy's word on a proposal, in the light of what the message is. Pure."""
    return proposal_assess(proposal, prepared.parsed, answers_reminder=prepared.answers_reminder)


def proposal_assess(
    proposal: Proposal, parsed: ParsedEmail, *, answers_reminder: bool = False
) -> Assessment:
    """The policy's word on a proposal for a parsed message (shadow mode asks it too). Pure."""
    # The staff note counts too: "he wants his money back, see below" over a polite customer
    # message is still a refund, and only a person may decide one.
    assessment = policy.assess(
        proposal=proposal, text=parsed.risk_text, person_first=parsed.person_first
    )
    if not proposal.draft_body.strip() and not assessment.escalate and assessment.may_draft:
        # Nothing to approve ("no draft: written in Italian"): a person answers, at the risk the
        # message has.
        reason = proposal.unanswered or "the agent wrote no draft"
        assessment = Assessment(
            tier=assessment.tier, reasons=(*assessment.reasons, reason), escalate=True
        )
    if answers_reminder:
        # A customer answering a payment reminder ("we paid", "this is wrong", "next Friday")
        # pauses their reminders and goes to a person, whatever the model made of it.
        assessment = Assessment(
            tier=Tier.HIGH if assessment.tier is Tier.HIGH else Tier.MEDIUM,
            reasons=(*assessment.reasons, "answers a payment reminder: a person replies"),
            escalate=True,
        )
    return assessment


def plan_decide(placed: Placed, answer: Proposal | Exception | None) -> Plan:
    """The plan for one placed message and its model answer. Raises the model's error."""
    if isinstance(answer, Exception):
        raise answer
    if isinstance(placed, Settled):
        return Plan(placed, ticket=placed.ticket)
    assessment = prepared_assess(placed, proposal=answer)
    opened = placed.ticket is None
    # A copy of a ticket read for a wave: if the wave ends up written one by one, each message
    # starts again from what was read.
    ticket = ticket_new(placed) if opened else copy.copy(placed.ticket)
    triage_fields(ticket, answer, assessment)
    ticket.language = answer.language or placed.context.language
    shadow = settings.TRIAGE_MODE is Mode.SHADOW
    if shadow:
        ticket.status = Ticket.Status.OPEN
    draft = None
    if assessment.may_draft and not shadow:
        draft = draft_new(**reply_draft_fields(ticket, placed.parsed, answer, assessment))
    return Plan(placed, answer, assessment, ticket, opened, draft, shadow)


def ticket_new(prepared: Prepared) -> Ticket:
    """The ticket a message opens, not saved yet."""
    parsed = prepared.parsed
    return Ticket(
        subject=parsed.subject,
        customer_email=parsed.customer.email,
        customer_name=parsed.customer.name[:255],
        customer=prepared.customer,
    )


#: Why triage decided as it did (`triage_fields`), kept on the ticket for the admin.
TRIAGE_REASONS = (
    "decided_by",
    "category_rule",
    "category_rule_words",
    "urgency_rule",
    "urgency_rule_words",
    "model_version",
    "model_confidence",
)
#: The ticket fields triage sets: what a reply joining an existing ticket rewrites.
TRIAGED = [
    "category",
    "urgency",
    "tone",
    "risk",
    "risk_reasons",
    "summary",
    "needs_human",
    "human_reason",
    "language",
    "status",
    *TRIAGE_REASONS,
    "updated_at",
]


def triage_fields(ticket: Ticket, proposal: Proposal, assessment: Assessment) -> None:
    ticket.category, ticket.urgency, ticket.tone = (
        proposal.category,
        proposal.urgency,
        proposal.tone,
    )
    ticket.risk, ticket.risk_reasons = assessment.tier, list(assessment.reasons)
    ticket.summary = proposal.summary[:500]
    # A backend that does not say who decided (a model's answer) decided itself.
    ticket.decided_by = (proposal.decided_by or proposal.backend)[:40]
    ticket.category_rule = proposal.category_rule[:200]
    ticket.category_rule_words = proposal.category_rule_words[:200]
    ticket.urgency_rule = proposal.urgency_rule[:200]
    ticket.urgency_rule_words = proposal.urgency_rule_words[:200]
    ticket.model_version = proposal.model_version
    ticket.model_confidence = proposal.model_confidence
    escalate = not assessment.may_draft
    # A draft that could not answer what was asked waits for approval all the same (it says what
    # happens next), and the ticket is marked for a person to complete the answer.
    ticket.needs_human = escalate or bool(proposal.unanswered)
    # Escalated: the reasons beyond the category's own, else the agent's (a category the model
    # raised has no reason in the text: the model's reading is the reason), else the category's.
    ticket.human_reason = (
        "; ".join(assessment.reasons[1:]) or proposal.human_reason or assessment.reasons[0]
        if escalate
        else proposal.unanswered
    )
    ticket.status = Ticket.Status.ESCALATED if escalate else Ticket.Status.AWAITING_APPROVAL


def reply_draft_fields(
    ticket: Ticket, parsed: ParsedEmail, proposal: Proposal, assessment: Assessment
) -> dict:
    """The reply draft's fields, as `drafts.draft_new` takes them."""
    parent = parsed.original_message_id if parsed.forwarded_by else parsed.message_id
    references = "" if parsed.forwarded_by else " ".join(parsed.references)
    thread_text = "\n".join(
        [parsed.subject, parsed.text, parsed.quoted, parsed.customer.email, parsed.customer.name]
    )
    return dict(
        ticket=ticket,
        kind=Draft.Kind.REPLY,
        to=[parsed.customer.email],
        subject=reply_subject(parsed.subject),
        body=proposal.draft_body,
        in_reply_to=parent,
        references=reply_references(references, parent),
        risk=assessment.tier,
        flags=unfamiliar_references(
            proposal.draft_body, thread_text, allowed=(settings.AGENT_EMAIL.lower(),)
        ),
        language=proposal.language,
        sources=[passage_source(p) for p in proposal.passages],
        facts=proposal.facts,
        question=parsed.text[:QUESTION_CHARS],
        based_on_id=proposal.example.draft_id if proposal.example else None,
    )


#: Of the customer's text, what a draft keeps to be found by when it serves as an example.
QUESTION_CHARS = 2000


def passage_source(passage: Passage) -> dict:
    """A knowledge passage as the draft keeps it and the approval page shows it."""
    return {
        "id": passage.id,
        "file": passage.file,
        "heading": passage.heading,
        "text": passage.text[:2000],
    }
