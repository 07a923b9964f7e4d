"""Quality and speed of the rules triage backend on the labelled evaluation set.

    .venv/bin/python bench/eval_triage.py

For each of the three labelled sets (the original set, the tuning set the rules were improved on,
and the holdout set scored only at the end), prints per-category precision, recall and support,
overall accuracy, high-risk recall (every high-risk message must reach a person without a draft),
the benign messages escalated anyway, the misclassified files; then how fast the backend runs
(parse + triage + policy per message). The sets and their scoring live in tests/eval_set.py,
shared with tests/agents/test_triage_quality.py.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from mailagent.agents.rules import RulesBackend  # noqa: E402
from tests.eval_set import (  # noqa: E402
    EVAL_DIR,
    HOLDOUT_DIR,
    TUNE_DIR,
    Report,
    describe,
    load_examples,
    run,
    triage_context,
)

SPEED_ROUNDS = 20


def print_table(report: Report) -> None:
    print(f"{'category':<20} {'precision':>9} {'recall':>7} {'support':>8} {'predicted':>10}")
    for score in report.per_category():
        print(
            f"{score.category.value:<20} {score.precision:>9.0%} {score.recall:>7.0%} "
            f"{score.support:>8} {score.predicted:>10}"
        )
    total = len(report.outcomes)
    right = sum(o.correct for o in report.outcomes)
    print(f"\naccuracy: {report.accuracy:.1%} ({right}/{total})")
    risky = report.high_risk
    routed = sum(o.routed_to_person for o in risky)
    print(f"high-risk recall: {report.high_risk_recall:.1%} ({routed}/{len(risky)} to a person)")
    over = report.over_escalated
    benign = sum(not o.example.high_risk and not o.parsed.is_automatic for o in report.outcomes)
    print(f"escalated although not high risk: {len(over)}/{benign} ({len(over) / benign:.1%})")
    for o in over:
        print(f"  {o.example.file}: {'; '.join(o.assessment.reasons[1:])}")


def print_errors(report: Report) -> None:
    missed = report.missed_high_risk
    if missed:
        print("\nHIGH-RISK MESSAGES THAT WOULD GET A DRAFT:")
        for o in missed:
            print(f"  {describe(o)}")
    print(f"\nmisclassified ({len(report.misclassified)}):")
    for o in report.misclassified:
        print(f"  {describe(o)}")


def print_speed() -> None:
    """The rules backend alone, on contexts parsed once; then the whole path per message."""
    examples = load_examples()
    backend = RulesBackend()
    from mailagent.parsing.email import parse_email
    from tests.eval_set import STAFF

    parsed = [parse_email(e.raw, staff=STAFF) for e in examples]
    contexts = [triage_context(p) for p in parsed if not p.is_automatic]
    timings = []
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        for context in contexts:
            t = time.perf_counter()
            backend.triage(context)
            timings.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    print(
        f"\nrules backend: {len(timings) / elapsed:,.0f} messages/s, "
        f"median {median(timings) * 1000:.3f} ms per message "
        f"({len(contexts)} messages x {SPEED_ROUNDS} rounds)"
    )
    report = run(examples)
    per_message = report.seconds_per_message()
    print(
        f"parse + triage + policy: {len(per_message) / sum(per_message):,.0f} messages/s, "
        f"median {report.median_ms():.2f} ms per message"
    )


SETS = (("Original set", EVAL_DIR), ("Tuning set", TUNE_DIR), ("Holdout set", HOLDOUT_DIR))


def main() -> None:
    for title, folder in SETS:
        report = run(folder=folder)
        print(f"== {title} ({folder.name}): {len(report.outcomes)} messages\n")
        print_table(report)
        print_errors(report)
        print()
    print_speed()


if __name__ == "__main__":
    main()
