"""Training the learned triage from the labelled history, and scoring it before and after.

What is labelled:

- the bundled set (`learned.bundled`): the product's own labelled messages, a careful person's
  category for each;
- tickets a person corrected (a `ticket.changed` or `ticket.corrected` event naming the
  category or the urgency): the ticket's category and urgency now, weighing
  `CORRECTION_WEIGHT` times a bundled message;
- tickets whose reply was approved as drafted (approved, never edited): the category and
  urgency triage gave them, which a person let stand.

The part kept aside, never trained on: the bundled holdout and kept sets and one ticket in five
(by id).
The bundled messages carry no urgency, so the model proposes urgencies only once tickets give it
at least two (until then the rules decide every urgency).

Retrained nightly when a ticket was labelled since: `services.triage_retraining`.

Measured (`bench/eval_triage.py`): on the bundled set alone, training takes about 1.3 seconds;
on 10,000 messages 5.4 seconds and 299 MB at the peak.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from django.db import models

from mailagent.agents.rules import classify, tone_of
from mailagent.learned.bundled import KEPT_ASIDE, bundled_messages
from mailagent.learned.model import TriageModel, model_read, model_save
from mailagent.learned.scoring import Scores, score_all
from mailagent.learned.training import Labelled, model_train
from mailagent.models import AuditEvent, Draft, InboundEmail, Ticket

log = logging.getLogger(__name__)

CORRECTION_WEIGHT = 3.0
#: Whether the model reads the rules' category beside the text. No: trained on sets the rules were
#: fitted to, a model reading it learns to follow the rules and nothing else: on the 180 messages
#: kept aside, with it, the rules' own 69.4% accuracy and 84.2% high-risk recall exactly; on
#: n-grams alone, 75.6% and 93.4% alone and 73.9% and 89.5% combined with the rules
#: (`bench/eval_triage.py`, 3 December 2026). The rules' answer still comes first (`combine`).
WITH_RULES = False
CORRECTION_ACTIONS = ("ticket.changed", "ticket.corrected")
#: One ticket in this many (by id) is kept aside to score on.
KEPT_ASIDE_EVERY = 5
_APPROVED = (
    Draft.Status.APPROVED,
    Draft.Status.SENDING,
    Draft.Status.SENT,
    Draft.Status.DEFERRED,
    Draft.Status.DELIVERY_UNKNOWN,
)


@dataclass(frozen=True)
class TrainingReport:
    model: TriageModel
    path: Path
    sources: dict[str, int]
    kept_aside: int
    #: The rules alone, the model alone and the combination on the part kept aside.
    scores: list[Scores]
    threshold: float


def with_rules_reading(example: Labelled) -> Labelled:
    """The example with what the rules make of it today: their category, one of the model's
    features."""
    text = "\n".join(filter(None, [example.subject, example.body, example.staff_note]))
    return replace(example, rules_category=classify(text, tone_of(example.body)).value)


def _corrected_tickets() -> dict[int, int]:
    """Ticket id -> the newest event that corrected its category or urgency."""
    events = AuditEvent.objects.filter(action__in=CORRECTION_ACTIONS, ticket__isnull=False)
    newest: dict[int, int] = {}
    for e in events.only("id", "ticket_id", "details"):
        if "category" in str(e.details) or "urgency" in str(e.details):
            newest[e.ticket_id] = max(newest.get(e.ticket_id, 0), e.pk)
    return newest


def _approved_as_drafted_tickets() -> dict[int, int]:
    """Ticket id -> the event that approved its reply as drafted (0 where none is recorded)."""
    drafts = Draft.objects.filter(kind=Draft.Kind.REPLY, status__in=_APPROVED, ticket__isnull=False)
    approved = dict(drafts.values_list("pk", "ticket_id"))
    edits = AuditEvent.objects.filter(action="draft.edited", target_id__in=list(approved))
    edited = set(edits.values_list("target_id", flat=True))
    as_drafted = {draft: ticket for draft, ticket in approved.items() if draft not in edited}
    newest = dict.fromkeys(as_drafted.values(), 0)
    approvals = AuditEvent.objects.filter(action="draft.approved", target_id__in=list(as_drafted))
    for draft, event in approvals.values_list("target_id", "id"):
        ticket = as_drafted[draft]
        newest[ticket] = max(newest[ticket], event)
    return newest


def _labelled_tickets() -> tuple[set[int], dict[int, int]]:
    """The tickets corrected, and every labelled ticket with the newest event that labelled it."""
    corrected = _corrected_tickets()
    labelled = _approved_as_drafted_tickets()
    for ticket, event in corrected.items():
        labelled[ticket] = max(labelled.get(ticket, 0), event)
    return set(corrected), labelled


def _trainable(ids: Iterable[int]) -> models.QuerySet[Ticket]:
    return Ticket.objects.filter(pk__in=ids).exclude(category="").exclude(category="automatic")


def labelled_history_mark() -> int:
    """The newest audit event that labelled a ticket `labelled_history` holds: 0 for none."""
    _corrected, labelled = _labelled_tickets()
    trainable = _trainable(labelled).values_list("pk", flat=True)
    return max((labelled[pk] for pk in trainable), default=0)


def labelled_history() -> list[tuple[int, Labelled]]:
    """(ticket id, labelled message) for every ticket people corrected or approved as drafted."""
    return _history()[0]


def _history() -> tuple[list[tuple[int, Labelled]], int]:
    """The labelled history, and the newest audit event that labelled a ticket of it."""
    corrected, labelled = _labelled_tickets()
    tickets = _trainable(labelled)
    first: dict[int, InboundEmail] = {}
    for email in InboundEmail.objects.filter(ticket__in=tickets).order_by("-received_at"):
        first[email.ticket_id] = email
    out = []
    for ticket in tickets:
        email = first.get(ticket.pk)
        fixed = ticket.pk in corrected
        out.append(
            (
                ticket.pk,
                Labelled(
                    subject=ticket.subject,
                    body=email.body_text if email else "",
                    category=ticket.category,
                    urgency=ticket.urgency or None,
                    high_risk=ticket.risk == "high",
                    source="corrected" if fixed else "approved",
                    weight=CORRECTION_WEIGHT if fixed else 1.0,
                ),
            )
        )
    return out, max((labelled[pk] for pk, _ in out), default=0)


def _previous_version(path: Path) -> int:
    try:
        return model_read(path).version
    except Exception:
        return 0


@dataclass(frozen=True)
class LabelledSets:
    """Everything labelled: what is trained on, the part kept aside, and the newest audit event
    that labelled a ticket among them (`TriageModel.labelled_until`)."""

    train: list[Labelled]
    aside: list[Labelled]
    labelled_until: int


def labelled_sets() -> LabelledSets:
    """The bundled messages and the labelled history, split into what is trained on and the part
    kept aside (the bundled holdout and kept sets, one ticket in `KEPT_ASIDE_EVERY`)."""
    train: list[Labelled] = []
    aside: list[Labelled] = []
    for m in bundled_messages():
        example = Labelled(
            subject=m.subject,
            body=m.text,
            staff_note=m.staff_note,
            category=m.category,
            high_risk=m.high_risk,
        )
        (aside if m.set in KEPT_ASIDE else train).append(example)
    history, labelled_until = _history()
    for ticket_id, example in history:
        (aside if ticket_id % KEPT_ASIDE_EVERY == 0 else train).append(example)
    return LabelledSets(
        [with_rules_reading(e) for e in train],
        [with_rules_reading(e) for e in aside],
        labelled_until,
    )


def model_fitted(
    sets: LabelledSets, *, path: Path, version: int, threshold: float, now: datetime
) -> TrainingReport:
    """A model trained on `sets.train`, with its record, scored on `sets.aside`; not stored."""
    model = model_train(sets.train, version=version, with_rules=WITH_RULES, calibrated_at=threshold)
    scores = score_all(model, sets.aside, threshold=threshold)
    sources = dict(Counter(e.source for e in sets.train))
    model.trained_at = now.isoformat(timespec="seconds")
    model.labelled_until = sets.labelled_until
    model.metrics = {
        "kept_aside": len(sets.aside),
        "threshold": threshold,
        "bar": model.bar,
        "sources": sources,
        **{
            s.name: {"accuracy": round(s.accuracy, 4), "high_risk_recall": s.high_risk_recall}
            for s in scores
        },
    }
    return TrainingReport(model, path, sources, len(sets.aside), scores, threshold)


def model_stored(report: TrainingReport) -> TrainingReport:
    """Store the report's model at its path (whole or not at all: `model.model_save`)."""
    model_save(report.model, report.path)
    log.info(
        "Triage model %s stored at %s (%d messages)",
        report.model.label,
        report.path,
        report.model.training_size,
    )
    return report


def triage_model_train(*, path: Path, threshold: float, now: datetime) -> TrainingReport:
    """Train on everything labelled but the part kept aside, score the rules, the model and the
    two combined on that part, and store the model at `path` with its record."""
    version = _previous_version(path) + 1
    return model_stored(
        model_fitted(labelled_sets(), path=path, version=version, threshold=threshold, now=now)
    )
