"""Fitting a `TriageModel` with scikit-learn. Imported only to train: triage needs numpy alone.

scikit-learn is a dependency for this module only (`pyproject.toml`): a well-kept library made
for exactly this (TF-IDF, logistic regression with balanced class weights, lbfgs), where a
hand-written optimiser would be code nobody here should maintain.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mailagent.learned.combine import RAISE_SHARE
from mailagent.learned.features import model_text, ngrams
from mailagent.learned.model import HIGH, RULES_FEATURE, Head, TriageModel

#: Inverse regularisation strength. Chosen on the tuning set, not on the part kept aside.
C = 10.0


@dataclass(frozen=True)
class Labelled:
    """One message a person (or the bundled set) gave a category, and maybe an urgency."""

    subject: str
    body: str  # the customer's new text
    category: str
    urgency: str | None = None
    high_risk: bool = False
    #: "bundled", "approved" (approved as drafted), "corrected" (a person changed the triage).
    source: str = "bundled"
    #: A correction says more than a default nobody changed: it weighs more.
    weight: float = 1.0
    staff_note: str = ""
    #: What the rules answer for it today (`agents.rules.classify`): one of the model's features.
    rules_category: str = ""

    @property
    def text(self) -> str:
        """What the model reads of it (`features.model_text`)."""
        return model_text(subject=self.subject, text=self.body, staff_note=self.staff_note)


def _head(x, labels: Sequence[str], weights: np.ndarray) -> Head:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=1000)
    # One BLAS thread: on a busy two-core machine more made the fit ten times slower (4.4 s
    # against 0.37 s on the bundled set), fighting the poller for the cores.
    with threadpool_limits(limits=1):
        classifier.fit(x, list(labels), sample_weight=weights)
    return Head(
        classes=tuple(str(c) for c in classifier.classes_),
        weights=np.ascontiguousarray(classifier.coef_.T),
        bias=classifier.intercept_.copy(),
    )


def model_train(
    examples: Sequence[Labelled],
    *,
    version: int = 1,
    with_rules: bool = True,
    calibrated_at: float | None = None,
) -> TriageModel:
    """A model fitted on `examples`, reading the rules' category beside the text unless
    `with_rules` is false. The urgency head is trained on the examples that carry an urgency,
    when they hold at least two values; otherwise the model proposes categories only.

    `calibrated_at`: the confidence threshold triage will use (TRIAGE_MODEL_CONFIDENCE); the
    model's own bar (`TriageModel.bar`) is then chosen by cross-validation on `examples`
    (`bar_chosen`), as `train_triage` does. Without it the bar is 0: the threshold alone."""
    model = _fitted(examples, version=version, with_rules=with_rules)
    if calibrated_at is not None:
        model.bar, model.raise_share, model.risk_bar, model.calibration = bar_chosen(
            examples, with_rules=with_rules, threshold=calibrated_at
        )
    return model


#: The bars cross-validation chooses among: 0 leaves the product's thresholds as they are, 1
#: keeps the model from proposing any category (it may still raise a risk).
BARS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: Folds of the cross-validation: five, three from LARGE_SET messages. Measured on the bundled
#: set (1,743 to train on): three folds choose the same bar and share as five, and training with
#: its calibration takes 8 s instead of 13; training on 10,000 must stay well under a minute.
FOLDS, LARGE_FOLDS, LARGE_SET = 5, 3, 1000
#: The most examples the cross-validation reads, drawn at random from a larger training set:
#: on 10,000 messages, calibrating on all of them took training from 19 s to 120 s (under load;
#: target a minute); on 3,000 of them, 41 s in all.
CALIBRATION_SAMPLE = 3000


#: The shares of belief on the high-risk categories at which a model may raise a risk, that
#: cross-validation chooses among (`combine.RAISE_SHARE` is the default), and one above 1: never.
RAISE_SHARES = (0.3, 0.35, 0.45, 0.55, 0.65)
NEVER = 2.0
#: What a high-risk message a raise catches is worth, in benign messages it sends to a person
#: needlessly: a draft on a refund or a bank change costs far more than a person's minute.
CATCH_WORTH = 4
#: The probabilities of "high" at which the risk head may send a message to a person, that
#: cross-validation chooses among (and NEVER). Measured out of fold on the ten trainable sets
#: (2,293 messages, 650 high risk; leave one set out), on top of the combination as it was:
#: 0.8 caught 4 more high-risk messages for 2 more benign ones sent to a person, 0.7 11 for 10,
#: 0.6 16 for 27, 0.5 18 for 57 (of 625 caught and 119 sent needlessly without it). The
#: raise share alone, at its lowest useful bar, caught 6 more for 78 more.
RISK_BARS = (0.5, 0.6, 0.7, 0.8, 0.9)


def bar_chosen(
    examples: Sequence[Labelled], *, with_rules: bool, threshold: float
) -> tuple[float, float, float, dict[str, float]]:
    """The least confidence at which this training set's model should replace the rules'
    category, the share at which it may raise a risk (NEVER: not at all), the probability at
    which its risk head sends a message to a person (NEVER: not at all), and the
    cross-validated figures they were chosen on.

    A model trained on a few dozen corrections is sure of things it has barely seen: measured
    on the labelled sets, 25 corrections gave a model alone right 24% of the time, and the
    combination at the product's threshold fell below the rules alone (69.7% against 72.2%).
    So each example is guessed by a model trained on the other folds, the combination
    (`combine.combined`, with the policy's checks) is scored at each of BARS over those guesses,
    and the best bar is kept (the lowest of equals). At that bar, each of RAISE_SHARES is
    scored by what its raises do beyond the rules and the policy: each high-risk message it
    sends to a person that would have got a draft counts CATCH_WORTH, each benign one it sends
    there needlessly costs one. The best share is kept (the lowest of equals); none, when no
    share catches anything (a few dozen corrections spread their belief thin, and a share on
    refunds is noise). The risk head's bar is scored the same way, at that bar and share, on
    what it sends to a person that nothing else did (the highest of equals; none, when it is
    worth nothing). Examples without the rules' reading are not scored; with fewer than two
    per fold, the bar is 1 and nothing is raised: the rules decide."""
    from mailagent import policy
    from mailagent.learned.combine import combined
    from mailagent.types import Category, Tier, Urgency

    scored = [e for e in examples if e.rules_category in Category._value2member_map_]
    if len(scored) > CALIBRATION_SAMPLE:
        # Bounded: what a bar is worth shows on a few thousand messages as well as on all.
        scored = random.Random(0).sample(scored, CALIBRATION_SAMPLE)
    folds = LARGE_FOLDS if len(scored) >= LARGE_SET else FOLDS
    if len(scored) < 2 * folds:
        return 1.0, NEVER, NEVER, {}
    order = list(range(len(scored)))
    random.Random(0).shuffle(order)
    fold_of = {i: n % folds for n, i in enumerate(order)}
    guesses = {}
    for fold in range(folds):
        train = [e for i, e in enumerate(scored) if fold_of[i] != fold]
        if len({e.category for e in train}) < 2:
            return 1.0, NEVER, NEVER, {}
        model = _fitted(train, version=0, with_rules=with_rules)
        for i, e in enumerate(scored):
            if fold_of[i] == fold:
                guesses[i] = model.guess(e.text, e.rules_category)

    texts = ["\n".join(p for p in (e.subject, e.staff_note, e.body) if p) for e in scored]

    def choices(bar: float, share: float) -> list[Category]:
        return [
            combined(
                rules_category=Category(e.rules_category),
                rules_urgency=Urgency.NORMAL,
                guess=guesses[i],
                label="model",
                threshold=threshold,
                risk_text=texts[i],
                floor=bar,
                raise_share=share,
            ).category
            for i, e in enumerate(scored)
        ]

    figures: dict[str, float] = {}
    for bar in BARS:
        on = choices(bar, RAISE_SHARE)
        right = sum(c.value == e.category for c, e in zip(on, scored, strict=True))
        figures[f"{bar:.1f}"] = round(right / len(scored), 4)
    best = max(BARS, key=lambda bar: (figures[f"{bar:.1f}"], -bar))
    off = choices(best, NEVER)
    # Drafted but for the raise: neither the category the rules and the model chose without
    # it nor the text is high risk to the policy.
    drafted = [
        policy.CATEGORY_TIERS.get(c, Tier.MEDIUM) is not Tier.HIGH and not policy.text_risks(t)
        for c, t in zip(off, texts, strict=True)
    ]
    worth = {}
    for share in RAISE_SHARES:
        caught = needless = 0
        for i, c in enumerate(choices(best, share)):
            if c != off[i] and drafted[i]:
                caught += scored[i].high_risk
                needless += not scored[i].high_risk
        worth[share] = (CATCH_WORTH * caught - needless, caught)
        figures[f"raise {share}"] = float(worth[share][0])
    share = max(RAISE_SHARES, key=lambda s: (worth[s][0], -s))
    share = share if worth[share][1] else NEVER
    # Still drafted with the bar and share chosen: what the risk head alone would send on.
    kept = [d and c == o for d, c, o in zip(drafted, choices(best, share), off, strict=True)]
    flags = {}
    for bar in RISK_BARS:
        caught = needless = 0
        for i, e in enumerate(scored):
            if kept[i] and guesses[i].risk >= bar:
                caught += e.high_risk
                needless += not e.high_risk
        flags[bar] = CATCH_WORTH * caught - needless
        figures[f"risk {bar}"] = float(flags[bar])
    risk_bar = max(RISK_BARS, key=lambda b: (flags[b], b))
    return best, share, risk_bar if flags[risk_bar] > 0 else NEVER, figures


def _vocabulary(texts: Sequence[str], *, min_df: int) -> list[str]:
    """The n-grams held by at least `min_df` of the texts, at most MAX_FEATURES of them (those
    held by the most), sorted, as the vectorizer numbers them.

    Memory: what training costs at its peak is the optimiser's, which keeps ten earlier steps
    of every weight (L-BFGS: 2 x 10 x features x classes numbers). Measured on 10,000 messages
    (103,093 n-grams held twice): 521 MB at the peak, 280 MB before the fit; with the 60,000
    held by the most, 407 MB and 41 s (targets 500 MB, a minute). The bundled set (2,283
    messages, 33,475 n-grams held twice) holds far fewer, so its model is unchanged. Counted by
    hash: a million word pairs seen once weigh a third of what their strings would (two
    n-grams sharing a 64-bit hash would at worst keep a rare one)."""
    held: Counter[int] = Counter()
    for text in texts:
        held.update({hash(g) for g in ngrams(text)})
    kept = {g for text in texts for g in ngrams(text) if held[hash(g)] >= min_df}
    if len(kept) > MAX_FEATURES:
        kept = set(sorted(kept, key=lambda g: (-held[hash(g)], g))[:MAX_FEATURES])
    return sorted(kept)


#: The most n-grams a model reads (`_vocabulary`).
MAX_FEATURES = 60_000


def _fitted(examples: Sequence[Labelled], *, version: int, with_rules: bool) -> TriageModel:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len({e.category for e in examples}) < 2:
        raise ValueError("training needs messages of at least two categories")
    # A rare n-gram in a big set is noise and memory; in a small set it may be all there is.
    # float32: half the memory of the matrix, and the same model to four decimals.
    texts = [e.text for e in examples]
    vectorizer = TfidfVectorizer(
        analyzer=ngrams,
        sublinear_tf=True,
        vocabulary=_vocabulary(texts, min_df=2 if len(examples) >= 1000 else 1),
        dtype=np.float32,
    )
    x = vectorizer.fit_transform(texts)
    rules_classes: tuple[str, ...] = ()
    if with_rules:
        rules_classes = tuple(sorted({e.rules_category for e in examples if e.rules_category}))
        rows = [i for i, e in enumerate(examples) if e.rules_category in rules_classes]
        cols = [rules_classes.index(examples[i].rules_category) for i in rows]
        onehot = sparse.csr_matrix(
            ([RULES_FEATURE] * len(rows), (rows, cols)),
            shape=(len(examples), len(rules_classes)),
            dtype=np.float32,
        )
        x = sparse.hstack([x, onehot], format="csr")
    weights = np.array([e.weight for e in examples])
    category = _head(x, [e.category for e in examples], weights)
    risk = None
    if len({e.high_risk for e in examples}) == 2:
        risk = _head(x, [HIGH if e.high_risk else "not" for e in examples], weights)
    rated = [i for i, e in enumerate(examples) if e.urgency]
    urgency = None
    if len({examples[i].urgency for i in rated}) >= 2:
        urgency = _head(x[rated], [examples[i].urgency for i in rated], weights[rated])
    return TriageModel(
        vocabulary={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float64),
        category=category,
        urgency=urgency,
        risk=risk,
        rules_classes=rules_classes,
        version=version,
        training_size=len(examples),
    )
