"""Fitting a `TriageModel` with scikit-learn. Imported only to train: triage needs numpy alone.

scikit-learn is a dependency for this module only (`pyproject.toml`): a well-kept library made
for exactly this (TF-IDF, logistic regression with balanced class weights, lbfgs), where a
hand-written optimiser would be code nobody here should maintain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mailagent.learned.features import model_text, ngrams
from mailagent.learned.model import RULES_FEATURE, Head, TriageModel

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
    examples: Sequence[Labelled], *, version: int = 1, with_rules: bool = True
) -> TriageModel:
    """A model fitted on `examples`, reading the rules' category beside the text unless
    `with_rules` is false. The urgency head is trained on the examples that carry an urgency,
    when they hold at least two values; otherwise the model proposes categories only."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len({e.category for e in examples}) < 2:
        raise ValueError("training needs messages of at least two categories")
    # A rare n-gram in a big set is noise and memory; in a small set it may be all there is.
    # float32: half the memory of the matrix, and the same model to four decimals.
    vectorizer = TfidfVectorizer(
        analyzer=ngrams,
        sublinear_tf=True,
        min_df=2 if len(examples) >= 1000 else 1,
        dtype=np.float32,
    )
    x = vectorizer.fit_transform([e.text for e in examples])
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
    rated = [i for i, e in enumerate(examples) if e.urgency]
    urgency = None
    if len({examples[i].urgency for i in rated}) >= 2:
        urgency = _head(x[rated], [examples[i].urgency for i in rated], weights[rated])
    return TriageModel(
        vocabulary={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float64),
        category=category,
        urgency=urgency,
        rules_classes=rules_classes,
        version=version,
        training_size=len(examples),
    )
