"""Write: decided plans stored, in a few statements for any number of them.

`plans_write` is the one way processing writes: one message is a list of one. It stores the new
tickets in one insert, updates those replied to, claims every message with a conditional UPDATE
(compiled once, run for each), supersedes the drafts the replies replace, inserts the new drafts
and records the audit events in the order a reader expects: per message, its ticket and triage,
then what followed (shadow note, reminders paused, drafts superseded and created).

Of two workers processing a message exactly one claims it; if any claim of the list finds its
message taken, `ClaimedElsewhere` rolls the list back. `plans_write_safely` then, or on any other
failure, writes each plan alone in its own savepoint, so that one bad message never takes the
others down with it; a message that cannot be written is quarantined.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from mailagent.models import Draft, InboundEmail, Ticket
from mailagent.services.audit import audit_batch, audit_record
from mailagent.services.drafts import (
    draft_created_audit,
    draft_superseded_audit,
    drafts_save,
    drafts_supersede,
)
from mailagent.services.escalations import escalation_notify_on_commit
from mailagent.services.processing.decide import TRIAGED, Plan
from mailagent.services.processing.place import Settled
from mailagent.services.quarantine import CLAIMED_ELSEWHERE, Outcome, email_quarantine_unexpected
from mailagent.services.reminders import customer_reply_pause
from mailagent.types import ParsedEmail

log = logging.getLogger(__name__)


class ClaimedElsewhere(Exception):
    """A message of the list was taken by another worker: nothing of the list was written."""


def plans_write_safely(plans: list[Plan]) -> dict[int, Outcome]:
    """Write the plans together; if that fails, each alone. Call it inside a transaction."""
    try:
        with transaction.atomic():
            return plans_write(plans)
    except Exception as exc:
        if len(plans) == 1:
            return {plans[0].email.pk: _alone_failed(plans[0], exc)}
        if not isinstance(exc, ClaimedElsewhere):
            log.exception("Writing %s message(s) together failed; one by one", len(plans))
    outcomes = {}
    for plan in sorted(plans, key=lambda p: p.email.pk):
        try:
            with transaction.atomic():
                outcomes.update(plans_write([plan]))
        except Exception as exc:
            outcomes[plan.email.pk] = _alone_failed(plan, exc)
    return outcomes


def _alone_failed(plan: Plan, exc: Exception) -> Outcome:
    if isinstance(exc, ClaimedElsewhere):
        return Outcome(plan.email.pk, CLAIMED_ELSEWHERE)
    return email_quarantine_unexpected(email_id=plan.email.pk, exc=exc)


def plans_write(plans: list[Plan]) -> dict[int, Outcome]:
    """Store every plan, or raise (`ClaimedElsewhere` when a message was taken meanwhile). Call
    it inside a transaction or savepoint: a failure leaves its writes to be rolled back."""
    triaged = [p for p in plans if p.triaged]
    # Tickets first, so that the claims can point the messages at them.
    Ticket.objects.bulk_create([p.ticket for p in triaged if p.opened])
    for plan in triaged:
        if not plan.opened:
            plan.ticket.save(update_fields=TRIAGED)
    _claims_write(plans)
    superseded: dict[int, list[Draft]] = {}
    replaced = [p.ticket.pk for p in triaged if not p.opened and p.draft is not None]
    for old in drafts_supersede(ticket_ids=replaced) if replaced else ():
        superseded.setdefault(old.ticket_id, []).append(old)
    drafts_save([p.draft for p in triaged if p.draft is not None])
    with audit_batch():
        for plan in plans:
            _after_claim(plan, superseded.get(plan.ticket.pk, []) if plan.ticket else [])
    outcomes = {}
    for plan in plans:
        outcomes[plan.email.pk] = _outcome(plan)
        if plan.triaged and not plan.shadow and plan.draft is None:
            escalation_notify_on_commit(ticket_id=plan.ticket.pk, email_id=plan.email.pk)
    return outcomes


def _after_claim(plan: Plan, superseded: list[Draft]) -> None:
    """A message's events and side writes, in the order a reader of the trail expects."""
    if isinstance(plan.placed, Settled):
        settled_audit(plan.placed)
        return
    prepared, ticket = plan.placed, plan.ticket
    triage_audit(plan)
    if plan.shadow:
        _shadow_audit(plan)
        return
    if prepared.answers_reminder and prepared.customer is not None:
        customer_reply_pause(
            customer=prepared.customer,
            reason=f"replied to a reminder on {timezone.localdate():%d %b %Y} "
            f"(ticket #{ticket.pk})",
        )
    if plan.draft is not None:
        for old in superseded:
            draft_superseded_audit(old)
        draft_created_audit(plan.draft, triggered_at=plan.email.received_at)


def _outcome(plan: Plan) -> Outcome:
    email, ticket_id = plan.email, plan.ticket.pk if plan.ticket else None
    if isinstance(plan.placed, Settled):
        return Outcome(email.pk, email.status, ticket_id, detail=plan.placed.reason)
    if plan.shadow:
        return Outcome(email.pk, email.status, ticket_id, detail="shadow")
    if plan.draft is not None:
        return Outcome(email.pk, email.status, ticket_id, draft_id=plan.draft.pk)
    return Outcome(email.pk, email.status, ticket_id, escalated=True)


