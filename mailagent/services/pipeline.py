"""One pass of the main job: fetch new mail, process everything waiting, ask for approvals.

Two kinds of source feed it: a local folder (`inbox_run_once`, the embedded default) and an IMAP
folder (`imap_folder_run_once`, which processes each batch as soon as it is stored and then moves
processed mail out when a processed folder is set). Approval requests go out once per pass, after
every folder has been read (`approvals_send`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import reset_queries, transaction

from mailagent.agents.base import triage_backend
from mailagent.integrations.imap import ImapConnection
from mailagent.integrations.sources import MailSource
from mailagent.models import Draft, InboundEmail
from mailagent.services.approvals import IssuedLink, approval_requests_send
from mailagent.services.export_mail import export_mail_import
from mailagent.services.imap_sync import folder_sync, processed_move
from mailagent.services.ingest import source_fetch
from mailagent.services.lookups import lookups_read
from mailagent.services.mailboxes import ImapFolder
from mailagent.services.processing import (
    Outcome,
    Prepared,
    Settled,
    email_parse,
    email_place,
    email_process,
    email_quarantine,
)
from mailagent.services.waves import wave_plan, wave_write
from mailagent.services.workers import ProcessingPool, Stored
from mailagent.types import ParsedEmail

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# Watchers of several folders run in threads of one process: one of them at a time asks for
# approvals, so that no draft gets two links from one pass.
_approvals_lock = threading.Lock()


@dataclass
class RunReport:
    source: str
    stored: int = 0
    known: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    links: list[IssuedLink] = field(default_factory=list)
    first_sync: bool = False
    uidvalidity_changed: bool = False
    recorded_as_seen: int = 0
    oversize: int = 0
    moved: int = 0

    @property
    def counts(self) -> Counter:
        return Counter(o.status for o in self.outcomes)

    @property
    def drafts(self) -> int:
        """Drafts of this run still waiting for approval (a follow-up in the same run may have
        superseded one a moment after it was written)."""
        ids = [o.draft_id for o in self.outcomes if o.draft_id]
        return Draft.objects.filter(pk__in=ids, status=Draft.Status.PENDING).count() if ids else 0

    @property
    def escalations(self) -> int:
        return sum(1 for o in self.outcomes if o.escalated)


def email_process_safely(*, email_id: int) -> Outcome:
    """Process one message; an unexpected failure quarantines it and the run goes on."""
    try:
        return email_process(email_id=email_id)
    except Exception as exc:
        log.exception("Processing message #%s failed", email_id)
        return email_quarantine(
            email_id=email_id, error=f"Unexpected {type(exc).__name__} while processing: {exc}"
        )


def emails_process(*, email_ids: Iterable[int], progress: Progress | None = None) -> list[Outcome]:
    """Process messages in order. They go in waves: each message is read and placed on this
    thread (the database stays here; the rows, and what placing them reads, are read for a wave
    at once), its triage starts at once in a pool of MODEL_CONCURRENCY threads, and a wave's
    writes commit together, in a few statements for the whole wave (`waves.wave_write`: each
    message claimed by its conditional UPDATE; one by one, each in its own savepoint, if
    anything goes wrong). A message that names one already in the wave (a reply to it, a second
    copy, the same ticket or customer) waits for the wave to be written first, so it finds its
    parent's ticket as if processed one by one."""
    ids = list(email_ids)
    outcomes: list[Outcome] = []
    with _Wave(progress=progress, total=len(ids), outcomes=outcomes) as wave:
        for start in range(0, len(ids), WAVE_SIZE):
            chunk = ids[start : start + WAVE_SIZE]
            # One query for the stored messages of a wave; their parsing writes nothing.
            rows = InboundEmail.objects.select_related("stored").in_bulk(chunk)
            reads = []
            for email_id in chunk:
                try:
                    read = email_parse(rows[email_id])
                except Exception as exc:
                    wave.done(_quarantined(email_id, exc))
                    continue
                if isinstance(read, Outcome):
                    wave.done(read)
                else:
                    reads.append(read)
            _place(reads, wave)
    # A long-running poller with DEBUG on would otherwise keep the text of its last 9,000 queries,
    # raw messages included.
    reset_queries()
    position = {email_id: index for index, email_id in enumerate(ids)}
    return sorted(outcomes, key=lambda o: position.get(o.email_id, 0))


def _place(reads: list[tuple[InboundEmail, ParsedEmail]], wave: _Wave) -> None:
    """Place parsed messages in order, with what they read from the database read for all of
    them at once, and read again for those left whenever something was written meanwhile."""
    lookups, as_of = None, -1
    for position, (email, parsed) in enumerate(reads):
        try:
            exported = export_mail_import(email=email, parsed=parsed)
            if exported is not None:
                # An export may add customers and invoices that later messages must see.
                wave.writes += 1
                wave.done(exported)
                continue
            if wave.needs_flush(parsed):
                wave.flush()
            if as_of != wave.writes:
                lookups, as_of = lookups_read(reads[position:]), wave.writes
            placed = email_place(email, parsed, lookups=lookups)
        except Exception as exc:
            wave.done(_quarantined(email.pk, exc))
            continue
        if wave.needs_flush(placed.parsed, placed.ticket, _customer_of(placed)):
            wave.flush()
        wave.add(placed)


WAVE_SIZE = 64


def _customer_of(placed: Prepared | Settled):
    return placed.customer if isinstance(placed, Prepared) else None


def _quarantined(email_id: int, exc: Exception) -> Outcome:
    log.exception("Processing message #%s failed", email_id, exc_info=exc)
    return email_quarantine(
        email_id=email_id, error=f"Unexpected {type(exc).__name__} while processing: {exc}"
    )


