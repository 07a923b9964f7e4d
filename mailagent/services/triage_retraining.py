"""The nightly retrain of the learned triage (scheduled at TRIAGE_RETRAIN_TIME).

A model is trained only when a ticket was labelled (its category or urgency corrected, its reply
approved as drafted) after those the stored model was trained on: each model keeps the newest
audit event that labelled one (`TriageModel.labelled_until`). Nothing new: no training, one line
at INFO.

The new model replaces the stored one only when triage with it does no worse on the part kept
aside than triage with the stored one, both scored on that part as it is now: no lower
high-risk recall, no lower accuracy (a tie replaces it: it has seen more). Otherwise the stored
model stays, the audit trail says why (`triage_model.kept`), and the same history is not tried
again the next night. A stored file that cannot be read is replaced, with a note that there was
nothing to compare with.

The file is written whole or not at all, and the running poller reads the new one from its next
pass over the inbox (`learned.model.model_save`, `learned.store`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from mailagent.learned.model import TriageModel, model_read
from mailagent.learned.scoring import Scores, score_all
from mailagent.models import AuditEvent
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.services.triage_training import (
    TrainingReport,
    labelled_history_mark,
    labelled_sets,
    model_fitted,
    model_stored,
)

log = logging.getLogger(__name__)

RETRAINED = "triage_model.retrained"
KEPT = "triage_model.kept"
#: Of the events that kept a model, how many are read to find this path's latest.
_KEPT_READ = 50


class Retrain(StrEnum):
    OFF = "off"
    NOTHING_NEW = "nothing new"
    REPLACED = "replaced"
    KEPT = "kept"


@dataclass(frozen=True)
class RetrainReport:
    outcome: Retrain
    #: In words, as logged and audited.
    reason: str
    training: TrainingReport | None = None


def triage_model_retrain(*, path: Path | str, threshold: float, now: datetime) -> RetrainReport:
    """Retrain the model stored at `path` if a ticket was labelled since it was trained, and
    store the new one unless it does worse on the part kept aside."""
    if not path:
        return _said(Retrain.OFF, "TRIAGE_MODEL_PATH is empty: there is no model to retrain")
    path = Path(path)
    current = _readable(path)
    seen = max(current.labelled_until if current else 0, _tried_until(path))
    if labelled_history_mark() <= seen:
        since = f"{current.label} was trained" if current else "the last retrain"
        return _said(
            Retrain.NOTHING_NEW, f"no ticket corrected or approved as drafted since {since}"
        )
    sets = labelled_sets()
    version = (current.version if current else 0) + 1
    report = model_fitted(sets, path=path, version=version, threshold=threshold, now=now)
    new = report.scores[-1]
    if current is None:
        return _replaced(report, "no readable model to compare with")
    old = score_all(current, sets.aside, threshold=threshold)[-1]
    worse = _worse(new, old)
    if worse:
        reason = (
            f"kept {current.label}: {report.model.label} would do worse on the "
            f"{report.kept_aside} messages kept aside ({worse})"
        )
        audit_record(
            action=KEPT,
            actor=SYSTEM,
            summary=f"Triage model {reason}",
            path=str(path),
            kept=current.label,
            labelled_until=sets.labelled_until,
            **_figures(new=new, old=old),
        )
        return _said(Retrain.KEPT, reason, report)
    return _replaced(report, f"it does as well or better than {current.label}", old=old)


def _replaced(report: TrainingReport, why: str, *, old: Scores | None = None) -> RetrainReport:
    model_stored(report)
    new = report.scores[-1]
    reason = (
        f"{report.model.label} trained on {report.model.training_size} messages replaces the "
        f"stored model: {why} (accuracy kept aside {new.accuracy:.1%})"
    )
    audit_record(
        action=RETRAINED,
        actor=SYSTEM,
        summary=f"Triage model {reason}",
        path=str(report.path),
        model=report.model.label,
        training_size=report.model.training_size,
        labelled_until=report.model.labelled_until,
        **_figures(new=new, old=old),
    )
    return _said(Retrain.REPLACED, reason, report)


#: Messages kept aside that a new model may get wrong beyond the stored one's and still replace
#: it: one. A model taught one more correction moves some of its other answers, and on a couple
#: of hundred messages one answer either way is noise. With no margin, a team's corrections could
#: wait night after night for a retrain that happens to tie. High-risk recall has no margin.
ACCURACY_MARGIN = 1


def _worse(new: Scores, old: Scores) -> str:
    """How `new` does worse than `old`, in words; "" when it does not (see ACCURACY_MARGIN)."""
    if new.high_risk_recall < old.high_risk_recall:
        return f"high-risk recall {new.high_risk_recall:.1%} against {old.high_risk_recall:.1%}"
    right = sum(s.predicted == s.example.category for s in new.scored)
    before = sum(s.predicted == s.example.category for s in old.scored)
    if right < before - ACCURACY_MARGIN:
        return f"accuracy {new.accuracy:.1%} against {old.accuracy:.1%}"
    return ""


def _figures(*, new: Scores, old: Scores | None) -> dict:
    figures = {"accuracy": round(new.accuracy, 4), "high_risk_recall": new.high_risk_recall}
    if old is not None:
        figures |= {
            "accuracy_before": round(old.accuracy, 4),
            "high_risk_recall_before": old.high_risk_recall,
        }
    return figures


def _said(outcome: Retrain, reason: str, report: TrainingReport | None = None) -> RetrainReport:
    log.info("Triage model retrain: %s", reason)
    return RetrainReport(outcome, reason, report)


def _readable(path: Path) -> TriageModel | None:
    try:
        return model_read(path)
    except Exception:
        # Missing, corrupt, another format: nothing to keep (triage warns about it already).
        return None


def _tried_until(path: Path) -> int:
    """The history a retrain already tried at `path` and kept the stored model over."""
    events = AuditEvent.objects.filter(action=KEPT).order_by("-id")[:_KEPT_READ]
    return max(
        (
            int(e.details.get("labelled_until", 0))
            for e in events.only("details")
            if e.details.get("path") == str(path)
        ),
        default=0,
    )
