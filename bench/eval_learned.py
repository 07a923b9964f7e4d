"""The learned triage's part of `bench/eval_triage.py` (see its docstring for what and why)."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from statistics import mean

from bench.triage_speed import THRESHOLD, bundled_labelled, speeds_lines, triage_speeds
from mailagent.learned.bundled import KEPT_ASIDE, bundled_messages
from mailagent.learned.model import TriageModel
from mailagent.learned.scoring import Scores, context_of, score_all
from mailagent.learned.training import Labelled, model_train
from mailagent.services.triage_training import WITH_RULES, with_rules_reading

ROOT = Path(__file__).resolve().parent.parent
CURVE = (0, 25, 50, 100, 200)
DRAWS = 5
SPEED_ROUNDS = 10


def _print_scores(all_scores: list[Scores]) -> None:
    for scores in all_scores:
        risky = [s for s in scores.scored if s.example.high_risk]
        caught = sum(s.to_person for s in risky)
        print(
            f"  {scores.name:<24} accuracy {scores.accuracy:6.1%}   high-risk recall "
            f"{scores.high_risk_recall:6.1%} ({caught}/{len(risky)})   "
            f"model decided {scores.model_share:4.0%}"
        )
    print(f"\n  {'category':<20}" + "".join(f"{s.name[:22]:>24}" for s in all_scores))
    print(f"  {'':<20}" + f"{'precision  recall':>24}" * len(all_scores))
    tables = [{c: (p, r, n) for c, n, p, r in s.per_category()} for s in all_scores]
    for category in dict.fromkeys(c for t in tables for c in t):
        cells = []
        for table in tables:
            p, r, _n = table.get(category, (0.0, 0.0, 0))
            cells.append(f"{p:>14.0%} {r:>8.0%}")
        support = next((t[category][2] for t in tables if category in t), 0)
        print(f"  {category:<20}" + "".join(f"{c:>24}" for c in cells) + f"   ({support})")


def _curve(rest: list[Labelled], aside: list[Labelled]) -> None:
    print("\n== Learning curve: accuracy kept aside after N corrections drawn from the rest")
    print(f"   (mean of {DRAWS} random draws; the rest holds {len(rest)} messages)\n")
    print(f"  {'N':>5} {'rules + model':>14} {'model alone':>14} {'high-risk recall':>17}")
    for n in CURVE:
        k = min(n, len(rest))
        combined, alone, recall = [], [], []
        for draw in range(DRAWS if k else 1):
            sample = random.Random(draw).sample(rest, k) if k else []
            if len({e.category for e in sample}) < 2:
                scores = score_all(None, aside, threshold=THRESHOLD)
                combined.append(scores[0].accuracy)
                recall.append(scores[0].high_risk_recall)
                alone.append(float("nan"))
                continue
            product = score_all(
                model_train(sample, with_rules=WITH_RULES, calibrated_at=THRESHOLD),
                aside,
                threshold=THRESHOLD,
            )
            combined.append(product[2].accuracy)
            recall.append(product[2].high_risk_recall)
            alone.append(product[1].accuracy)
        label = f"{k}" if k == n else f"{k}*"
        print(f"  {label:>5} {mean(combined):>14.1%} {mean(alone):>14.1%} {mean(recall):>17.1%}")
    print("  (0: the rules alone; * all the rest holds)")


def _untuned_corrections(rest: list[Labelled], aside: list[Labelled]) -> None:
    """Corrections the rules were never fitted to: half of the kept-aside part, as corrections
    (weighing `CORRECTION_WEIGHT`), the model scored on the other half; both halves, five
    shuffles. Nothing is tuned on this; it says what such corrections do to the combination."""
    from mailagent.services.triage_training import CORRECTION_WEIGHT

    rules, combined, changed = [], [], []
    for seed in range(DRAWS):
        order = list(range(len(aside)))
        random.Random(seed).shuffle(order)
        half = len(order) // 2
        for taught, scored in ((order[:half], order[half:]), (order[half:], order[:half])):
            corrections = [replace(aside[i], weight=CORRECTION_WEIGHT) for i in taught]
            scores = score_all(
                model_train(rest + corrections, with_rules=WITH_RULES, calibrated_at=THRESHOLD),
                [aside[i] for i in scored],
                threshold=THRESHOLD,
            )
            rules.append(scores[0].accuracy)
            combined.append(scores[2].accuracy)
            changed.append(scores[2].model_share)
    print(
        f"\n== {len(aside) // 2} corrections from one half of the kept-aside part, scored on the "
        f"other\n   (both halves, {DRAWS} shuffles)\n\n  rules alone {mean(rules):.1%}, "
        f"rules + model {mean(combined):.1%}, answers the model changed {mean(changed):.0%}"
    )


def _speed(model: TriageModel, examples: list[Labelled]) -> None:
    contexts = [context_of(e) for e in examples]
    for name, new in (("each message new", True), ("each seen before", False)):
        print(f"  {name}:")
        for line in speeds_lines(*triage_speeds(contexts, model, rounds=SPEED_ROUNDS, new=new)):
            print(f"    {line}")
    texts = [e.text for e in examples]
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        for example, text in zip(examples, texts, strict=True):
            model.guess(text, example.rules_category)
    per = (time.perf_counter() - start) / (SPEED_ROUNDS * len(texts))
    print(f"  the model's guess alone: {per * 1e3:.3f} ms a message")


def _ten_thousand() -> list[Labelled]:
    """10,000 labelled messages: each a bundled one with a generated message's text appended."""
    from bench.mailgen import varied_mailbox
    from mailagent.parsing.email import parse_email
    from mailagent.types import StaffDirectory

    staff = StaffDirectory.of([], ["acme.example"])
    extra = [p.text for p in (parse_email(r, staff=staff) for r in varied_mailbox(3000))]
    extra = [t for t in extra if t.strip()]
    rest, _aside = bundled_labelled()
    rng = random.Random(10)
    out = []
    for i in range(10_000):
        base = rest[i % len(rest)]
        body = f"{base.body}\n\n{rng.choice(extra)}"
        labelled = Labelled(base.subject, body, base.category, high_risk=base.high_risk)
        out.append(with_rules_reading(labelled))
    return out


