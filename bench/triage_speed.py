"""Triage speed on one core: the rules alone against the rules with the learned model, on the
same messages in the same run (shared by bench/triage.py and bench/eval_triage.py).

Triage runs in one thread, numpy's arithmetic too while it measures, and the backends take
turns round by round, so that a busy machine slows each alike and their ratio holds even when the
absolute figures do not.

The policy's concepts (`riskconcepts.concept_risks`), which the rules ask about most messages,
are cached per text, and they are the larger part of the rules' time. Measured "as new", each
pass clears that cache first, as the poller meets every message once; "seen before" keeps it,
as the figures of bench/eval_triage.py were measured until 3 December 2026 (about twice as fast
for the rules alone: 3,200 against 1,600 messages a second on the labelled set).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from mailagent import riskconcepts
from mailagent.agents.rules import RulesBackend
from mailagent.learned.bundled import KEPT_ASIDE, bundled_messages
from mailagent.learned.model import TriageModel
from mailagent.learned.training import Labelled, model_train
from mailagent.services.triage_training import WITH_RULES, with_rules_reading
from mailagent.types import TriageContext

#: The confidence threshold of the product's default (TRIAGE_MODEL_CONFIDENCE).
THRESHOLD = 0.3


def bundled_labelled() -> tuple[list[Labelled], list[Labelled]]:
    """The bundled labelled messages with the rules' reading: the rest, and the part kept aside."""
    rest, aside = [], []
    for m in bundled_messages():
        example = with_rules_reading(
            Labelled(
                subject=m.subject,
                body=m.text,
                staff_note=m.staff_note,
                category=m.category,
                high_risk=m.high_risk,
            )
        )
        (aside if m.set in KEPT_ASIDE else rest).append(example)
    return rest, aside


def bundled_model() -> TriageModel:
    """A model as `train_triage` makes one on a fresh installation: the rest of the bundled set."""
    return model_train(bundled_labelled()[0], with_rules=WITH_RULES, calibrated_at=THRESHOLD)


@dataclass(frozen=True)
class Speed:
    name: str
    #: Messages per second, over every round.
    rate: float

    @property
    def ms(self) -> float:
        return 1e3 / self.rate


@contextmanager
def one_core() -> Iterator[None]:
    """numpy's arithmetic on one thread: with Python's own, the whole triage on one core. (Not
    pinned to one CPU: on a shared machine that would measure the other CPU's load.)"""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def triage_speeds(
    contexts: Sequence[TriageContext], model: TriageModel, *, rounds: int = 10, new: bool = True
) -> tuple[Speed, Speed]:
    """Messages per second of the rules alone and of the rules with `model`, on one core, each
    message read as `new` or as seen before."""
    backends = {
        "rules alone": RulesBackend(),
        f"rules + {model.label}": RulesBackend(learned=model, threshold=THRESHOLD),
    }
    seconds = dict.fromkeys(backends, 0.0)
    with one_core():
        for backend in backends.values():  # warm: caches, the patterns each compiles lazily
            for context in contexts:
                backend.triage(context)
        for _ in range(rounds):
            for name, backend in backends.items():
                if new:
                    riskconcepts.concept_risks.cache_clear()
                started = time.perf_counter()
                for context in contexts:
                    backend.triage(context)
                seconds[name] += time.perf_counter() - started
    count = rounds * len(contexts)
    rules, combined = (Speed(name, count / seconds[name]) for name in backends)
    return rules, combined


def speeds_lines(rules: Speed, combined: Speed) -> list[str]:
    """The two figures and the ratio of the combination's speed to the rules', as printed."""
    return [
        f"{rules.name:<22} {rules.rate:>8,.0f} messages/s ({rules.ms:.3f} ms)",
        f"{combined.name:<22} {combined.rate:>8,.0f} messages/s ({combined.ms:.3f} ms), "
        f"{combined.rate / rules.rate:.2f}x the rules alone (target 2,000 messages/s)",
    ]
