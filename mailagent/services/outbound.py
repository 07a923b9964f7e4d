"""Mail out: compose a message, record it with its Message-ID before it leaves, deliver it.

Two promises hold here. Only an approved draft is ever sent, and it is sent once: the draft is
claimed with a conditional UPDATE (approved -> sending) that only one worker or click can win.
And every message is stored (`OutboundEmail`) with the exact bytes and Message-ID before the
transport sees it, so a reply can always be matched to its thread, and any later attempt (a
retry after a 4xx, a person's "send again") sends those same bytes. What each attempt's outcome
means (sent, deferred, failed, delivery unknown) is `mailagent.services.delivery`.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mailagent.addresses import UnusableAddress, wire_address
from mailagent.errors import (
    ConfigurationError,
    DeliveryRefused,
    InvalidTransition,
    TransientError,
    UnsafeHeader,
)
from mailagent.integrations.transport import mail_transport
from mailagent.models import Draft, OutboundEmail, Ticket
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.delivery import outbound_attempt

# RFC 5322 allows 998 characters a line; folding long References is legal but some clients
# thread badly on folded ids, so keep header lines whole where they fit.
_POLICY = SMTP.clone(max_line_length=998)
_POLICY_UTF8 = _POLICY.clone(utf8=True)


def _safe(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise UnsafeHeader(f"Refusing to send: the {name} header would contain a line break.")
    return value


#: How long the mail server's answer to "do you offer SMTPUTF8?" is trusted before asking again.
SMTPUTF8_CHECK_SECONDS = 3600


def smtputf8_offered() -> bool | None:
    """Whether the configured way out takes UTF-8 addresses (RFC 6531); None when the server
    could not be asked just now. The answer is cached: approval pages ask for every draft."""
    transport = mail_transport()
    key = f"mailagent:smtputf8:{transport.name}"
    offered = cache.get(key)
    if offered is None:
        try:
            offered = transport.offers("smtputf8")
        except (TransientError, ConfigurationError, DeliveryRefused):
            return None
        cache.set(key, offered, SMTPUTF8_CHECK_SECONDS)
    return offered


def draft_delivery_problem(draft: Draft) -> str:
    """Why this draft could not be delivered as it is addressed, "" when it can: shown before
    anyone approves it, so that no click ends in a refusal."""
    try:
        wire = [wire_address(address) for address in draft.to_addresses]
    except UnusableAddress as exc:
        return str(exc)
    utf8 = [a for a, w in zip(draft.to_addresses, wire, strict=True) if w.needs_smtputf8]
    if utf8 and smtputf8_offered() is False:
        return (
            f"{utf8[0]} has non-ASCII letters before the @, which only a mail server offering "
            "SMTPUTF8 can deliver, and the one in SMTP_HOST does not. Reject this draft and "
            "answer from a mail program whose server offers it, or ask for another address."
        )
    return ""


def new_message_id() -> str:
    return make_msgid(domain=settings.AGENT_EMAIL.rpartition("@")[2] or "localhost")


def compose(
    *,
    to: list[str],
    subject: str,
    body: str,
    message_id: str,
    auto_submitted: str,
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
) -> EmailMessage:
    """Build an outgoing message. Every header built from inbound data is checked for CR/LF.
    Recipients are written as `mailagent.addresses` says: IDNA domains, and UTF-8 headers
    (RFC 6532) only when a local part needs them. Raises `UnusableAddress` for an address that
    cannot be written at all."""
    wire = [wire_address(_safe("To", address)) for address in to]
    utf8 = any(w.needs_smtputf8 for w in wire)
    msg = EmailMessage(policy=_POLICY_UTF8 if utf8 else _POLICY)
    msg["From"] = formataddr((settings.BUSINESS_NAME, settings.AGENT_EMAIL))
    msg["To"] = ", ".join(w.envelope for w in wire)
    msg["Subject"] = _safe("Subject", subject)
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = _safe("Message-ID", message_id)
    if in_reply_to:
        msg["In-Reply-To"] = _safe("In-Reply-To", in_reply_to)
    if references:
        msg["References"] = _safe("References", references)
    # RFC 3834: mark our mail as automatic so that well-behaved auto-responders stay quiet, and
    # ask Exchange not to send out-of-office replies to it.
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def reply_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


def reply_references(parent_references: str, parent_id: str) -> str:
    ids = parent_references.split()
    if parent_id and parent_id not in ids:
        ids.append(parent_id)
    return " ".join(ids)


def draft_send(*, draft_id: int, now: datetime | None = None) -> Draft:
    """Send an approved draft, once. A draft that was never approved raises `InvalidTransition`;
    one already sending, deferred, sent, failed or of unknown delivery is left as it is. A header
    that would carry a line break fails the draft and raises `UnsafeHeader`: nothing leaves.
    What the server said decides what follows (`mailagent.services.delivery`)."""
    now = now or timezone.now()
    try:
        # The claim and the record of what will be sent commit together: a worker that stops
        # between them leaves the draft approved, to be sent by the next one, never "sending"
        # with nothing recorded (which no one would ever pick up again).
        with transaction.atomic():
            claimed = Draft.objects.filter(pk=draft_id, status=Draft.Status.APPROVED).update(
                status=Draft.Status.SENDING
            )
            draft = Draft.objects.select_related("ticket").get(pk=draft_id)
            outbound = _draft_record(draft, now=now) if claimed else None
    except UnsafeHeader as exc:
        # Approved but not sendable: say so on the draft rather than try again and again.
        _draft_unsendable(Draft.objects.get(pk=draft_id), error=str(exc))
        raise
    if outbound is None:
        if draft.status in _NEVER_APPROVED:
            raise InvalidTransition(
                f"Draft #{draft_id} is {draft.status}: only approved drafts go."
            )
        return draft
    outbound_attempt(outbound=outbound, now=now)
    draft.refresh_from_db()
    return draft


_NEVER_APPROVED = (Draft.Status.PENDING, Draft.Status.REJECTED, Draft.Status.SUPERSEDED)


def _draft_record(draft: Draft, *, now: datetime) -> OutboundEmail:
    """Compose the draft and store it, Message-ID included, before any transport sees it."""
    reply = draft.kind == Draft.Kind.REPLY
    draft.message_id = draft.message_id or new_message_id()
    message = compose(
        to=draft.to_addresses,
        subject=draft.subject,
        body=draft.body,
        message_id=draft.message_id,
        auto_submitted="auto-replied" if reply else "auto-generated",
        in_reply_to=draft.in_reply_to,
        references=draft.references,
    )
    outbound = OutboundEmail.objects.create(
        kind=_SENT_AS.get(draft.kind, OutboundEmail.Kind.REPLY),
        draft=draft,
        ticket=draft.ticket,
        message_id=draft.message_id,
        recipients=draft.to_addresses,
        subject=draft.subject,
        raw=bytes(message),
        transport="",
        **_first_attempt(now),
    )
    draft.save(update_fields=["message_id"])
    return outbound


# What each kind of draft is on the record once sent.
_SENT_AS = {
    Draft.Kind.REMINDER: OutboundEmail.Kind.REMINDER,
    Draft.Kind.PURCHASE_ORDER: OutboundEmail.Kind.PURCHASE_ORDER,
}


def _first_attempt(now: datetime) -> dict:
    return {"attempts": 1, "first_attempt_at": now, "last_attempt_at": now}


@transaction.atomic
def _draft_unsendable(draft: Draft, *, error: str) -> None:
    draft.status, draft.error = Draft.Status.FAILED, error
    draft.save(update_fields=["status", "error"])
    audit_record(
        action="draft.send_failed",
        obj=draft,
        actor=SYSTEM,
        summary=f"Sending failed: {error}"[:500],
        error=error,
    )


def notice_send(
    *,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    ticket: Ticket | None = None,
    now: datetime | None = None,
) -> OutboundEmail:
    """Send an internal notice to staff (approval requests, escalations, digests). Low risk: no
    approval. Escalations and digests the server turns away for now are retried like replies;
    approval requests are not (see `delivery.RETRIED_KINDS`)."""
    now = now or timezone.now()
    message_id = new_message_id()
    message = compose(
        to=to,
        subject=subject,
        body=body,
        html=html,
        message_id=message_id,
        auto_submitted="auto-generated",
    )
    outbound = OutboundEmail.objects.create(
        kind=kind,
        ticket=ticket,
        message_id=message_id,
        recipients=to,
        subject=subject,
        raw=bytes(message),
        transport="",
        **_first_attempt(now),
    )
    return outbound_attempt(outbound=outbound, now=now)
