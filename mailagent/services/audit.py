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
from django.db import connections, models, router
from django.utils import timezone

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
) -> AuditEvent | None:
    """Append one event. `details` holds what was checked, changed, recommended or uncertain.
    The event saved is returned; inside `audit_batch()` it is only queued (None)."""
    target_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    target_id = obj.pk if obj is not None else None
    ticket = _ticket_of(obj)
    pending = getattr(_batch, "events", None)
    if pending is not None:
        # Values only, in `_COLUMNS` order but for created_at: a batch of thousands of events
        # (a big first sync) would otherwise spend more on building model instances and on the
        # ORM's insert compiler than on the insert itself.
        pending.append(
            (
                _actor_kind(actor),
                actor,
                action,
                summary[:500],
                target_type.pk if target_type is not None else None,
                target_id,
                ticket.pk if ticket is not None else None,
                details,
            )
        )
        return None
    event = AuditEvent(
        actor=actor,
        actor_kind=_actor_kind(actor),
        action=action,
        summary=summary[:500],
        target_type=target_type,
        target_id=target_id,
        ticket=ticket,
        details=details,
    )
    event.save()
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
        _events_insert(events)


_COLUMNS = (
    "created_at",
    "actor_kind",
    "actor",
    "action",
    "summary",
    "target_type",
    "target_id",
    "ticket",
    "details",
)


def _events_insert(rows: list[tuple]) -> None:
    """Insert queued events in order with one statement run for each, every value prepared by
    its own field as `bulk_create` would, the statement built once."""
    connection = connections[router.db_for_write(AuditEvent)]
    meta = AuditEvent._meta
    fields = [meta.get_field(name) for name in _COLUMNS]
    quote = connection.ops.quote_name
    # Only names from the model, quoted by the backend; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    created, *rest = [f.get_db_prep_save for f in fields]
    params = []
    for row in rows:
        # auto_now_add, as bulk_create's pre_save sets it: the time of the insert.
        values = [created(timezone.now(), connection)]
        values += [prepare(value, connection) for prepare, value in zip(rest, row, strict=True)]
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every event about one object, oldest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).order_by("created_at", "id")