def settled_audit(settled: Settled) -> None:
    audit_record(
        action=f"email.{settled.status}",
        obj=settled.email,
        summary=f"Not answered: {settled.reason}",
        reason=settled.reason,
        sender=settled.parsed.sender.email,
    )


def triage_audit(plan: Plan) -> None:
    ticket, email, parsed = plan.ticket, plan.email, plan.placed.parsed
    proposal, assessment = plan.proposal, plan.assessment
    escalate = not assessment.may_draft
    audit_record(
        action="ticket.opened" if plan.opened else "ticket.reply_received",
        obj=ticket,
        summary=f"{'Opened' if plan.opened else 'Reply joined'} from {parsed.customer.email}",
        message=email.pk,
        forwarded_by=parsed.forwarded_by.email if parsed.forwarded_by else "",
    )
    if proposal.fallback_reason:
        audit_record(
            action="triage.fallback",
            obj=ticket,
            summary=f"The model's answer was not used; rules answered: {proposal.fallback_reason}",
            reason=proposal.fallback_reason,
        )
    audit_record(
        action="ticket.triaged",
        obj=ticket,
        summary=proposal.summary,
        backend=proposal.backend,
        decided_by=ticket.decided_by,
        model_version=proposal.model_version,
        model_confidence=proposal.model_confidence,
        category_rule=proposal.category_rule,
        category_rule_words=proposal.category_rule_words,
        urgency_rule=proposal.urgency_rule,
        urgency_rule_words=proposal.urgency_rule_words,
        prompt_tokens=proposal.prompt_tokens,
        completion_tokens=proposal.completion_tokens,
        category=proposal.category,
        urgency=proposal.urgency,
        tone=proposal.tone,
        needs_human=proposal.needs_human,
        uncertain=list(proposal.uncertain),
        checked=["sender", "thread", "automatic markers", "policy patterns"],
    )
    audit_record(
        action="policy.escalated" if escalate else "policy.assessed",
        obj=ticket,
        summary=f"Risk {assessment.tier}: {'; '.join(assessment.reasons)}"[:500],
        tier=assessment.tier,
        reasons=list(assessment.reasons),
    )


def _shadow_audit(plan: Plan) -> None:
    """Shadow mode: say what would have happened; nothing waits for approval, nobody is told."""
    escalate = not plan.assessment.may_draft
    audit_record(
        action="shadow.would_escalate" if escalate else "shadow.would_draft",
        obj=plan.ticket,
        summary=("Would escalate to a person" if escalate else "Would draft a reply")
        + f" (TRIAGE_MODE=shadow): {plan.ticket.summary}"[:400],
        recommended="" if escalate else plan.proposal.draft_body,
        tier=plan.assessment.tier,
    )


def claim_fields(parsed: ParsedEmail, *, status: str, ticket: Ticket | None, now) -> dict:
    """What claiming a message writes on it: its new status and what was read from it. Not
    `raw`: the stored bytes never change."""
    return {
        "status": status,
        "processed_at": now,
        "ticket": ticket,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references),
        "from_address": parsed.sender.email,
        "from_name": parsed.sender.name[:255],
        "subject": parsed.subject,
        "sent_at": parsed.date,
        "body_text": parsed.text,
        "customer_email": parsed.customer.email,
        "forwarded_by": parsed.forwarded_by.email if parsed.forwarded_by else "",
        "automatic_reason": parsed.automatic[:200],
    }


def _claims_write(plans: list[Plan]) -> None:
    """Claim every message still waiting with one conditional UPDATE each, compiled once and run
    for every message. Raises ClaimedElsewhere when any message was no longer waiting."""
    now = timezone.now()
    claims = [
        (
            plan.email,
            claim_fields(
                plan.placed.parsed,
                status=plan.placed.status
                if isinstance(plan.placed, Settled)
                else InboundEmail.Status.PROCESSED,
                ticket=plan.ticket,
                now=now,
            ),
        )
        for plan in plans
    ]
    connection = connections[InboundEmail.objects.db]
    meta = InboundEmail._meta
    fields = [meta.get_field(name) for name in claims[0][1]]
    quote = connection.ops.quote_name
    status = meta.get_field("status").column
    # Only names from the model, quoted by the backend; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{quote(field.column)} = %s" for field in fields)
        + f" WHERE {quote(meta.pk.column)} = %s AND {quote(status)} = %s"
    )
    rows = [
        [field.get_db_prep_save(_column_value(values[field.name]), connection) for field in fields]
        + [email.pk, InboundEmail.Status.RECEIVED]
        for email, values in claims
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        claimed = cursor.rowcount
    if claimed != len(rows):
        raise ClaimedElsewhere(f"{len(rows) - claimed} of {len(rows)} message(s)")
    for email, values in claims:
        for name, value in values.items():
            setattr(email, name, value)


def _column_value(value: Any) -> Any:
    return value.pk if isinstance(value, Ticket) else value
