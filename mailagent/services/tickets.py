"""Tickets and threads: which conversation a message belongs to, and the conversation in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailagent.models import Draft, InboundEmail, Ticket
from mailagent.services.lookups import ThreadTickets, thread_tickets_read
from mailagent.types import ParsedEmail


def ticket_for_thread(
    parsed: ParsedEmail, *, threads: ThreadTickets | None = None
) -> Ticket | None:
    """The ticket this message answers: a stored or sent message named by In-Reply-To or
    References (nearest first), or the original of a staff forward we already hold. `threads`,
    when given, holds the answer already read for a wave of messages."""
    if threads is None:
        threads = thread_tickets_read([parsed])
    return threads.ticket_for(parsed)


def reminder_for_thread(parsed: ParsedEmail) -> Draft | None:
    """The payment reminder this message answers, if it answers one."""
    ids = list(parsed.thread_ids)
    if not ids:
        return None
    return Draft.objects.filter(kind=Draft.Kind.REMINDER, message_id__in=ids).first()


@dataclass(frozen=True)
class ConversationEntry:
    when: datetime
    direction: str  # "in" or "out"
    sender: str
    subject: str
    text: str
    obj: InboundEmail | Draft


def ticket_conversation(ticket: Ticket) -> list[ConversationEntry]:
    """Every message in and every reply sent on this ticket, oldest first."""
    entries = [
        ConversationEntry(
            when=m.sent_at or m.received_at,
            direction="in",
            sender=m.from_name or m.from_address,
            subject=m.subject,
            text=m.body_text,
            obj=m,
        )
        for m in ticket.messages.exclude(status=InboundEmail.Status.QUARANTINED)
    ]
    entries += [
        ConversationEntry(
            when=d.sent_at,
            direction="out",
            sender=d.decided_by or "agent",
            subject=d.subject,
            text=d.body,
            obj=d,
        )
        for d in ticket.drafts.filter(status=Draft.Status.SENT)
    ]
    return sorted(entries, key=lambda e: e.when)
