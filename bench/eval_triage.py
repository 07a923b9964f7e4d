"""Quality and speed of triage on the labelled evaluation sets: the rules, the learned model, the
two combined.

    .venv/bin/python bench/eval_triage.py            # everything (about a minute)
    .venv/bin/python bench/eval_triage.py --rules    # the rules part only

For each of the three labelled sets (the original set, the tuning set the rules were improved on,
and the holdout set scored only at the end), prints per-category precision, recall and support,
overall accuracy, high-risk recall (every high-risk message must reach a person without a draft),
the benign messages escalated anyway, the misclassified files; then how fast the backend runs
(parse + triage + policy per message). The sets and their scoring live in tests/eval_set.py,
shared with tests/agents/test_triage_quality.py.

Then the learned triage (`mailagent/learned`), on the bundled copy of the same sets: trained on
the original and tuning sets ("the rest", 190 messages), scored on the holdout set ("kept aside",
64 messages, 32 of them high risk), for the rules alone, the model alone and the combination
(`RulesBackend` with the model), each with accuracy, high-risk recall and per-category precision
and recall; both for the product's model (n-grams and the rules' category as a feature) and for
one on n-grams only. A learning curve: accuracy kept aside after 0, 25, 50, 100 and 190
corrections drawn at random from the rest (the mean of five draws; the rest holds 190, not 200);
then corrections the rules were never fitted to: one half of the kept-aside part taught, the
other scored.
Speed on one core: rules alone against the combination, messages per second, each message read
as new and as seen before (`bench/triage_speed.py`, shared with bench/triage.py). And training on
10,000 messages (each a bundled message with a generated one appended, `bench/mailgen.py`, so that
length and vocabulary are those of real mail): seconds and peak memory, in a process of its own.

No public labelled set of customer-support or business email could be had here: only package
registries are reachable, and none of their packages ships one (`enron-reader` reads the Enron
corpus, it does not carry it, and the Enron mail is not labelled for these categories). So the
honest set is the product's own: the holdout part was written before the rules were last improved
and scored once, and nothing here is tuned on it. Its weakness: the rest is the set the rules were
fitted to (the rules score 99% there), so a model trained on it learns mostly to follow the rules;
what it learns from real corrections the curve can only hint at.

Measured on a shared two-core machine (load about 3), 3 December 2026:

- kept aside (64): rules alone 79.7%, high-risk recall 96.9% (31/32); the product's model alone
  and the combination the same, 79.7% and 96.9% (it learned to follow the rules, and at the 0.6
  threshold it changed no answer); a model on n-grams only 71.9% alone, and no answer changed in
  combination either. Targets of issue 16 not met here: 90% accuracy and 100% high-risk recall for
  the combination (the one high-risk message missed is missed by the rules and the model alike).
- learning curve (combination, n-grams alone): 0: 79.7%; 25: 79.7%, 34.7%; 50: 79.7%, 39.1%;
  100: 79.7%, 59.1%; 190: 79.7%, 71.9%. The model alone rises with every correction; the
  combination stays at the rules' figure, as corrections drawn from the set the rules were fitted
  to agree with the rules.
- 32 corrections from one half of the kept-aside part, scored on the other (both halves, five
  shuffles, nothing tuned): rules alone 79.7%, combination 79.7%, no answer changed. Reading the
  rules' category, the model learns a pattern people correct again and again (the tests teach
  it catering requests) but not yet from a few dozen varied corrections.
- speed on one core: rules alone 3,205 messages/s, the combination 2,734 messages/s (target
  2,000); the model's guess 0.1 ms a message. Those figures read each message again and again,
  the policy's concepts cached from the first round. Read as new, as the poller meets each
  message (`bench/triage_speed.py`, 3 December 2026, load about 1.5): rules alone 1,563
  messages/s, the combination 1,175 (0.75x): the target of 2,000 is not met; seen before, 3,247
  and 1,991 (0.61x). The model's guess 0.15 ms a message.
- training on 10,000 messages (mean 541 characters): 5.4 s, peak memory 299 MB for the whole
  process, 202 MB of it before training (targets: a minute, 500 MB).
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
    if "--train-10k" in sys.argv:
        from bench.eval_learned import train_10k_child

        train_10k_child()
        return
    for title, folder in SETS:
        report = run(folder=folder)
        print(f"== {title} ({folder.name}): {len(report.outcomes)} messages\n")
        print_table(report)
        print_errors(report)
        print()
    print_speed()
    if "--rules" not in sys.argv:
        from bench.eval_learned import learned_report

        learned_report()


if __name__ == "__main__":
    main()
