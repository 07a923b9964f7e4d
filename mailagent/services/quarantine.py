"""What processing one message came to, and the quarantine of a message that cannot be processed.

Below message processing and the export importer alike: both report an `Outcome` per message, and
both set a message aside the same way."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from mailagent.models import InboundEmail
from mailagent.services.audit import SYSTEM, audit_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    email_id: int
    status: str
    ticket_id: int | None = None
    draft_id: int | None = None
    escalated: bool = False
    detail: str = ""


CLAIMED_ELSEWHERE = "claimed elsewhere"


def email_quarantine(*, email_id: int, error: str) -> Outcome:
    """Set a message aside with the reason, audited; its raw bytes stay for a later retry."""
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


def email_quarantine_unexpected(*, email_id: int, exc: BaseException) -> Outcome:
    """A failure nobody planned for (a bug, a database error): logged with its traceback and the
    message quarantined with what happened, so that one bad message never stops a run."""
    log.error("Processing message #%s failed", email_id, exc_info=exc)
    return email_quarantine(
        email_id=email_id, error=f"Unexpected {type(exc).__name__} while processing: {exc}"
    )