class _Wave:
    """Messages placed and waiting for their writes; their triage runs meanwhile."""

    def __init__(self, *, progress: Progress | None, total: int, outcomes: list[Outcome]):
        self.progress, self.total, self.outcomes = progress, total, outcomes
        self.items: list[tuple[Prepared | Settled, Future | None]] = []
        self.keys: set[str] = set()
        self.tickets: set[int] = set()
        self.customers: set[int] = set()
        self.backend = None
        self.pool: ThreadPoolExecutor | None = None
        # Counts the writes that what was read before them may not show.
        self.writes = 0

    def __enter__(self) -> _Wave:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if exc_info[0] is None:
                self.flush()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)

    def done(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if self.progress:
            self.progress("processed", len(self.outcomes), self.total)

    def needs_flush(self, parsed, ticket=None, customer=None) -> bool:
        return len(self.items) >= WAVE_SIZE or bool(
            not self.keys.isdisjoint(_thread_keys(parsed))
            or (ticket is not None and ticket.pk in self.tickets)
            or (customer is not None and customer.pk in self.customers)
        )

    def add(self, placed: Prepared | Settled) -> None:
        self.keys.update(_thread_keys(placed.parsed))
        if placed.ticket is not None:
            self.tickets.add(placed.ticket.pk)
        if isinstance(placed, Settled):
            self.items.append((placed, None))
            return
        if placed.customer is not None:
            self.customers.add(placed.customer.pk)
        self.items.append((placed, self._triage(placed)))

    def _triage(self, prepared: Prepared) -> Future:
        if self.backend is None:
            self.backend = triage_backend(settings.AGENT_MODEL)
        future: Future = Future()
        concurrency = max(1, settings.MODEL_CONCURRENCY)
        if self.backend.name == "rules" or concurrency == 1:
            # CPU work under the GIL: threads would only add switching.
            try:
                future.set_result(self.backend.triage(prepared.context))
            except Exception as exc:
                future.set_exception(exc)
            return future
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="triage")
        return self.pool.submit(self.backend.triage, prepared.context)

    def flush(self) -> None:
        if not self.items:
            return
        items, self.items = self.items, []
        self.keys, self.tickets, self.customers = set(), set(), set()
        self.writes += 1
        # Every model answer is in before the write transaction starts: no lock is held while
        # a model thinks.
        answers = [_answer(future) for _, future in items]
        try:
            # Decided before the write lock is taken, so that it is held for the writes alone.
            plan = wave_plan(
                [(placed, answer) for (placed, _), answer in zip(items, answers, strict=True)]
            )
            with transaction.atomic():
                outcomes = wave_write(plan)
        except Exception:
            # The wave's commit itself failed (the database went away, say): nothing of it was
            # written, so each message is processed again on its own.
            log.exception("Writing a wave of %s message(s) failed; one by one instead", len(items))
            outcomes = [email_process_safely(email_id=placed.email.pk) for placed, _ in items]
        for outcome in outcomes:
            self.done(outcome)


def _answer(future: Future | None):
    if future is None:
        return None
    try:
        return future.result()
    except Exception as exc:
        return exc


def _thread_keys(parsed) -> set[str]:
    """The Message-IDs that tie a message to others: its own, those it answers, a forward's."""
    return {k for k in (parsed.message_id, parsed.original_message_id, *parsed.thread_ids) if k}


def emails_waiting(*, source: str | None = None) -> list[int]:
    """Messages stored but not processed yet: those of a run that stopped half-way, too."""
    waiting = InboundEmail.objects.filter(status=InboundEmail.Status.RECEIVED)
    if source is not None:
        waiting = waiting.filter(source=source)
    return list(waiting.order_by("id").values_list("id", flat=True))


def approvals_send() -> list[IssuedLink]:
    with _approvals_lock:
        return approval_requests_send()


def inbox_run_once(*, source: MailSource, progress: Progress | None = None) -> RunReport:
    fetched = source_fetch(
        source=source, progress=(lambda d, t: progress("stored", d, t)) if progress else None
    )
    report = RunReport(source=source.name, stored=len(fetched.stored), known=fetched.known)
    # Everything still waiting, including messages stored by an earlier run that crashed.
    report.outcomes = emails_process(email_ids=emails_waiting(), progress=progress)
    report.links = approvals_send()
    return report


def imap_folder_run_once(
    *,
    conn: ImapConnection,
    folder: ImapFolder,
    today: date,
    progress: Progress | None = None,
    pool: ProcessingPool | None = None,
) -> RunReport:
    """Store what is new in one IMAP folder and process it, batch by batch (in `pool`'s worker
    processes, if given, while the next batch downloads); then move processed mail to the
    processed folder, if one is set. Approval requests are the caller's to send."""
    report = RunReport(source=folder.source)
    report.outcomes += emails_process(email_ids=emails_waiting(source=folder.source))
    with contextlib.ExitStack() as stack:
        workers = pool or stack.enter_context(ProcessingPool(workers=1))

        def process(stored: list[Stored]) -> None:
            workers.submit(stored)
            finished = workers.finished()
            if finished:
                report.outcomes.extend(finished)
                if progress:
                    progress("processed", len(report.outcomes), 0)

        try:
            sync, state = folder_sync(
                conn=conn, folder=folder, today=today, on_stored=process, progress=progress
            )
        finally:
            report.outcomes.extend(workers.collect())
    reset_queries()
    report.stored, report.known = len(sync.stored), sync.recognised + sync.already_stored
    report.first_sync, report.uidvalidity_changed = sync.first_sync, sync.uidvalidity_changed
    report.recorded_as_seen, report.oversize = sync.recorded_as_seen, sync.oversize
    if folder.processed_folder:
        report.moved = processed_move(conn=conn, folder=folder, state=state)
    return report
