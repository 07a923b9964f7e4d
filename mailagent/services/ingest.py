"""Ingestion: accept raw bytes and keep them, before any parsing. Kept apart from processing so
that a message that breaks the parser is still stored, and a crash loses nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

from django.db import IntegrityError, transaction
from django.utils import timezone

from mailagent.integrations.sources import MailSource
from mailagent.models import InboundEmail, raws_save
from mailagent.parsing.headers import header, message_id
from mailagent.parsing.senders import sender_check
from mailagent.services.audit import SYSTEM, audit_batch, audit_record


def email_store(*, source: str, source_key: str, raw: bytes) -> InboundEmail | None:
    """Store one raw message under the source's own key. None when it was stored before."""
    try:
        with transaction.atomic():
            email = InboundEmail.objects.create(
                source=source,
                source_key=source_key,
                raw=raw,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
            )
            _audit_received(email)
    except IntegrityError:
        if InboundEmail.objects.filter(source=source, source_key=source_key).exists():
            return None
        raise
    return email


def emails_store(*, source: str, messages: list[tuple[str, bytes]]) -> list[InboundEmail]:
    """Store a batch of raw messages, `(source_key, raw)` in order, in one transaction: one
    insert for the messages and one for their audit events. The messages stored are returned;
    a key stored before is skipped, as by `email_store`, which takes over one message at a time
    when the batch cannot go in whole (a key taken meanwhile)."""
    if not messages:
        return []
    emails = [
        InboundEmail(
            source=source,
            source_key=key,
            raw=raw,
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
        )
        for key, raw in messages
    ]
    try:
        with transaction.atomic(), audit_batch():
            InboundEmail.objects.bulk_create(emails)
            raws_save(emails, created=True)
            for email in emails:
                _audit_received(email)
    except IntegrityError:
        stored = (email_store(source=source, source_key=key, raw=raw) for key, raw in messages)
        return [email for email in stored if email is not None]
    return emails


def _audit_received(email: InboundEmail) -> None:
    audit_record(
        action="email.received",
        obj=email,
        actor=SYSTEM,
        summary=f"Stored {email.size:,} bytes from {email.source_key}",
        source=email.source,
        source_key=email.source_key,
    )


def email_store_oversize(
    *, source: str, source_key: str, headers: bytes, size: int, limit: int
) -> InboundEmail | None:
    """Record a message too big to ingest from its header section alone, quarantined with the
    reason. Its body is never fetched, so it never sits in memory. None when recorded before."""
    error = (
        f"Too big to ingest: {size:,} bytes, over MAX_MESSAGE_BYTES ({limit:,}). Recorded from "
        "its headers only; the whole message is still on the mail server. Raise "
        "MAX_MESSAGE_BYTES and the next pass fetches it whole and processes it."
    )
    msg = BytesHeaderParser().parsebytes(headers)
    sender = sender_check(msg).sender
    try:
        with transaction.atomic():
            email = InboundEmail.objects.create(
                source=source,
                source_key=source_key,
                raw=headers,
                size=size,
                sha256=hashlib.sha256(headers).hexdigest(),
                status=InboundEmail.Status.QUARANTINED,
                error=error,
                processed_at=timezone.now(),
                message_id=message_id(header(msg, "Message-ID")),
                from_address=sender.email if sender else "",
                from_name=(sender.name if sender else "")[:255],
                subject=header(msg, "Subject")[:998],
            )
            audit_record(
                action="email.received",
                obj=email,
                actor=SYSTEM,
                summary=f"Recorded the headers of a {size:,}-byte message from {source_key}",
                source=source,
                source_key=source_key,
            )
            audit_record(action="email.quarantined", obj=email, actor=SYSTEM, summary=error)
    except IntegrityError:
        if InboundEmail.objects.filter(source=source, source_key=source_key).exists():
            return None
        raise
    return email


def email_record_known(
    *, source: str, source_key: str, sha256: str, size: int, original: InboundEmail
) -> InboundEmail | None:
    """Record that the mailbox shows, under a new key, a message we already hold (after a
    UIDVALIDITY change): a row for the new key, no second copy of the bytes, no second ticket."""
    reason = f"Already ingested as #{original.pk} before the folder's UIDVALIDITY changed"
    try:
        with transaction.atomic():
            email = InboundEmail.objects.create(
                source=source,
                source_key=source_key,
                raw=b"",
                size=size,
                sha256=sha256,
                status=InboundEmail.Status.DUPLICATE,
                processed_at=timezone.now(),
                ticket_id=original.ticket_id,
                message_id=original.message_id,
                from_address=original.from_address,
                from_name=original.from_name,
                subject=original.subject,
            )
            audit_record(
                action="email.duplicate",
                obj=email,
                actor=SYSTEM,
                summary=f"Not stored or answered again: {reason}",
                original=original.pk,
                source_key=source_key,
            )
    except IntegrityError:
        if InboundEmail.objects.filter(source=source, source_key=source_key).exists():
            return None
        raise
    return email


def email_store_whole(*, email_id: int, raw: bytes) -> InboundEmail | None:
    """Replace the headers of a message recorded as too big with the whole message, now that the
    limit allows it, and queue it for processing. None when it is no longer waiting for that."""
    with transaction.atomic():
        email = InboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status != InboundEmail.Status.QUARANTINED or len(email.raw) >= email.size:
            return None
        email.raw, email.size = raw, len(raw)
        email.sha256 = hashlib.sha256(raw).hexdigest()
        email.status, email.error, email.processed_at = InboundEmail.Status.RECEIVED, "", None
        email.save(update_fields=["raw", "size", "sha256", "status", "error", "processed_at"])
        audit_record(
            action="email.fetched_whole",
            obj=email,
            actor=SYSTEM,
            summary=f"Stored all {len(raw):,} bytes, within MAX_MESSAGE_BYTES now",
        )
    return email


@dataclass
class FetchReport:
    source: str
    stored: list[int] = field(default_factory=list)
    known: int = 0


def source_fetch(
    *, source: MailSource, progress: Callable[[int, int], None] | None = None
) -> FetchReport:
    """Store every message the source holds that we have not stored yet."""
    report = FetchReport(source=source.name)
    keys = list(source.keys())
    known = set(
        InboundEmail.objects.filter(source=source.name).values_list("source_key", flat=True)
    )
    new_keys = [k for k in keys if k not in known]
    report.known = len(keys) - len(new_keys)
    for done, message in enumerate(source.fetch(new_keys), start=1):
        email = email_store(source=source.name, source_key=message.key, raw=message.raw)
        if email is not None:
            report.stored.append(email.pk)
        if progress:
            progress(done, len(new_keys))
    return report