def _aside_sets() -> list[tuple[str, int]]:
    """The sets kept aside in the order `bundled_labelled` lists their messages, with sizes."""
    order: dict[str, int] = {}
    for m in bundled_messages():
        if m.set in KEPT_ASIDE:
            order[m.set] = order.get(m.set, 0) + 1
    return list(order.items())


def train_10k_child() -> None:
    examples = _ten_thousand()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    model = model_train(examples, with_rules=WITH_RULES, calibrated_at=THRESHOLD)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "messages": len(examples),
                "seconds": seconds,
                "peak_mb": peak / 1024,
                "before_mb": before / 1024,
                "features": len(model.vocabulary),
                "mean_chars": mean(len(e.text) for e in examples),
            }
        )
    )


def learned_report() -> None:
    rest, aside = bundled_labelled()
    sets = Counter(m.set for m in bundled_messages() if m.set in KEPT_ASIDE)
    print(
        f"\n== Learned triage: trained on the rest ({len(rest)}), scored kept aside ({len(aside)}: "
        + ", ".join(f"{name} {n}" for name, n in sorted(sets.items()))
        + ")"
    )
    print(f"   (confidence threshold {THRESHOLD}; the product's model reads n-grams only)\n")
    start = time.perf_counter()
    model = model_train(rest, with_rules=WITH_RULES, calibrated_at=THRESHOLD)
    print(f"  trained in {time.perf_counter() - start:.2f} s, {len(model.vocabulary):,} features\n")
    _print_scores(score_all(model, aside, threshold=THRESHOLD))
    start_of = 0
    for name, n in _aside_sets():
        part = aside[start_of : start_of + n]
        start_of += n
        print(f"\n  kept aside, {name} only ({n}):")
        for scores in score_all(model, part, threshold=THRESHOLD):
            risky = [x for x in scores.scored if x.example.high_risk]
            caught = sum(x.to_person for x in risky)
            print(
                f"    {scores.name:<22} accuracy {scores.accuracy:6.1%}   high-risk recall "
                f"{scores.high_risk_recall:6.1%} ({caught}/{len(risky)})"
            )
    print("\n  The same with the rules' category as a feature too (what it learns is the rules):\n")
    with_rules = model_train(rest, with_rules=True, calibrated_at=THRESHOLD)
    _print_scores(score_all(with_rules, aside, threshold=THRESHOLD))
    _curve(rest, aside)
    _untuned_corrections(rest, aside)
    print("\n== Speed on one core (the bundled messages, each triaged in turn)\n")
    _speed(model, rest + aside)
    print("\n== Training on 10,000 messages (a process of its own)\n")
    child = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_triage.py"), "--train-10k"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"  {figures['messages']:,} messages (mean {figures['mean_chars']:.0f} characters), "
        f"{figures['features']:,} features: {figures['seconds']:.1f} s, peak memory "
        f"{figures['peak_mb']:.0f} MB (of which {figures['before_mb']:.0f} MB before training)"
    )
