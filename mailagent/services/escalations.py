"""Escalation notices: the approvers told that a message needs a person, with what the agent
gathered. An outbound job, sent once the writes that escalated the ticket are committed.

A worker process of the processing pool (`processing.pool`) leaves its notices to the process
that started it (`escalation_notices_left_to_caller`), which sends them once no worker is
writing (`escalation_notices_send`): sent from the workers, or while they write, each notice
would wait for the database's write lock behind the workers' writes. A notice the caller never
sends (it was killed first) is not a lost escalation: the ticket stays escalated, in the admin
and in the next digest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from mailagent.models import InboundEmail, OutboundEmail, Ticket
from mailagent.services.outbound import notice_send
from mailagent.services.quarantine import Outcome

log = logging.getLogger(__name__)

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
