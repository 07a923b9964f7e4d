"""Processing one stored message: parse, thread, triage, apply the policy, draft or escalate.

The model call (which may take seconds) happens outside any transaction. The writes happen in one
transaction that first claims the message with a conditional UPDATE, so two workers processing the
same message write its ticket once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from mailagent import policy
from mailagent.agents.base import triage_backend
from mailagent.conf import Mode
from mailagent.errors import UserInputError
from mailagent.models import Customer, Draft, InboundEmail, Invoice, OutboundEmail, Ticket
from mailagent.parsing.email import parse_email
from mailagent.services.audit import SYSTEM, audit_batch, audit_record
from mailagent.services.drafts import draft_create, unfamiliar_references
from mailagent.services.export_mail import export_mail_import
from mailagent.services.lookups import Lookups, ThreadTickets, invoice_line, lookups_read
from mailagent.services.outbound import reply_references, reply_subject
from mailagent.services.reminders import customer_reply_pause
from mailagent.services.tickets import ticket_for_thread
from mailagent.types import (
    Assessment,
    ParsedEmail,
    Proposal,
    StaffDirectory,
    Tier,
    TriageContext,
)

log = logging.getLogger(__name__)


def staff_directory() -> StaffDirectory:
    return StaffDirectory.of(
        settings.STAFF_EMAILS, settings.STAFF_DOMAINS, settings.TRUSTED_AUTHSERV_ID
    )


@dataclass(frozen=True)
class Outcome:
    email_id: int
    status: str
    ticket_id: int | None = None
    draft_id: int | None = None
    escalated: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Prepared:
    """A message parsed and placed, ready for an agent: everything but the model's answer."""

    email: InboundEmail
    parsed: ParsedEmail
    ticket: Ticket | None
    customer: Customer | None
    answers_reminder: bool
    context: TriageContext


@dataclass(frozen=True)
class Settled:
    """A message that needs no agent (automatic, a duplicate, internal): kept with the reason,
    joined to its thread if it has one. Written by `settled_apply`."""

    email: InboundEmail
    parsed: ParsedEmail
    status: str
    reason: str
    ticket: Ticket | None


def email_process(*, email_id: int) -> Outcome:
    """Turn one stored message into ticket work. A second call does nothing."""
    prepared = email_prepare(email_id=email_id)
    if isinstance(prepared, Outcome):
        return prepared
    return prepared_apply(prepared, proposal=prepared_triage(prepared))


def email_prepare(*, email_id: int) -> Prepared | Outcome:
    """Parse and place a message. Mail that needs no agent (automatic, duplicate, unreadable,
    internal) is settled here and comes back as an `Outcome`."""
    read = email_read(email_id=email_id)
    if isinstance(read, Outcome):
        return read
    placed = email_place(*read)
    if isinstance(placed, Settled):
        return settled_apply(placed)
    return placed


def email_read(*, email_id: int) -> tuple[InboundEmail, ParsedEmail] | Outcome:
    """A stored message and its parse; an `Outcome` when it is not (or no longer) work: already
    processed, triage switched off, unreadable (quarantined here), or an accounting export
    (imported here)."""
    read = email_parse(InboundEmail.objects.get(pk=email_id))
    if isinstance(read, Outcome):
        return read
    exported = export_mail_import(email=read[0], parsed=read[1])
    return read if exported is None else exported


def email_parse(email: InboundEmail) -> tuple[InboundEmail, ParsedEmail] | Outcome:
    """The parse of a message read from the database, or why it is not work. Writes nothing
    but the quarantine of an unreadable message."""
    if email.status != InboundEmail.Status.RECEIVED:
        return Outcome(email.pk, email.status, email.ticket_id)
    if settings.TRIAGE_MODE is Mode.OFF:
        # Kept raw and unprocessed: turning triage back on picks it up.
        return Outcome(email.pk, email.status, detail="TRIAGE_MODE=off")
    try:
        parsed = parse_email(bytes(email.raw), staff=staff_directory())
    except UserInputError as exc:
        return email_quarantine(email_id=email.pk, error=str(exc))
    return email, parsed


