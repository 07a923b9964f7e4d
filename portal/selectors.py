"""Reads for the portal's pages."""

from __future__ import annotations

from django.urls import reverse

from mailagent.language import language_name
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
        "grounds": draft_grounds(draft),
    }


def draft_grounds(draft: Draft) -> dict:
    """What the approval page says a reply was written from: its language, the knowledge passages
    it quotes (with their files), the approved reply whose wording it reuses, and whether its
    facts were checked against the records."""
    based_on = draft.based_on
    return {
        "language": language_name(draft.language) if draft.language else "",
        "passages": draft.sources,
        "based_on": based_on,
        "based_on_url": (
            reverse("admin:mailagent_draft_change", args=[based_on.pk]) if based_on else ""
        ),
        "checked": bool(draft.facts.get("shape")),
        "facts": [text for _role, text in draft.facts.get("slots", []) if _role != "name"],
    }
