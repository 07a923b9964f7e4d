"""The audit trail: one append-only event for every step (checked, changed, recommended, unsure).

Call `audit_record` inside the same transaction as the change it describes, so that the trail and
the data never disagree.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from mailagent.models import AuditEvent, Ticket

AGENT = "agent"
SYSTEM = "system"


def _actor_kind(actor: str) -> str:
    if actor == AGENT:
        return AuditEvent.ActorKind.AGENT
    if "@" in actor:
        return AuditEvent.ActorKind.PERSON
    return AuditEvent.ActorKind.SYSTEM


def _ticket_of(obj: models.Model | None) -> Ticket | None:
    if isinstance(obj, Ticket):
        return obj
    ticket_id = getattr(obj, "ticket_id", None)
    return Ticket(pk=ticket_id) if ticket_id else None


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: str = AGENT,
    summary: str = "",
    **details: Any,
) -> AuditEvent:
    """Append one event. `details` holds what was checked, changed, recommended or uncertain."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_kind=_actor_kind(actor),
        action=action,
        summary=summary[:500],
        target_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        target_id=obj.pk if obj is not None else None,
        ticket=_ticket_of(obj),
        details=details,
    )


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about one object, oldest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).order_by("created_at", "id")