def email_place(
    email: InboundEmail, parsed: ParsedEmail, *, lookups: Lookups | None = None
) -> Prepared | Settled:
    """Where a parsed message belongs: its thread's ticket, its customer, and what the agent is
    told; or why no agent is needed. Reads only: what `lookups` (read for a wave of messages)
    already holds, or otherwise what the database says now."""
    if lookups is None:
        lookups = lookups_read([(email, parsed)])
    threads = lookups.threads
    if parsed.sender.email == settings.AGENT_EMAIL.lower():
        return _settled(
            email, parsed, InboundEmail.Status.AUTOMATIC, "sent by the agent itself", threads
        )
    if parsed.is_automatic:
        return _settled(email, parsed, InboundEmail.Status.AUTOMATIC, parsed.automatic, threads)
    duplicate = lookups.duplicate_of(email)
    if duplicate is not None:
        return _settled(
            email, parsed, InboundEmail.Status.DUPLICATE, f"same message as #{duplicate}", threads
        )
    if parsed.forwarded_by is None and parsed.from_staff:
        return _settled(
            email,
            parsed,
            InboundEmail.Status.PROCESSED,
            "from staff and not a forward: left for a person",
            threads,
        )

    ticket = ticket_for_thread(parsed, threads=threads)
    customer = lookups.customer_for(parsed.customer.email)
    context = TriageContext(
        subject=parsed.subject,
        text=parsed.text,
        customer=parsed.customer,
        business_name=settings.BUSINESS_NAME,
        staff_note=parsed.staff_note,
        thread_summary=ticket.summary if ticket else "",
        attachments=tuple(a.filename for a in parsed.attachments),
        open_invoices=lookups.open_invoice_lines(customer) if customer else (),
    )
    return Prepared(
        email=email,
        parsed=parsed,
        ticket=ticket,
        customer=customer,
        answers_reminder=lookups.answers_reminder(parsed),
        context=context,
    )


def prepared_triage(prepared: Prepared) -> Proposal:
    """The model's (or the rules') proposal. No database writes: safe to run in a thread pool."""
    return triage_backend(settings.AGENT_MODEL).triage(prepared.context)


def prepared_apply(prepared: Prepared, *, proposal: Proposal) -> Outcome:
    return _apply(prepared, proposal, prepared_assess(prepared, proposal=proposal))


def prepared_assess(prepared: Prepared, *, proposal: Proposal) -> Assessment:
    """The policy's word on a proposal, in the light of what the message is. Pure."""
    parsed = prepared.parsed
    # The staff note counts too: "he wants his money back, see below" over a polite customer
    # message is still a refund, and only a person may decide one.
    assessment = policy.assess(
        proposal=proposal, text=parsed.risk_text, person_first=parsed.person_first
    )
    if prepared.answers_reminder:
        # A customer answering a payment reminder ("we paid", "this is wrong", "next Friday")
        # pauses their reminders and goes to a person, whatever the model made of it.
        assessment = Assessment(
            tier=Tier.HIGH if assessment.tier is Tier.HIGH else Tier.MEDIUM,
            reasons=(*assessment.reasons, "answers a payment reminder: a person replies"),
            escalate=True,
        )
    return assessment


def customer_for_address(email: str) -> Customer | None:
    """The customer whose exports list this address, if any."""
    if not email:
        return None
    return Customer.objects.filter(emails__icontains=f'"{email}"').first()


def open_invoice_lines(customer: Customer) -> tuple[str, ...]:
    invoices = customer.invoices.filter(status__in=[Invoice.Status.OPEN, Invoice.Status.DISPUTED])
    return tuple(invoice_line(i) for i in invoices.order_by("due_date", "number")[:20])


def email_reprocess(*, email_id: int, actor: str) -> Outcome:
    """Put a quarantined message back in the queue (after a fix or a raised limit) and process
    it again now. Its raw bytes were kept, so nothing is lost by having waited."""
    email = InboundEmail.objects.get(pk=email_id)
    if email.size > len(email.raw):
        # Recorded from its headers only (over MAX_MESSAGE_BYTES): a reply drafted from the
        # headers alone would answer a message nobody read. The next pass fetches it whole once
        # the limit allows.
        return Outcome(
            email_id,
            email.status,
            detail=f"only its headers are stored ({email.size:,} bytes on the server): raise "
            "MAX_MESSAGE_BYTES and the next poll fetches and processes it",
        )
    with transaction.atomic():
        updated = InboundEmail.objects.filter(
            pk=email_id, status=InboundEmail.Status.QUARANTINED
        ).update(status=InboundEmail.Status.RECEIVED, error="", processed_at=None)
        if not updated:
            email = InboundEmail.objects.get(pk=email_id)
            return Outcome(email_id, email.status, email.ticket_id, detail="not quarantined")
        audit_record(
            action="email.requeued",
            obj=InboundEmail(pk=email_id),
            actor=actor,
            summary="Re-processed from the admin",
        )
    try:
        return email_process(email_id=email_id)
    except Exception as exc:
        log.exception("Re-processing message #%s failed", email_id)
        return email_quarantine(
            email_id=email_id, error=f"Unexpected {type(exc).__name__} while processing: {exc}"
        )


