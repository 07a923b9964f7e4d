"""Ingestion: accept raw bytes and keep them, before any parsing. Kept apart from processing so
that a message that breaks the parser is still stored, and a crash loses nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from mailagent.integrations.sources import MailSource
from mailagent.models import InboundEmail
from mailagent.services.audit import SYSTEM, audit_record


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
            audit_record(
                action="email.received",
                obj=email,
                actor=SYSTEM,
                summary=f"Stored {len(raw):,} bytes from {source_key}",
                source=source,
                source_key=source_key,
            )
    except IntegrityError:
        if InboundEmail.objects.filter(source=source, source_key=source_key).exists():
            return None
        raise
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
