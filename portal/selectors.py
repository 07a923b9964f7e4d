"""Reads for the portal's pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from mailagent.language import language_name
from mailagent.models import AuditEvent, Draft, Ticket
from mailagent.policy import CATEGORY_TIERS
from mailagent.services.corrections import CORRECTED, Corrected, value_label
from mailagent.services.outbound import draft_delivery_problem
from mailagent.services.tickets import ticket_conversation
from mailagent.types import Category, Tier, Urgency


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
        "corrections": ticket_corrections(ticket) if ticket else [],
        "choices": correction_choices(),
    }


@dataclass(frozen=True)
class CorrectionShown:
    """A correction as the portal lists it: who changed what, from what to what, and when."""

    when: datetime
    actor: str
    field: str
    before: str
    after: str
    escalated: bool


def ticket_corrections(ticket: Ticket) -> list[CorrectionShown]:
    """The corrections people made to a ticket's triage, newest first."""
    events = AuditEvent.objects.filter(ticket=ticket, action=CORRECTED).order_by(
        "-created_at", "-id"
    )
    shown = []
    for event in events.only("created_at", "actor", "details"):
        details = event.details
        try:
            field = Corrected(details.get("field", "")).label
        except ValueError:
            continue
        shown.append(
            CorrectionShown(
                when=event.created_at,
                actor=event.actor,
                field=field,
                before=value_label(details.get("before", "")),
                after=value_label(details.get("after", "")),
                escalated=bool(details.get("escalated")),
            )
        )
    return shown


def correction_choices() -> dict[str, list[tuple[str, str, bool]]]:
    """What the one-click forms offer: (value, label, high risk) for each field's values."""
    return {
        "category": [
            (c.value, value_label(c.value), CATEGORY_TIERS[c] is Tier.HIGH) for c in Category
        ],
        "urgency": [(u.value, value_label(u.value), False) for u in Urgency],
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
