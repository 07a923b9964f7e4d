"""Quality and speed of triage on the labelled evaluation sets: the rules, the learned model, the
two combined.

    .venv/bin/python bench/eval_triage.py            # everything (about a minute)
    .venv/bin/python bench/eval_triage.py --rules    # the rules part only

For each labelled set (the original set, the tuning set the rules were improved on, the
holdout set scored only at the end, the pool set written later as a team's corrections, on which
the risk concepts were improved, and the kept-aside set written with it and never looked at),
prints per-category precision, recall and support, overall accuracy, high-risk recall (every
high-risk message must reach a person without a draft), the benign messages escalated anyway,
the misclassified files (not for the kept-aside set: figures only); then how fast the backend
runs (parse + triage + policy per message). The sets and their scoring live in
tests/eval_set.py, shared with tests/agents/test_triage_quality.py.

Then the learned triage (`mailagent/learned`), on the bundled copy of the same sets (machine
mail left out): trained on the original, tuning, pool and training sets ("the rest", 2,283
messages), scored on the holdout and kept-aside sets ("kept aside", 180 messages, 76 of them high
risk; and each apart), for the rules alone, the model alone and the combination (`RulesBackend`
with the model: `learned.combine`), each with accuracy, high-risk recall and per-category
precision and recall;
the product's model reads n-grams only, and one that also reads the rules' category is shown
beside it. A learning curve: accuracy kept aside after 0, 25, 50, 100 and 200 corrections drawn
at random from the rest (the mean of five draws); then corrections the rules were never fitted
to: one half of the kept-aside part taught, the other scored.
Speed on one core: rules alone against the combination, messages per second, each message read
as new and as seen before (`bench/triage_speed.py`, shared with bench/triage.py). And training on
10,000 messages (each a bundled message with a generated one appended, `bench/mailgen.py`, so that
length and vocabulary are those of real mail): seconds and peak memory, in a process of its own.

No public labelled set of customer-support or business email could be had here: only package
registries are reachable, and none of their packages ships one (`enron-reader` reads the Enron
corpus, it does not carry it, and the Enron mail is not labelled for these categories). So the
honest sets are the product's own, and the largest part kept aside (tests/fixtures/eval_kept,
126 messages, 44 high risk) was written by another hand than the rules' and scored, never read.

Measured on a shared two-core machine, 3 December 2026 (the evening), after six more training
sets (tests/fixtures/eval_train2 to eval_train7, 1,800 messages by six more hands, none of whom
read the rules) joined the rest, each model was given its own bar and raise share by
cross-validation when trained (learned/training.py `bar_chosen`), and the rules and the risk
words were improved on the new sets' misses:

- kept aside (180), trained on the rest (2,283): rules alone 72.2% and high-risk recall 86.8%
  (66/76); the model alone 87.8% and 97.4%; the combination 87.8% and 97.4% (74/76). With
  1,743 in the rest (before eval_train6 and 7): 86.7% and 96.1% (73/76); with 1,193: 87.2% and
  92.1%; with 653 (the morning): 85.0% and 92.1%. Targets of issue 16 not met: 90% accuracy and
  100% high-risk recall.
- learning curve (1,743 in the rest; combination, model alone, high-risk recall): 0: 72.2%, -,
  86.8%; 25: 72.0%, 21.3%, 86.8%; 50: 72.6%, 28.9%, 87.1%; 100: 72.6%, 39.0%, 87.4%; 200:
  72.9%, 54.4%, 87.6%; all 1,743: 86.7%. Before each model chose its own bar, a few dozen
  corrections cost accuracy (25: 69.7% against the rules' 72.2%); now the rules decide until
  the model shows out of fold that it does better.
- 90 corrections from one half of the kept-aside part, scored on the other (both halves, five
  shuffles, nothing tuned; 1,743 in the rest): rules alone 72.2%, combination 86.3%, 20% of
  answers changed.
- The product's bars (TRIAGE_MODEL_CONFIDENCE 0.3, WHERE_RULES_FALL_BACK 0.25), C = 10 and
  character 4-grams were checked again by five-fold cross-validation on the 1,743: they stay
  the best (86.9% out of fold; thresholds 0.15 to 0.4, C 3 and 30, 3- to 5-grams all lower).
- speed on one core, each message new, the labelled set (122 triaged), alternating with the
  morning's code in one run: the combination 1,812/2,276/1,989 messages/s against
  1,329/1,564/1,673 (1.19x to 1.46x), the rules alone 2,930/3,681/3,218 against
  2,452/2,689/2,919: the literal prefilter finds its words in one Aho-Corasick pass, and the
  model keeps each word's features. On the whole bundle (1,923 messages, longer), under load:
  rules alone 1,593, the combination 1,191 (0.75x); the target of 2,000 messages/s for the
  combination is met on the labelled set on a quiet machine only.
- training on 10,000 messages: 41 s and 407 MB at the peak (targets: a minute, 500 MB); the
  vocabulary is capped at 60,000 n-grams and cross-validation reads 3,000 of the messages.
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
    FIXTURES,
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


SETS = (
    ("Original set", EVAL_DIR),
    ("Tuning set", TUNE_DIR),
    ("Holdout set", HOLDOUT_DIR),
    ("Pool set (corrections; the risk concepts were improved on it)", FIXTURES / "eval_pool"),
    ("Kept-aside set (never looked at)", FIXTURES / "eval_kept"),
)


def main() -> None:
    if "--train-10k" in sys.argv:
        from bench.eval_learned import train_10k_child

        train_10k_child()
        return
    for title, folder in SETS:
        report = run(folder=folder)
        print(f"== {title} ({folder.name}): {len(report.outcomes)} messages\n")
        print_table(report)
        if folder.name != "eval_kept":  # figures only: once read, it measures nothing
            print_errors(report)
        print()
    print_speed()
    if "--rules" not in sys.argv:
        from bench.eval_learned import learned_report

        learned_report()


if __name__ == "__main__":
    main()
