"""Sync one IMAP folder into stored messages: by UID, so that nothing is lost and nothing is stored
twice, whatever happens to the process or the connection.

- The folder's place is a `MailboxFolder` row: UIDVALIDITY and the last UID handled (RFC 3501
  section 2.3.1.1). A message's key is `"{uidvalidity}:{uid}"`, unique per folder.
- A batch's messages are stored in one transaction, and `last_uid` moves past a batch only after
  it has committed: a `kill -9` at any point re-fetches at most that batch, and storing a message
  again under the same key is a no-op.
- A first sync turns only the last IMAP_BACKFILL_DAYS of mail into work; older UIDs are recorded
  as seen (and counted in the audit trail), never fetched.
- When UIDVALIDITY changes (a restored or rebuilt mailbox), the folder is read again from the
  start; a message we already hold is recognised by its content (or its Message-ID and body) and
  recorded against the new key without a second copy or a second ticket.
- Batches are bounded by count and by bytes; a message over MAX_MESSAGE_BYTES is recorded from its
  headers and quarantined without its body ever being fetched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from mailagent.errors import ConfigurationError, TransientError
from mailagent.integrations.imap import Envelope, FolderStatus, ImapConnection
from mailagent.models import InboundEmail, MailboxFolder
from mailagent.parsing.headers import message_id as normalised_message_id
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.ingest import (
    email_record_known,
    email_store_oversize,
    email_store_whole,
    emails_store,
)
from mailagent.services.mailboxes import ImapFolder
from mailagent.services.processing.threads import Stored, raw_thread_keys

BATCH_MESSAGES = 100
BATCH_BYTES = 16 * 1024 * 1024
_ENVELOPES_PER_FETCH = 500
_HEADER_END = re.compile(rb"\r?\n\r?\n")

Progress = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    source: str
    first_sync: bool = False
    uidvalidity_changed: bool = False
    stored: list[Stored] = field(default_factory=list)
    # Already held under an earlier UIDVALIDITY: recorded, not stored or processed again.
    recognised: int = 0
    # Stored by a run that stopped before it could record its progress.
    already_stored: int = 0
    # Older than the backfill window on a first sync: recorded as seen, not fetched.
    recorded_as_seen: int = 0
    oversize: int = 0
    # Expunged by someone else between the search and the fetch.
    vanished: int = 0


def folder_sync(
    *,
    conn: ImapConnection,
    folder: ImapFolder,
    today: date,
    on_stored: Callable[[list[Stored]], None] | None = None,
    progress: Progress | None = None,
    batch_messages: int | None = None,
    batch_bytes: int | None = None,
) -> tuple[SyncReport, MailboxFolder]:
    """Store every message of the folder that is new since the last sync. `on_stored` gets the
    messages stored by each batch as soon as they are committed (to process them while the next
    batch downloads); `progress` gets ("stored", done, total)."""
    report = SyncReport(source=folder.source)
    status = conn.select(
        folder.folder, readonly=not folder.processed_folder, setting=folder.folder_setting
    )
    if folder.processed_folder:
        processed_folder_check(conn=conn, folder=folder)
    state = _folder_state(conn=conn, folder=folder, status=status, today=today, report=report)
    refetched = _fetch_now_allowed(conn, folder, state)
    if on_stored and refetched:
        on_stored(refetched)
    report.stored += refetched
    candidates = conn.uids_after(state.last_uid)
    work = _without_backfill(conn, state, candidates, report)
    done = 0
    batches = _batches(
        conn,
        work,
        report,
        most=batch_messages or BATCH_MESSAGES,
        max_bytes=batch_bytes or BATCH_BYTES,
        limit=folder.max_message_bytes,
    )
    for batch in batches:
        stored = _store_batch(conn, folder, state, batch, report)
        _advance(state, batch[-1].uid)
        report.stored += stored
        done += len(batch)
        if on_stored and stored:
            on_stored(stored)
        if progress:
            progress("stored", done, len(work))
    _advance(state, candidates[-1] if candidates else state.last_uid)
    return report, state


def processed_folder_check(*, conn: ImapConnection, folder: ImapFolder) -> None:
    if folder.processed_folder == folder.folder:
        raise ConfigurationError(
            f"{folder.processed_setting} names the folder being read ({folder.folder!r}): "
            "choose another folder for processed mail."
        )
    if not conn.folder_exists(folder.processed_folder):
        raise ConfigurationError(
            f"There is no folder {folder.processed_folder!r} in the mailbox "
            f"{conn.account.label}: create it, or fix {folder.processed_setting}."
        )


def _folder_state(
    *, conn: ImapConnection, folder: ImapFolder, status: FolderStatus, today: date, report
) -> MailboxFolder:
    state, _ = MailboxFolder.objects.get_or_create(source=folder.source)
    if state.uidvalidity == status.uidvalidity:
        return state
    until = status.uidnext - 1 if status.uidnext else max(conn.uids_all(), default=0)
    with transaction.atomic():
        if state.uidvalidity is None:
            _start_first_sync(conn, folder, state, until=until, today=today, report=report)
        else:
            _start_resync(
                folder,
                state,
                uidvalidity=status.uidvalidity,
                until=until,
                today=today,
                report=report,
            )
        state.uidvalidity, state.last_uid, state.backfill_until_uid = status.uidvalidity, 0, until
        state.save()
    return state


def _start_first_sync(conn, folder, state, *, until: int, today: date, report) -> None:
    # IMAP_BACKFILL_DAYS=0: nothing already in the folder becomes work (SINCE tomorrow).
    days = folder.backfill_days
    state.backfill_since = today - timedelta(days=days) if days else today + timedelta(days=1)
    existing = [uid for uid in conn.uids_all() if uid <= until]
    recent = conn.uids_since(state.backfill_since, first=1, last=until)
    report.first_sync = True
    audit_record(
        action="mailbox.first_sync",
        obj=state,
        actor=SYSTEM,
        summary=(
            f"First sync of {folder.source}: {len(existing):,} message(s) in the folder; "
            f"{len(recent):,} since {state.backfill_since:%Y-%m-%d} become work, "
            f"{len(existing) - len(recent):,} older recorded as seen"
        ),
        messages=len(existing),
        work=len(recent),
        recorded_as_seen=len(existing) - len(recent),
        backfill_days=days,
    )


def _start_resync(folder, state, *, uidvalidity: int, until: int, today: date, report) -> None:
    report.uidvalidity_changed = True
    audit_record(
        action="mailbox.uidvalidity_changed",
        obj=state,
        actor=SYSTEM,
        summary=(
            f"UIDVALIDITY of {folder.source} changed from {state.uidvalidity} to {uidvalidity}: "
            f"reading UIDs 1-{until} again; mail already held is recognised, not stored twice"
        ),
        old=state.uidvalidity,
        new=uidvalidity,
    )
    state.resync_until_uid = until
    if state.backfill_since is None:
        state.backfill_since = today - timedelta(days=folder.backfill_days)


def _without_backfill(
    conn: ImapConnection, state: MailboxFolder, candidates: list[int], report: SyncReport
) -> list[int]:
    """Drop the UIDs that were in the folder before the first sync (or the resync) and are older
    than the backfill window: they are recorded as seen."""
    old = [uid for uid in candidates if uid <= state.backfill_until_uid]
    if not old or state.backfill_since is None:
        return candidates
    recent = set(conn.uids_since(state.backfill_since, first=old[0], last=old[-1]))
    report.recorded_as_seen += sum(1 for uid in old if uid not in recent)
    return [uid for uid in candidates if uid > state.backfill_until_uid or uid in recent]


def _batches(
    conn: ImapConnection,
    uids: list[int],
    report: SyncReport,
    *,
    most: int,
    max_bytes: int,
    limit: int,
) -> Iterator[list[Envelope]]:
    """Envelopes in UID order, grouped so that no batch holds more than `most` messages or (unless
    it is one message) more than `max_bytes`. A message over `limit` weighs nothing: only its
    headers will be fetched."""
    for start in range(0, len(uids), _ENVELOPES_PER_FETCH):
        chunk = uids[start : start + _ENVELOPES_PER_FETCH]
        envelopes = conn.envelopes(chunk)
        report.vanished += len(chunk) - len(envelopes)
        batch: list[Envelope] = []
        weight = 0
        for envelope in (envelopes[uid] for uid in chunk if uid in envelopes):
            size = envelope.size if envelope.size <= limit else 0
            if batch and (len(batch) >= most or weight + size > max_bytes):
                yield batch
                batch, weight = [], 0
            batch.append(envelope)
            weight += size
        if batch:
            yield batch


def _store_batch(
    conn: ImapConnection,
    folder: ImapFolder,
    state: MailboxFolder,
    batch: list[Envelope],
    report: SyncReport,
) -> list[int]:
    keys = {env.uid: f"{state.uidvalidity}:{env.uid}" for env in batch}
    held = set(
        InboundEmail.objects.filter(source=folder.source, source_key__in=keys.values()).values_list(
            "source_key", flat=True
        )
    )
    todo = [env for env in batch if keys[env.uid] not in held]
    report.already_stored += len(batch) - len(todo)
    limit = folder.max_message_bytes
    bodies = conn.bodies([env.uid for env in todo if env.size <= limit])
    big = [env for env in todo if env.size > limit]
    heads = conn.headers([env.uid for env in big]) if big else {}
    stored: list[Stored] = []
    # Plain messages are stored together, in UID order; one that needs its own step (too big,
    # held before) first stores those waiting before it, so that ids still follow UIDs.
    plain: list[tuple[str, bytes]] = []
    for env in todo:
        raw = heads.get(env.uid) if env.size > limit else bodies.get(env.uid)
        if raw is None:
            _missing(conn, env.uid, report)
            continue
        too_big = env.size > limit
        original = (
            not too_big and env.uid <= state.resync_until_uid and _held_before(folder, raw, env)
        )
        if not too_big and not original:
            plain.append((keys[env.uid], raw))
            continue
        stored += _store_plain(folder, plain)
        plain = []
        if too_big:
            email_store_oversize(
                source=folder.source,
                source_key=keys[env.uid],
                headers=raw,
                size=env.size,
                limit=limit,
            )
            report.oversize += 1
        else:
            email_record_known(
                source=folder.source,
                source_key=keys[env.uid],
                sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                original=original,
            )
            report.recognised += 1
    return stored + _store_plain(folder, plain)


def _store_plain(folder: ImapFolder, messages: list[tuple[str, bytes]]) -> list[Stored]:
    return [
        Stored(email.pk, raw_thread_keys(email.raw))
        for email in emails_store(source=folder.source, messages=messages)
    ]


def _fetch_now_allowed(
    conn: ImapConnection, folder: ImapFolder, state: MailboxFolder
) -> list[Stored]:
    """Messages recorded from their headers as too big, that MAX_MESSAGE_BYTES now allows: fetch
    them whole (still bounded by BATCH_BYTES) and queue them for processing."""
    waiting = (
        InboundEmail.objects.filter(
            source=folder.source,
            status=InboundEmail.Status.QUARANTINED,
            source_key__startswith=f"{state.uidvalidity}:",
            size__lte=folder.max_message_bytes,
        )
        .annotate(kept=Coalesce(Length("stored__data"), 0))
        .filter(kept__lt=F("size"))
        .values_list("pk", "source_key", "size")
    )
    stored: list[Stored] = []
    batch: list[tuple[int, int]] = []
    weight = 0
    for pk, key, size in [*waiting, (None, "", BATCH_BYTES + 1)]:
        if batch and (pk is None or weight + size > BATCH_BYTES):
            bodies = conn.bodies([uid for _, uid in batch])
            for email_id, uid in batch:
                if uid in bodies and email_store_whole(email_id=email_id, raw=bodies[uid]):
                    stored.append(Stored(email_id, raw_thread_keys(bodies[uid])))
            batch, weight = [], 0
        if pk is not None:
            batch.append((pk, int(key.partition(":")[2])))
            weight += size
    return stored


def _missing(conn: ImapConnection, uid: int, report: SyncReport) -> None:
    """No bytes came back for a UID: fine if it was expunged meanwhile, otherwise retry later."""
    if conn.uids_after(uid - 1)[:1] == [uid]:
        raise TransientError(f"The IMAP server sent no content for UID {uid}; retrying later.")
    report.vanished += 1


def _held_before(folder: ImapFolder, raw: bytes, envelope: Envelope) -> InboundEmail | None:
    """The message we already hold from this folder that this one is: the same bytes, or the same
    Message-ID with the same body (a rebuilt mailbox may have rewritten a header or two)."""
    digest = hashlib.sha256(raw).hexdigest()
    same = InboundEmail.objects.filter(source=folder.source, sha256=digest).order_by("pk").first()
    if same is not None:
        return same
    mid = normalised_message_id(envelope.message_id)
    if not mid:
        return None
    body = _body_digest(raw)
    for candidate in InboundEmail.objects.filter(source=folder.source, message_id=mid).order_by(
        "pk"
    ):
        stored = bytes(candidate.raw)
        if stored and candidate.size == len(stored) and _body_digest(stored) == body:
            return candidate
    return None


def _body_digest(raw: bytes) -> str:
    parts = _HEADER_END.split(raw, maxsplit=1)
    body = parts[1] if len(parts) == 2 else b""
    return hashlib.sha256(body.replace(b"\r\n", b"\n")).hexdigest()


def _advance(state: MailboxFolder, uid: int) -> None:
    """Record that every UID up to `uid` is handled (only forwards, only for this UIDVALIDITY)."""
    now = timezone.now()
    MailboxFolder.objects.filter(
        pk=state.pk, uidvalidity=state.uidvalidity, last_uid__lt=uid
    ).update(last_uid=uid)
    MailboxFolder.objects.filter(pk=state.pk).update(last_synced_at=now)
    state.last_uid, state.last_synced_at = max(state.last_uid, uid), now


def processed_move(*, conn: ImapConnection, folder: ImapFolder, state: MailboxFolder) -> int:
    """Move every message whose processing has committed to the processed folder, including any
    left behind by an earlier run that stopped between the commit and the move."""
    in_folder = [uid for uid in conn.uids_all() if uid <= state.last_uid]
    done: list[int] = []
    for start in range(0, len(in_folder), _ENVELOPES_PER_FETCH):
        keys = {
            f"{state.uidvalidity}:{uid}": uid
            for uid in in_folder[start : start + _ENVELOPES_PER_FETCH]
        }
        finished = (
            InboundEmail.objects.filter(source=folder.source, source_key__in=keys)
            .exclude(status=InboundEmail.Status.RECEIVED)
            .values_list("source_key", flat=True)
        )
        done += sorted(keys[key] for key in finished)
    if not done:
        return 0
    conn.move(done, folder.processed_folder)
    audit_record(
        action="mailbox.moved",
        obj=state,
        actor=SYSTEM,
        summary=f"Moved {len(done):,} processed message(s) to {folder.processed_folder}",
        uids=done[:1000],
    )
    return len(done)