def email_quarantine(*, email_id: int, error: str) -> Outcome:
    with transaction.atomic():
        email = InboundEmail.objects.select_for_update().get(pk=email_id)
        email.status, email.error, email.processed_at = (
            InboundEmail.Status.QUARANTINED,
            error,
            timezone.now(),
        )
        email.save(update_fields=["status", "error", "processed_at"])
        audit_record(action="email.quarantined", obj=email, actor=SYSTEM, summary=error[:500])
    return Outcome(email_id, email.status, detail=error)


def _claim(email: InboundEmail, parsed: ParsedEmail, status: str, ticket: Ticket | None) -> bool:
    """Claim a message still waiting and record what was read from it, in one conditional
    UPDATE: of two workers processing the same message, exactly one gets past it. Not `raw`:
    rewriting the stored bytes (up to MAX_MESSAGE_BYTES) was the largest write of a poll."""
    filled = claim_fields(parsed, status=status, ticket=ticket, now=timezone.now())
    claimed = InboundEmail.objects.filter(pk=email.pk, status=InboundEmail.Status.RECEIVED)
    if not claimed.update(**filled):
        return False
    for name, value in filled.items():
        setattr(email, name, value)
    return True


def claim_fields(parsed: ParsedEmail, *, status: str, ticket: Ticket | None, now) -> dict:
    """What claiming a message writes on it: its new status and what was read from it."""
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


def _settled(
    email: InboundEmail, parsed: ParsedEmail, status: str, reason: str, threads: ThreadTickets
) -> Settled:
    return Settled(email, parsed, status, reason, ticket_for_thread(parsed, threads=threads))


def settled_apply(settled: Settled) -> Outcome:
    """Keep the message and say why nothing is drafted. It still joins its thread, if any."""
    email, parsed, status, reason, ticket = (
        settled.email,
        settled.parsed,
        settled.status,
        settled.reason,
        settled.ticket,
    )
    with transaction.atomic(), audit_batch():
        if not _claim(email, parsed, status, ticket):
            return Outcome(email.pk, "claimed elsewhere")
        settled_audit(settled)
    return Outcome(email.pk, status, ticket.pk if ticket else None, detail=reason)


def settled_audit(settled: Settled) -> None:
    audit_record(
        action=f"email.{settled.status}",
        obj=settled.email,
        summary=f"Not answered: {settled.reason}",
        reason=settled.reason,
        sender=settled.parsed.sender.email,
    )


def _apply(prepared: Prepared, proposal: Proposal, assessment: Assessment) -> Outcome:
    email, parsed, ticket = prepared.email, prepared.parsed, prepared.ticket
    with transaction.atomic(), audit_batch():
        opened = ticket is None
        if opened:
            ticket = ticket_new(prepared)
        triage_fields(ticket, proposal, assessment)
        # The ticket is written first so that the claim can point the message at it; if the
        # claim fails, the rollback takes the new ticket away again.
        ticket.save(**({} if opened else {"update_fields": TRIAGED}))
        if not _claim(email, parsed, InboundEmail.Status.PROCESSED, ticket):
            transaction.set_rollback(True)
            return Outcome(email.pk, "claimed elsewhere")
        triage_audit(ticket, email, parsed, proposal, assessment, opened)
        if settings.TRIAGE_MODE is Mode.SHADOW:
            return _shadow(email, ticket, proposal, assessment)
        if prepared.answers_reminder and prepared.customer is not None:
            customer_reply_pause(
                customer=prepared.customer,
                reason=f"replied to a reminder on {timezone.localdate():%d %b %Y} "
                f"(ticket #{ticket.pk})",
            )
        if assessment.may_draft:
            draft = _draft_reply(ticket, email, parsed, proposal, assessment, opened)
            return Outcome(email.pk, email.status, ticket.pk, draft_id=draft.pk)
        escalation_notify_on_commit(ticket_id=ticket.pk, email_id=email.pk)
    return Outcome(email.pk, email.status, ticket.pk, escalated=True)


def ticket_new(prepared: Prepared) -> Ticket:
    """The ticket a message opens, not saved yet."""
    parsed = prepared.parsed
    return Ticket(
        subject=parsed.subject,
        customer_email=parsed.customer.email,
        customer_name=parsed.customer.name[:255],
        customer=prepared.customer,
    )


