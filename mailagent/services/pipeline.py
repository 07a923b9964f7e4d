"""One pass of the main job: fetch new mail, process everything waiting, ask for approvals. The
processing itself is `mailagent.services.processing`; this module only runs passes.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import reset_queries

from mailagent.agents.base import backend_load
from mailagent.agents.factfinders import patterns_compile
from mailagent.integrations.imap import ImapConnection
from mailagent.integrations.sources import MailSource
from mailagent.knowledge import knowledge_index
from mailagent.language import detector_load
from mailagent.models import Draft
from mailagent.parsing.bodies import reply_patterns_compile
from mailagent.services.approvals import IssuedLink, approval_requests_send
from mailagent.services.imap_sync import folder_sync, processed_move
from mailagent.services.ingest import source_fetch
from mailagent.services.mailboxes import ImapFolder
from mailagent.services.processing import Outcome, emails_process, emails_waiting
from mailagent.services.processing.pool import ProcessingPool
from mailagent.services.processing.threads import Stored

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


def processing_pool(*, workers: int) -> ProcessingPool:
    """Worker processes for a pass, running `processing.emails_process`. What every worker
    needs is loaded first, so that the forked workers share its pages instead of each loading
    its own: the language detector (measured with three processes: 78 MB of PSS together
    against 127 MB), the rules backend (the fallback of either backend: its patterns compile
    in about 0.2 s, and the patterns that tell which rule of a list matched, the money pattern
    and the reply splitter's, each compiled at first use, another 0.1 s or so in every
    worker) and the knowledge index (read and indexed once, not once per worker)."""
    detector_load()
    backend_load()
    patterns_compile()
    reply_patterns_compile()
    knowledge_index()
    return ProcessingPool(workers=workers, process=emails_process, waiting=emails_waiting)


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
        workers = pool or stack.enter_context(processing_pool(workers=1))

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
