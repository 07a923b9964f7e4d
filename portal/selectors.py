"""Reads for the portal's pages."""

from __future__ import annotations

from mailagent.models import Draft
from mailagent.services.outbound import draft_delivery_problem
from mailagent.services.tickets import ticket_conversation


def review_context(draft: Draft) -> dict:
    ticket = draft.ticket
    conversation = ticket_conversation(ticket) if ticket else []
    return {
        "draft": draft,
        "ticket": ticket,
        "conversation": conversation,
        "risk_reasons": ticket.risk_reasons if ticket else [],
        "delivery_problem": draft_delivery_problem(draft),
    }
