"""The audit trail: one append-only event for every step (checked, changed, recommended, unsure).

Call `audit_record` inside the same transaction as the change it describes, so that the trail and
the data never disagree. Inside `audit_batch()` the events of one step are kept in order and
inserted together in one statement when the block ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from mailagent.models import AuditEvent, Ticket

AGENT = "agent"
SYSTEM = "system"

# Per thread: triage may run in a thread pool while the main thread writes.
_batch = threading.local()


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
    event = AuditEvent(
        actor=actor,
        actor_kind=_actor_kind(actor),
        action=action,
        summary=summary[:500],
        target_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        target_id=obj.pk if obj is not None else None,
        ticket=_ticket_of(obj),
        details=details,
    )
    pending = getattr(_batch, "events", None)
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


@contextmanager
def audit_batch() -> Iterator[None]:
    """Collect the events recorded inside the block and insert them, in order, in one statement
    when it ends without an error. Use it inside the transaction of the step they describe.
    Nested blocks add to the outermost one."""
    if getattr(_batch, "events", None) is not None:
        yield
        return
    _batch.events = []
    try:
        yield
        events = _batch.events
    finally:
        _batch.events = None
    if events:
        AuditEvent.objects.bulk_create(events)


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about one object, oldest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).order_by("created_at", "id")