def _shadow(email, ticket, proposal, assessment) -> Outcome:
    """Shadow mode: say what would have happened; nothing waits for approval, nobody is told."""
    escalate = not assessment.may_draft
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.OPEN)
    audit_record(
        action="shadow.would_escalate" if escalate else "shadow.would_draft",
        obj=ticket,
        summary=("Would escalate to a person" if escalate else "Would draft a reply")
        + f" (TRIAGE_MODE=shadow): {ticket.summary}"[:400],
        recommended="" if escalate else proposal.draft_body,
        tier=assessment.tier,
    )
    return Outcome(email.pk, email.status, ticket.pk, detail="shadow")


TRIAGED = [
    "category",
    "urgency",
    "tone",
    "risk",
    "risk_reasons",
    "summary",
    "needs_human",
    "human_reason",
    "status",
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
    escalate = not assessment.may_draft
    ticket.needs_human = escalate
    ticket.human_reason = "; ".join(assessment.reasons[1:]) if escalate else ""
    ticket.status = Ticket.Status.ESCALATED if escalate else Ticket.Status.AWAITING_APPROVAL


def triage_audit(ticket, email, parsed, proposal, assessment, opened) -> None:
    escalate = not assessment.may_draft
    audit_record(
        action="ticket.opened" if opened else "ticket.reply_received",
        obj=ticket,
        summary=f"{'Opened' if opened else 'Reply joined'} from {parsed.customer.email}",
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


def _draft_reply(ticket, email, parsed, proposal, assessment, opened) -> Draft:
    return draft_create(
        **reply_draft_fields(ticket, email, parsed, proposal, assessment),
        # A ticket opened in this transaction has no earlier draft to supersede.
        supersede=not opened,
    )


def reply_draft_fields(ticket, email, parsed, proposal, assessment) -> dict:
    """The reply draft's fields, as `draft_create` takes them."""
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
        triggered_at=email.received_at,
        flags=unfamiliar_references(
            proposal.draft_body, thread_text, allowed=(settings.AGENT_EMAIL.lower(),)
        ),
    )


# Escalation notices go out once the message's writes are committed. A worker process of the
# processing pool (`workers.ProcessingPool`) leaves them to the process that started it, which
# sends them as the workers' outcomes come in: sent from the workers, each notice queued for the
# database's write lock behind the other workers' writes, and on SQLite that cost a poll of a
# busy mailbox a tenth of its time. A notice the caller never sends (it was killed first) is not
# a lost escalation: the ticket stays escalated, in the admin and in the next digest.
_notices_left_to_caller: ContextVar[bool] = ContextVar("notices_left_to_caller", default=False)


@contextmanager
def escalation_notices_left_to_caller() -> Iterator[None]:
    """Within this block, escalations are reported in the outcomes (`Outcome.escalated`) and the
    caller sends their notices (`escalation_notices_send`)."""
    token = _notices_left_to_caller.set(True)
    try:
        yield
    finally:
        _notices_left_to_caller.reset(token)


def escalation_notify_on_commit(*, ticket_id: int, email_id: int) -> None:
    if not _notices_left_to_caller.get():
        transaction.on_commit(
            lambda: escalation_notify(ticket_id=ticket_id, email_id=email_id), robust=True
        )


def escalation_notices_send(outcomes: list[Outcome]) -> None:
    """The notices of the escalations among these outcomes (reported by a worker that left them
    to its caller). One that fails is logged, as on commit, and the others still go."""
    for outcome in outcomes:
        if outcome.escalated and outcome.ticket_id is not None:
            try:
                escalation_notify(ticket_id=outcome.ticket_id, email_id=outcome.email_id)
            except Exception:
                log.exception("The escalation notice for message #%s failed", outcome.email_id)


def escalation_notify(*, ticket_id: int, email_id: int) -> OutboundEmail:
    """Tell the approvers a person is needed, with the context the agent gathered."""
    from mailagent.services.outbound import notice_send

    ticket = Ticket.objects.get(pk=ticket_id)
    email = InboundEmail.objects.get(pk=email_id)
    context = {"ticket": ticket, "email": email, "portal": settings.PORTAL_BASE_URL}
    return notice_send(
        kind=OutboundEmail.Kind.ESCALATION,
        to=list(settings.APPROVER_EMAILS),
        subject=f"[Needs a person] {ticket.subject or '(no subject)'}",
        body=render_to_string("portal/email/escalation.txt", context),
        ticket=ticket,
    )
