"""Writing a wave of processed messages together: the same rows and the same audit trail as
writing them one by one (`processing.prepared_apply`, `settled_apply`), in a few statements.

One by one, a message cost about ten statements (a savepoint, its ticket, its claim, its draft,
its audit events, and the savepoints around them), and the ORM's cost per statement was most of
the time of a poll. Together: one insert for the wave's new tickets, one claiming statement run
for every message, one insert for the drafts and one for the audit events, in the order one by
one would have written them.

Safety is the same. Every message is still claimed by a conditional UPDATE, so of two workers
processing a message exactly one writes it; if any claim finds its message taken, or any write
fails, the wave's writes are rolled back and its messages are written one by one, each in its
own savepoint, so that one bad message never takes the others down with it.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from mailagent.conf import Mode
from mailagent.models import Draft, InboundEmail, Ticket
from mailagent.services.audit import audit_batch
from mailagent.services.drafts import (
    draft_created_audit,
    draft_superseded_audit,
    drafts_supersede,
)
from mailagent.services.processing import (
    TRIAGED,
    Outcome,
    Prepared,
    Settled,
    claim_fields,
    email_quarantine,
    escalation_notify_on_commit,
    prepared_apply,
    prepared_assess,
    reply_draft_fields,
    settled_apply,
    settled_audit,
    ticket_new,
    triage_audit,
    triage_fields,
)
from mailagent.types import Assessment, Proposal

log = logging.getLogger(__name__)


class ClaimedElsewhere(Exception):
    """A message of the wave was taken by another worker: the wave is written one by one."""


@dataclass
class _Plan:
    placed: Prepared | Settled
    proposal: Proposal | None = None
    assessment: Assessment | None = None
    ticket: Ticket | None = None
    opened: bool = False
    draft: Draft | None = None

    @property
    def email(self) -> InboundEmail:
        return self.placed.email


@dataclass
class WavePlan:
    """A wave decided, not written: what the policy said and the rows to write, built before
    the write lock is taken so that the lock is held for the writes alone."""

    order: list[int]
    together: list[_Plan]
    alone: list[_Plan]
    # Messages whose decision failed, quarantined already.
    outcomes: dict[int, Outcome]


def wave_plan(items: list[tuple[Prepared | Settled, Proposal | Exception | None]]) -> WavePlan:
    """Decide each placed message (with its model answer, or the error the model raised). Writes
    nothing but the quarantine of a message that could not be decided."""
    plan = WavePlan([placed.email.pk for placed, _ in items], [], [], {})
    for placed, answer in items:
        try:
            decided = _plan(placed, answer)
        except Exception as exc:
            plan.outcomes[placed.email.pk] = _quarantined(placed.email.pk, exc)
            continue
        (plan.alone if _needs_its_own_writes(decided) else plan.together).append(decided)
    return plan


def wave_write(plan: WavePlan) -> list[Outcome]:
    """Write a planned wave; one outcome for each message, in order. Call it inside the wave's
    transaction."""
    outcomes = dict(plan.outcomes)
    alone = plan.alone
    if plan.together:
        try:
            with transaction.atomic():
                outcomes.update(_write_together(plan.together))
        except Exception as exc:
            if not isinstance(exc, ClaimedElsewhere):
                log.exception(
                    "Writing %s message(s) together failed; one by one", len(plan.together)
                )
            alone = plan.together + alone
    for decided in sorted(alone, key=lambda p: p.email.pk):
        outcomes[decided.email.pk] = _write_alone(decided)
    return [outcomes[email_id] for email_id in plan.order]


def _plan(placed: Prepared | Settled, answer: Proposal | Exception | None) -> _Plan:
    if isinstance(answer, Exception):
        raise answer
    if isinstance(placed, Settled):
        return _Plan(placed, ticket=placed.ticket)
    assessment = prepared_assess(placed, proposal=answer)
    opened = placed.ticket is None
    # A copy of a ticket read for the wave: if the wave ends up written one by one, each
    # message starts again from what was read.
    ticket = ticket_new(placed) if opened else copy.copy(placed.ticket)
    triage_fields(ticket, answer, assessment)
    draft = None
    if assessment.may_draft:
        fields = reply_draft_fields(ticket, placed.email, placed.parsed, answer, assessment)
        fields.pop("triggered_at")
        draft = Draft(to_addresses=fields.pop("to"), flags=fields.pop("flags") or [], **fields)
    return _Plan(placed, answer, assessment, ticket, opened, draft)


def _needs_its_own_writes(plan: _Plan) -> bool:
    """Rare paths written one by one: shadow mode, and a customer answering a reminder (whose
    reminders are paused)."""
    if isinstance(plan.placed, Settled):
        return False
    return settings.TRIAGE_MODE is Mode.SHADOW or (
        plan.placed.answers_reminder and plan.placed.customer is not None
    )


def _write_alone(plan: _Plan) -> Outcome:
    try:
        if isinstance(plan.placed, Settled):
            return settled_apply(plan.placed)
        return prepared_apply(plan.placed, proposal=plan.proposal)
    except Exception as exc:
        return _quarantined(plan.email.pk, exc)


def _quarantined(email_id: int, exc: Exception) -> Outcome:
    log.exception("Processing message #%s failed", email_id, exc_info=exc)
    return email_quarantine(
        email_id=email_id, error=f"Unexpected {type(exc).__name__} while processing: {exc}"
    )


def _write_together(plans: list[_Plan]) -> dict[int, Outcome]:
    triaged = [p for p in plans if isinstance(p.placed, Prepared)]
    # Tickets first, so that the claims can point the messages at them.
    Ticket.objects.bulk_create([p.ticket for p in triaged if p.opened])
    for plan in triaged:
        if not plan.opened:
            plan.ticket.save(update_fields=TRIAGED)
    _claims_write(plans)
    superseded: dict[int, list[Draft]] = {}
    for old in drafts_supersede(
        ticket_ids=[p.ticket.pk for p in triaged if not p.opened and p.assessment.may_draft]
    ):
        superseded.setdefault(old.ticket_id, []).append(old)
    Draft.objects.bulk_create([p.draft for p in triaged if p.draft is not None])
    with audit_batch():
        for plan in plans:
            _audit(plan, superseded.get(plan.ticket.pk, []) if plan.ticket else [])
    outcomes = {}
    for plan in plans:
        outcomes[plan.email.pk] = _outcome(plan)
        if plan.assessment is not None and not plan.assessment.may_draft:
            escalation_notify_on_commit(ticket_id=plan.ticket.pk, email_id=plan.email.pk)
    return outcomes


def _audit(plan: _Plan, superseded: list[Draft]) -> None:
    """A message's events, in the order writing it alone records them."""
    if isinstance(plan.placed, Settled):
        settled_audit(plan.placed)
        return
    parsed = plan.placed.parsed
    triage_audit(plan.ticket, plan.email, parsed, plan.proposal, plan.assessment, plan.opened)
    if plan.draft is not None:
        for old in superseded:
            draft_superseded_audit(old)
        draft_created_audit(plan.draft, triggered_at=plan.email.received_at)


def _outcome(plan: _Plan) -> Outcome:
    email, ticket_id = plan.email, plan.ticket.pk if plan.ticket else None
    if isinstance(plan.placed, Settled):
        return Outcome(email.pk, email.status, ticket_id, detail=plan.placed.reason)
    if plan.draft is not None:
        return Outcome(email.pk, email.status, ticket_id, draft_id=plan.draft.pk)
    return Outcome(email.pk, email.status, ticket_id, escalated=True)


def _claims_write(plans: list[_Plan]) -> None:
    """Claim every message with the conditional UPDATE of `processing._claim`, compiled once and
    run for each message (the ORM would compile it again for each). Raises ClaimedElsewhere when
    any message was no longer waiting: the caller's savepoint takes the wave's writes back."""
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
