"""Batch: messages processed in waves. One message is a wave of one.

Each message is read and placed on this thread (the database stays here; the rows, and what
placing them reads, are read for a wave at once), its triage starts at once in a pool of
MODEL_CONCURRENCY threads (inline for the rules backend: CPU work under the GIL), and a wave's
plans are written together by `write.plans_write_safely`, after every model answer is in: no lock
is held while a model thinks. A message that names one already in the wave (a reply to it, a
second copy, the same ticket or customer) waits for the wave to be written first, so that it
finds its parent's ticket as if processed alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import reset_queries, transaction

from mailagent.agents.base import triage_backend
from mailagent.models import InboundEmail
from mailagent.services.audit import audit_record
from mailagent.services.lookups import lookups_read
from mailagent.services.processing.decide import plan_decide
from mailagent.services.processing.place import (
    Placed,
    Prepared,
    Read,
    email_export,
    email_parse,
    email_place,
)
from mailagent.services.processing.threads import parsed_thread_keys
from mailagent.services.processing.write import plans_write_safely
from mailagent.services.quarantine import Outcome, email_quarantine_unexpected

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

WAVE_SIZE = 64


def email_process(*, email_id: int) -> Outcome:
    """Turn one stored message into ticket work. A second call does nothing."""
    return emails_process(email_ids=[email_id])[0]


def emails_process(*, email_ids: Iterable[int], progress: Progress | None = None) -> list[Outcome]:
    """Process messages in order; one outcome each, in the order given. A message that fails in
    a way nobody planned for is quarantined and the others go on."""
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
                    wave.done(email_quarantine_unexpected(email_id=email_id, exc=exc))
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


def _place(reads: list[Read], wave: _Wave) -> None:
    """Place parsed messages in order, with what they read from the database read for all of
    them at once, and read again for those left whenever something was written meanwhile."""
    lookups, as_of = None, -1
    for position, (email, parsed) in enumerate(reads):
        try:
            exported = email_export((email, parsed))
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
            wave.done(email_quarantine_unexpected(email_id=email.pk, exc=exc))
            continue
        customer = placed.customer if isinstance(placed, Prepared) else None
        if wave.needs_flush(placed.parsed, placed.ticket, customer):
            wave.flush()
        wave.add(placed)


def email_reprocess(*, email_id: int, actor: str) -> Outcome:
    """Put a quarantined message back in the queue (after a fix or a raised limit) and process
    it again now. Its raw bytes were kept, so nothing is lost by having waited."""
    email = InboundEmail.objects.get(pk=email_id)
    if email.size > len(email.raw):
        # Recorded from its headers only (over MAX_MESSAGE_BYTES): a reply drafted from the
        # headers alone would answer a message nobody read. The next pass fetches it whole once
        # the limit allows.
        return Outcome(
            email_id,
            email.status,
            detail=f"only its headers are stored ({email.size:,} bytes on the server): raise "
            "MAX_MESSAGE_BYTES and the next poll fetches and processes it",
        )
    with transaction.atomic():
        updated = InboundEmail.objects.filter(
            pk=email_id, status=InboundEmail.Status.QUARANTINED
        ).update(status=InboundEmail.Status.RECEIVED, error="", processed_at=None)
        if not updated:
            email = InboundEmail.objects.get(pk=email_id)
            return Outcome(email_id, email.status, email.ticket_id, detail="not quarantined")
        audit_record(
            action="email.requeued",
            obj=InboundEmail(pk=email_id),
            actor=actor,
            summary="Re-processed from the admin",
        )
    return email_process(email_id=email_id)


def emails_waiting(*, source: str | None = None) -> list[int]:
    """Messages stored but not processed yet: those of a run that stopped half-way, too."""
    waiting = InboundEmail.objects.filter(status=InboundEmail.Status.RECEIVED)
    if source is not None:
        waiting = waiting.filter(source=source)
    return list(waiting.order_by("id").values_list("id", flat=True))


class _Wave:
    """Messages placed and waiting for their writes; their triage runs meanwhile."""

    def __init__(self, *, progress: Progress | None, total: int, outcomes: list[Outcome]):
        self.progress, self.total, self.outcomes = progress, total, outcomes
        self.items: list[tuple[Placed, Future | None]] = []
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
            not self.keys.isdisjoint(parsed_thread_keys(parsed))
            or (ticket is not None and ticket.pk in self.tickets)
            or (customer is not None and customer.pk in self.customers)
        )

    def add(self, placed: Placed) -> None:
        self.keys.update(parsed_thread_keys(placed.parsed))
        if placed.ticket is not None:
            self.tickets.add(placed.ticket.pk)
        if not isinstance(placed, Prepared):
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
        order = [placed.email.pk for placed, _ in items]
        outcomes: dict[int, Outcome] = {}
        plans = []
        for placed, future in items:
            try:
                plans.append(plan_decide(placed, _answer(future)))
            except Exception as exc:
                outcomes[placed.email.pk] = email_quarantine_unexpected(
                    email_id=placed.email.pk, exc=exc
                )
        try:
            # Decided before the write transaction begins, so that its lock is held for the
            # writes alone.
            with transaction.atomic():
                outcomes.update(plans_write_safely(plans) if plans else {})
        except Exception as exc:
            # The wave's commit itself failed (the database went away, say): nothing of it was
            # written, so each message is processed again as a wave of its own.
            if len(plans) == 1:
                email_id = plans[0].email.pk
                outcomes[email_id] = email_quarantine_unexpected(email_id=email_id, exc=exc)
            else:
                log.exception("Writing a wave of %s message(s) failed; one by one", len(plans))
                for plan in plans:
                    outcomes[plan.email.pk] = email_process(email_id=plan.email.pk)
        for email_id in order:
            self.done(outcomes[email_id])


def _answer(future: Future | None):
    if future is None:
        return None
    try:
        return future.result()
    except Exception as exc:
        return exc
