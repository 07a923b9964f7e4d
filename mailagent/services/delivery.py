"""Delivering a stored message, and what each outcome means for it and for its draft.

Every attempt hands the transport the exact bytes stored in `OutboundEmail`, under its one
Message-ID. An attempt is only ever made by whoever claimed the row with a conditional UPDATE
(into "sending"), so two workers, a retry and a click can never have the same message in flight.

- sent: done.
- deferred (a 4xx, or no connection before the message was handed over): tried again by the
  "retry due sends" job after 1, 2, 4, ... minutes (capped at SEND_RETRY_MAX_DELAY_MINUTES),
  and failed after SEND_RETRY_MAX_ATTEMPTS attempts or SEND_RETRY_MAX_HOURS.
- failed (a 5xx, a refused login, retries given up): staff are told in the digest.
- waiting for its mailbox (SMTP through a mailbox connected with OAuth2 whose grant was revoked
  or has expired): deferred, and looked at again every RECONNECT_CHECK, for as long as it takes a
  person to connect the mailbox again. Nothing reached a server, so these looks count neither as
  attempts nor toward the retry limits, which start when the mailbox works again.
- delivery unknown (the whole message went out, the answer never came; or a worker stopped in
  the middle of an attempt): never retried automatically. A person checks, then marks it
  delivered or sends it again (`outbound_mark_delivered`, `outbound_send_again`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mailagent import oauth
from mailagent.enqueue import enqueue_retry
from mailagent.errors import (
    ConfigurationError,
    DeliveryRefused,
    DeliveryUnknown,
    InvalidTransition,
    TransientError,
)
from mailagent.integrations.transport import mail_transport
from mailagent.models import Draft, OutboundEmail, Ticket
from mailagent.oauth import MailboxNeedsReconnect
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.reconnects import mailbox_to_reconnect

log = logging.getLogger(__name__)

Status = OutboundEmail.Status
Kind = OutboundEmail.Kind

# An approval request is not retried: when one cannot be sent its caller expires the links in it
# at once and the next pass mails fresh ones, so a late copy would only carry dead links.
RETRIED_KINDS = frozenset(
    {
        Kind.REPLY,
        Kind.REMINDER,
        Kind.ESCALATION,
        Kind.DIGEST,
        Kind.REPORT,
        Kind.PURCHASE_ORDER,
        Kind.INVENTORY_ALERT,
    }
)
# How often a message waiting for its mailbox to be connected again looks whether it has been.
RECONNECT_CHECK = timedelta(minutes=5)
# A draft mirrors its message's state; these are the audit actions for each outcome.
_DRAFT_STATUS = {
    Status.SENT: Draft.Status.SENT,
    Status.DEFERRED: Draft.Status.DEFERRED,
    Status.FAILED: Draft.Status.FAILED,
    Status.DELIVERY_UNKNOWN: Draft.Status.DELIVERY_UNKNOWN,
}
_DRAFT_ACTION = {
    Status.SENT: "draft.sent",
    Status.DEFERRED: "draft.send_deferred",
    Status.FAILED: "draft.send_failed",
    Status.DELIVERY_UNKNOWN: "draft.delivery_unknown",
}


def retry_delay(attempts: int, *, cap_minutes: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4, ... minutes, capped.
    PURE."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap_minutes))


def retry_at(*, attempts: int, first_attempt_at: datetime, now: datetime) -> datetime | None:
    """When to try again after `attempts` attempts, or None once the limits are reached."""
    if attempts >= settings.SEND_RETRY_MAX_ATTEMPTS:
        return None
    due = now + retry_delay(attempts, cap_minutes=settings.SEND_RETRY_MAX_DELAY_MINUTES)
    if due > first_attempt_at + timedelta(hours=settings.SEND_RETRY_MAX_HOURS):
        return None
    return due


def stuck_after() -> timedelta:
    """An attempt still "sending" after this long belongs to a worker that stopped mid-send.
    Every SMTP step has its own SMTP_TIMEOUT, and there are fewer than ten of them."""
    return max(timedelta(minutes=15), timedelta(seconds=10 * settings.SMTP_TIMEOUT))


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""
    # The mailbox must be connected again by a person; nothing was handed to any server.
    disconnected: bool = False


def _transmit(outbound: OutboundEmail) -> tuple[Outcome, str]:
    transport = mail_transport(token_provider=oauth.access_token)
    raw = bytes(outbound.raw)
    headers = BytesHeaderParser().parsebytes(raw)
    sender = parseaddr(str(headers["Sender"] or headers["From"] or ""))[1]
    try:
        transport.deliver(
            raw, sender=sender, recipients=list(outbound.recipients), message_id=outbound.message_id
        )
    except TransientError as exc:
        outcome = Outcome(Status.DEFERRED, str(exc))
    except MailboxNeedsReconnect as exc:
        outcome = Outcome(Status.DEFERRED, _waiting_text(exc), disconnected=True)
    except DeliveryUnknown as exc:
        outcome = Outcome(Status.DELIVERY_UNKNOWN, str(exc))
    except (DeliveryRefused, ConfigurationError) as exc:
        outcome = Outcome(Status.FAILED, str(exc))
    except Exception as exc:
        log.exception("Delivery of outbound #%s failed: %s", outbound.pk, type(exc).__name__)
        outcome = Outcome(Status.FAILED, str(exc) or repr(exc))
    else:
        outcome = Outcome(Status.SENT)
    if outcome.status != Status.SENT:
        log.warning("Outbound #%s: %s", outbound.pk, outcome.status)
    return outcome, transport.name


def _waiting_text(exc: MailboxNeedsReconnect) -> str:
    mailbox = mailbox_to_reconnect(exc)
    return (
        f"Nothing was sent: {mailbox.line}. The message stays queued and goes once it is. "
        f"{mailbox.reason}"
    ).strip()


def outbound_attempt(*, outbound: OutboundEmail, now: datetime) -> OutboundEmail:
    """Deliver a row this caller has claimed (status "sending", the attempt already counted) and
    record what came of it, on the row, on its draft and in the audit trail."""
    outcome, transport_name = _transmit(outbound)
    status, error, next_at = outcome.status, outcome.error, None
    if status == Status.DEFERRED and outbound.kind not in RETRIED_KINDS:
        status = Status.FAILED
        error = f"{error} (approval requests are not retried: the next pass sends fresh links)"
    elif outcome.disconnected:
        # A look that found the mailbox still disconnected reached no server: it is taken back
        # off the count, and the retry limits' clock starts again once the mailbox works.
        next_at = now + RECONNECT_CHECK
        outbound.attempts = max(outbound.attempts - 1, 0)
        outbound.first_attempt_at = None
    elif status == Status.DEFERRED:
        next_at = retry_at(
            attempts=outbound.attempts,
            first_attempt_at=outbound.first_attempt_at or now,
            now=now,
        )
        if next_at is None:
            status = Status.FAILED
            error = f"Gave up after {outbound.attempts} attempt(s): {error}"
    outbound.status, outbound.error, outbound.next_attempt_at = status, error, next_at
    outbound.transport = transport_name
    if status == Status.SENT:
        outbound.sent_at = timezone.now()
    with transaction.atomic():
        outbound.save(
            update_fields=[
                "status",
                "error",
                "next_attempt_at",
                "transport",
                "sent_at",
                "attempts",
                "first_attempt_at",
            ]
        )
        _settle_draft_or_notice(
            outbound, waiting=outcome.disconnected and status == Status.DEFERRED
        )
    return outbound


def _settle_draft_or_notice(
    outbound: OutboundEmail, *, actor: str = SYSTEM, waiting: bool = False
) -> None:
    """`waiting`: deferred because the mailbox must be connected again, not by a server."""
    status = outbound.status
    if outbound.draft_id is None:
        audit_record(
            action=f"notice.{status}",
            obj=outbound,
            actor=actor,
            summary=_summary(outbound, waiting=waiting)[:500],
            error=outbound.error,
            attempts=outbound.attempts,
        )
        return
    draft = Draft.objects.get(pk=outbound.draft_id)
    draft.status = _DRAFT_STATUS[status]
    draft.error = "" if status == Status.SENT else outbound.error
    draft.sent_at = outbound.sent_at if status == Status.SENT else None
    draft.save(update_fields=["status", "error", "sent_at"])
    audit_record(
        action=_DRAFT_ACTION[status],
        obj=draft,
        actor=actor,
        summary=_summary(outbound, waiting=waiting)[:500],
        message_id=outbound.message_id,
        transport=outbound.transport,
        attempts=outbound.attempts,
        error=outbound.error,
        next_attempt_at=outbound.next_attempt_at.isoformat() if outbound.next_attempt_at else "",
        workflow=draft.kind,
    )
    if status == Status.SENT and draft.ticket_id:
        Ticket.objects.filter(pk=draft.ticket_id).update(
            status=Ticket.Status.ANSWERED, updated_at=timezone.now()
        )


def _summary(outbound: OutboundEmail, *, waiting: bool = False) -> str:
    to = ", ".join(outbound.recipients)
    if waiting:
        when = timezone.localtime(outbound.next_attempt_at)
        return f"Queued, looking again at {when:%Y-%m-%d %H:%M}: {outbound.error}"
    if outbound.status == Status.SENT:
        what = "Sent" if outbound.draft_id else outbound.get_kind_display().capitalize()
        return f"{what} to {to} as {outbound.message_id}"
    if outbound.status == Status.DEFERRED:
        when = timezone.localtime(outbound.next_attempt_at)
        return f"Attempt {outbound.attempts} deferred; next at {when:%Y-%m-%d %H:%M}: " + (
            outbound.error
        )
    if outbound.status == Status.DELIVERY_UNKNOWN:
        return f"Delivery unknown, not retried: a person must check. {outbound.error}"
    return f"Sending failed: {outbound.error}"


def outbound_retry(*, outbound_id: int, now: datetime | None = None) -> OutboundEmail | None:
    """Try a deferred message again if it is due and nobody else has claimed it."""
    now = now or timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=outbound_id, status=Status.DEFERRED, next_attempt_at__lte=now
    ).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        # None after looks that found the mailbox disconnected: the series starts now.
        first_attempt_at=Coalesce("first_attempt_at", Value(now)),
        last_attempt_at=now,
        next_attempt_at=None,
    )
    if not claimed:
        return None
    outbound = OutboundEmail.objects.get(pk=outbound_id)
    if outbound.draft_id:
        Draft.objects.filter(pk=outbound.draft_id, status=Draft.Status.DEFERRED).update(
            status=Draft.Status.SENDING
        )
    return outbound_attempt(outbound=outbound, now=now)


def sends_due(*, now: datetime) -> list[int]:
    """Deferred messages whose next attempt is due, oldest first."""
    return list(
        OutboundEmail.objects.filter(status=Status.DEFERRED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)
    )


def sends_retry_due(*, now: datetime | None = None) -> list[int]:
    """The periodic job: attempts left hanging become "delivery unknown", and every deferred
    message that is due is queued for one more attempt (each claims its row, so a message queued
    twice is still tried once)."""
    now = now or timezone.now()
    sends_stuck_mark(now=now)
    due = sends_due(now=now)
    for outbound_id in due:
        enqueue_retry(outbound_id)
    return due


def sends_stuck_mark(*, now: datetime) -> list[int]:
    """Attempts whose worker stopped mid-send (killed, machine lost) never reported back: the
    message may have gone, so they become "delivery unknown", never retried."""
    ids = []
    for pk in OutboundEmail.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=now - stuck_after()
    ).values_list("pk", flat=True):
        with transaction.atomic():
            if not OutboundEmail.objects.filter(pk=pk, status=Status.SENDING).update(
                status=Status.DELIVERY_UNKNOWN,
                error="The attempt never reported back (its worker stopped mid-send).",
            ):
                continue
            _settle_draft_or_notice(OutboundEmail.objects.get(pk=pk))
        ids.append(pk)
    return ids


@transaction.atomic
def outbound_mark_delivered(*, outbound_id: int, actor: str) -> OutboundEmail:
    """A person checked (with the recipient, in the server's logs) that a message whose delivery
    was unknown did arrive."""
    outbound = OutboundEmail.objects.select_for_update().get(pk=outbound_id)
    if outbound.status != Status.DELIVERY_UNKNOWN:
        raise InvalidTransition(
            f"Message #{outbound_id} is {outbound.status}: only a delivery unknown is confirmed."
        )
    outbound.status, outbound.sent_at = Status.SENT, outbound.last_attempt_at or timezone.now()
    outbound.error = ""
    outbound.save(update_fields=["status", "sent_at", "error"])
    audit_record(
        action="draft.delivery_confirmed" if outbound.draft_id else "notice.delivery_confirmed",
        obj=outbound.draft if outbound.draft_id else outbound,
        actor=actor,
        summary=f"{actor} checked that {outbound.message_id} arrived; marked as delivered",
        message_id=outbound.message_id,
    )
    _settle_draft_or_notice(outbound, actor=actor)
    return outbound


def outbound_send_again(
    *, outbound_id: int, actor: str, now: datetime | None = None
) -> OutboundEmail:
    """A person's decision to send a message whose delivery was unknown (or that failed) once
    more: the same bytes under the same Message-ID, so a server or client that did get the first
    copy can recognise the second. Starts a new series of attempts."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = OutboundEmail.objects.filter(
            pk=outbound_id, status__in=(Status.DELIVERY_UNKNOWN, Status.FAILED)
        ).update(
            status=Status.SENDING,
            attempts=1,
            first_attempt_at=now,
            last_attempt_at=now,
            next_attempt_at=None,
        )
        outbound = OutboundEmail.objects.get(pk=outbound_id)
        if not claimed:
            raise InvalidTransition(
                f"Message #{outbound_id} is {outbound.status}: only a message whose delivery is "
                "unknown, or that failed, can be sent again."
            )
        if outbound.draft_id:
            Draft.objects.filter(
                pk=outbound.draft_id,
                status__in=(Draft.Status.DELIVERY_UNKNOWN, Draft.Status.FAILED),
            ).update(status=Draft.Status.SENDING)
        audit_record(
            action="draft.send_again" if outbound.draft_id else "notice.send_again",
            obj=outbound.draft if outbound.draft_id else outbound,
            actor=actor,
            summary=f"{actor} decided to send {outbound.message_id} again (same Message-ID)",
            message_id=outbound.message_id,
            previous_error=outbound.error,
        )
    return outbound_attempt(outbound=outbound, now=now)
