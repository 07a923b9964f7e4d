"""Pool: a backlog processed on every core. Parsing, triage and the policy are CPU work in
Python, so a big first sync or a catch-up after downtime is spread over worker processes.

Order still matters within a conversation: a reply must find the ticket its parent opened, and a
second copy of a message must see the first. So a batch is cut into chains of messages linked by
any Message-ID they name (`threads.thread_chains`); each chain is processed in arrival order by
one worker, different chains side by side. A worker gets one share of the chains (about the same
number of messages for each) and processes it as one list in arrival order, so that its writes
commit in waves. Writes stay safe without that, too: every message is claimed by a conditional
UPDATE before anything is written for it.

Batches overlap: while the workers process one, the next is fetched, stored and handed over, so
that a worker done with its share goes on with the next batch's. A chain of a new batch tied to
one still being processed is held back until that one is written.

The pool is handed the function that processes a list of message ids and the one that lists
those still waiting (`batch.emails_process`, `batch.emails_waiting`): it imports nothing above
it. Workers are forked from a single-threaded process (`poll --once`) and hold no database
connection of the parent's; the watching threads of `poll` process their (small) batches inline.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections

from mailagent.models import InboundEmail
from mailagent.services.escalations import (
    escalation_notices_left_to_caller,
    escalation_notices_send,
)
from mailagent.services.processing.threads import Stored, chain_shares, thread_chains
from mailagent.services.quarantine import Outcome

log = logging.getLogger(__name__)

# Below this many messages a batch is processed inline: forking costs more than it saves.
MIN_PARALLEL = 16
# Batches processed at once, at most: the fetching runs no further ahead than this.
IN_FLIGHT = 3

Process = Callable[..., list[Outcome]]
Waiting = Callable[[], list[int]]


def _process_share(process: Process, email_ids: list[int]) -> list[Outcome]:
    # The pool's caller sends the escalation notices: from here each would wait for the
    # database's write lock behind the other workers' writes.
    try:
        with escalation_notices_left_to_caller():
            return process(email_ids=email_ids)
    finally:
        _memory_return()


def _memory_return() -> None:
    """Hand the memory a share freed back to the system. The raw messages and their parses are
    too big for Python's own allocator and too small for malloc to map them apart, so what they
    freed stays in the worker's heap, counted as its own, until malloc is asked to trim it
    (glibc's malloc_trim; nothing elsewhere)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _libc_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_malloc_trim = _libc_malloc_trim()


def _workers_can_see_the_data() -> bool:
    """Not inside a transaction (its rows are invisible to other connections), and not on an
    in-memory SQLite database (each process would have its own)."""
    conn = connections["default"]
    if conn.in_atomic_block:
        return False
    return not (conn.vendor == "sqlite" and conn.is_in_memory_db())


def _forget_parent_connections() -> None:
    # The parent closed its connections before forking; make sure none is shared anyway.
    for conn in connections.all(initialized_only=True):
        conn.connection = None


@dataclass
class _Job:
    """Chains handed to the workers together, and the Message-IDs they name."""

    chains: list[list[Stored]]
    keys: frozenset[bytes]
    result: object = None

    @property
    def email_ids(self) -> list[int]:
        return [s.email_id for chain in self.chains for s in chain]


class ProcessingPool:
    """Worker processes for one pass: `submit` each batch as it is stored, `collect` the outcomes
    of everything submitted. Up to IN_FLIGHT batches are processed at once while the caller
    fetches and stores the next, so that a worker done with its share of one batch goes on with
    the next instead of waiting for the slowest share. A chain of the new batch tied (by any
    Message-ID) to one still being processed waits for it, so a reply still finds its parent's
    ticket."""

    def __init__(self, *, workers: int, process: Process, waiting: Waiting) -> None:
        """`process(email_ids=[...])` processes messages in order and returns their outcomes;
        `waiting()` lists the messages stored but not processed yet. Both must be module-level
        functions: the worker processes are handed `process` by reference."""
        self.workers = max(1, workers)
        self.process, self.waiting = process, waiting
        self._pool = None
        self._running: list[_Job] = []
        self._held: list[_Job] = []
        self._done: list[Outcome] = []
        # The outcomes whose escalation notices the workers left to this process, not sent yet.
        self._notices: list[Outcome] = []

    def __enter__(self) -> ProcessingPool:
        return self

    def __exit__(self, *exc_info) -> None:
        # Whatever ended the pass, the notices of the escalations already written go.
        self._notices_send()
        if self._pool is not None:
            if exc_info[0] is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
            gc.unfreeze()

    def submit(self, stored: list[Stored]) -> None:
        """Start processing a batch (waiting first if IN_FLIGHT batches are being processed)."""
        if not stored:
            return
        busy = self._running or self._held
        if not busy and (
            self.workers == 1 or len(stored) < MIN_PARALLEL or not _workers_can_see_the_data()
        ):
            self._done += self.process(email_ids=[s.email_id for s in stored])
            return
        self._reap(wait=len(self._running) >= IN_FLIGHT)
        by_id = {s.email_id: s for s in stored}
        free: list[list[Stored]] = []
        for chain in thread_chains(stored):
            members = [by_id[email_id] for email_id in chain]
            keys = frozenset(k for s in members for k in s.thread_keys)
            if any(not job.keys.isdisjoint(keys) for job in (*self._running, *self._held)):
                self._held.append(_Job([members], keys))
            else:
                free.append(members)
        if free:
            self._start(free)

    def finished(self) -> list[Outcome]:
        """The outcomes come in so far, without waiting."""
        self._reap(wait=False)
        done, self._done = self._done, []
        return done

    def collect(self) -> list[Outcome]:
        """The outcomes of everything submitted (waiting for it if need be)."""
        while self._running or self._held:
            self._reap(wait=True)
        done, self._done = self._done, []
        return sorted(done, key=lambda o: o.email_id)

    def _start(self, chains: list[list[Stored]]) -> None:
        keys = frozenset(k for chain in chains for s in chain for k in s.thread_keys)
        job = _Job(chains, keys)
        ids = [[s.email_id for s in chain] for chain in chains]
        job.result = self._ensure_pool().starmap_async(
            _process_share,
            [(self.process, share) for share in chain_shares(ids, self.workers)],
            chunksize=1,
        )
        self._running.append(job)

    def _reap(self, *, wait: bool) -> None:
        """Take in finished jobs (the oldest one, waiting for it, when `wait`), then start held
        chains no longer tied to a running one, in order."""
        if wait and self._running:
            self._running[0].result.wait()
        for job in [j for j in self._running if j.result.ready()]:
            self._running.remove(job)
            self._done += self._outcomes(job)
        held, self._held = self._held, []
        released: list[list[Stored]] = []
        for job in held:
            ahead = (*self._running, *self._held)
            if any(not other.keys.isdisjoint(job.keys) for other in ahead):
                self._held.append(job)
            else:
                released += job.chains
        if released:
            self._start(released)
        if not self._running:
            self._notices_send()

    def _notices_send(self) -> None:
        """Send the escalation notices the workers left to this process, once none of them is
        writing: sent while they write, each notice's few commits wait for the database's
        write lock behind theirs (tens of milliseconds each), and the next batch is fetched
        and stored only after. Each outcome is taken off the list before its notice goes, so
        none is sent twice; none is dropped either (the pass ends here or in `__exit__`)."""
        while self._notices:
            escalation_notices_send([self._notices.pop(0)])

    def _outcomes(self, job: _Job) -> list[Outcome]:
        try:
            outcomes = [o for share in job.result.get() for o in share]
        except Exception:
            # A worker failed outside the per-message safety net (its database went away, say):
            # whatever it left unprocessed is processed here, one by one.
            log.exception("A processing worker failed; finishing its batch in the main process")
            batch = job.email_ids
            left = set(self.waiting()) & set(batch)
            done = InboundEmail.objects.filter(pk__in=batch).exclude(pk__in=left)
            # What is processed here sends its own notices; those of the messages the worker
            # had finished are not known (their tickets stay escalated, and the digest lists them).
            return [
                Outcome(pk, status, ticket)
                for pk, status, ticket in done.values_list("pk", "status", "ticket_id")
            ] + self.process(email_ids=sorted(left))
        self._notices += [o for o in outcomes if o.escalated]
        return outcomes

    def _ensure_pool(self):
        if self._pool is None:
            # Children must not share the parent's SQLite or PostgreSQL connection.
            connections.close_all()
            # Everything alive now is moved out of the collector's reach before the fork: a
            # collection in a worker writes to every object it examines, and each page it
            # writes to is copied, so that the parent's modules, settings and knowledge index
            # would soon be duplicated in each worker. Measured at 2,000 messages with two
            # workers: 254 MB of PSS together without, 235 MB with. Unfrozen when the pool
            # closes, so that the parent's own garbage is collected again.
            gc.collect()
            gc.freeze()
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.workers, initializer=_forget_parent_connections)
        return self._pool
