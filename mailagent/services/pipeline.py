"""One pass of the main job: fetch new mail, process everything waiting, ask for approvals."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mailagent.integrations.sources import MailSource
from mailagent.models import InboundEmail
from mailagent.services.approvals import IssuedLink, approval_requests_send
from mailagent.services.ingest import source_fetch
from mailagent.services.processing import Outcome, email_process, email_quarantine

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    source: str
    stored: int = 0
    known: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    links: list[IssuedLink] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(o.status for o in self.outcomes)

    @property
    def drafts(self) -> int:
        return sum(1 for o in self.outcomes if o.draft_id)

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


def inbox_run_once(
    *, source: MailSource, progress: Callable[[str, int, int], None] | None = None
) -> RunReport:
    fetched = source_fetch(
        source=source, progress=(lambda d, t: progress("stored", d, t)) if progress else None
    )
    report = RunReport(source=source.name, stored=len(fetched.stored), known=fetched.known)
    # Everything still waiting, including messages stored by an earlier run that crashed.
    waiting = list(
        InboundEmail.objects.filter(status=InboundEmail.Status.RECEIVED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for done, email_id in enumerate(waiting, start=1):
        report.outcomes.append(email_process_safely(email_id=email_id))
        if progress:
            progress("processed", done, len(waiting))
    report.links = approval_requests_send()
    return report
