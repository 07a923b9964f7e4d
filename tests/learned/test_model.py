"""The stored model answers exactly as scikit-learn's fitted vectorizer and regressions would, and
reads back from its file as it was written."""

from __future__ import annotations

import numpy as np
import pytest

from mailagent.learned.features import ngrams
from mailagent.learned.model import model_read, model_save
from mailagent.learned.training import Labelled, model_train

MESSAGES = [
    ("Refund please", "I want my money back for the broken kettle.", "refund_request"),
    ("Money back", "Please refund the order, it never arrived.", "refund_request"),
    ("Price list", "How much are 500 paper cups? Do you offer a discount?", "sales_inquiry"),
    ("Quote", "Could you quote for 2,000 napkins delivered monthly?", "sales_inquiry"),
    ("Invoice", "Can you resend invoice INV-1042? I cannot find it.", "invoice_question"),
    ("Statement", "What is still outstanding on our account?", "invoice_question"),
]


def examples() -> list[Labelled]:
    return [
        Labelled(subject=s, body=b, category=c, urgency="high" if i % 2 else "normal")
        for i, (s, b, c) in enumerate(MESSAGES)
    ]


def test_stored_model_gives_scikit_learns_probabilities():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train = examples()
    model = model_train(train, with_rules=False)
    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True)
    x = vectorizer.fit_transform([e.text for e in train])
    classifier = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
    classifier.fit(x, [e.category for e in train])
    for text in ["refund the kettle", "a quote for cups", "invoice resend please", "zzz"]:
        expected = classifier.predict_proba(vectorizer.transform([text]))[0].max()
        assert model.guess(text).category_confidence == pytest.approx(expected, abs=1e-4)


def test_the_stored_model_counts_the_features_as_the_vectorizer_does(monkeypatch):
    """The model looks a word's features up once and keeps them (`TriageModel._counts`); the
    counts must stay those of `ngrams`: a word repeated, a pair repeated, a 4-gram two words
    share, a word the model never saw, and after the kept words are dropped (a full cache)."""
    from collections import Counter

    from mailagent.learned import model as model_module

    monkeypatch.setattr(model_module, "WORDS_KEPT", 3)
    model = model_train(examples(), with_rules=False)
    texts = [
        "refund refund the kettle, the kettle please",
        "quote quote quote for cups and cupsets",
        "zzzz unknown words only",
        "",
        "resend invoice inv-1042 resend invoice inv-1042",
    ]
    for text in texts * 2:
        index, tf = model._counts(text)
        grams = Counter(ngrams(text))
        expected = {model.vocabulary[g]: n for g, n in grams.items() if g in model.vocabulary}
        assert dict(zip(index.tolist(), tf.tolist(), strict=True)) == expected
    assert len(model._words) <= 3


def test_model_reads_back_from_its_file_as_written(tmp_path):
    model = model_train(examples(), version=4)
    model.metrics = {"rules alone": {"accuracy": 0.8}}
    model.bar, model.raise_share, model.calibration = 0.6, 0.45, {"0.0": 0.5, "0.6": 0.7}
    path = tmp_path / "model.npz"
    model_save(model, path)
    again = model_read(path)
    assert (again.version, again.training_size, again.metrics) == (4, 6, model.metrics)
    assert (again.bar, again.raise_share, again.calibration) == (0.6, 0.45, model.calibration)
    for e in examples():
        a, b = model.guess(e.text, "other"), again.guess(e.text, "other")
        assert (a.category, a.urgency) == (b.category, b.urgency)
        assert np.isclose(a.category_confidence, b.category_confidence)


def _with_risk() -> list[Labelled]:
    """Threats marked high risk beside everyday questions: enough for a risk head."""
    threats = [
        "We will report you to trading standards unless this is fixed.",
        "Our lawyer will be in touch about the damage to our kitchen.",
        "Pay this week or we take it to the small claims court.",
    ]
    everyday = [
        "Could you resend invoice 1042?",
        "Do you deliver on Fridays?",
        "How much is a case of cups?",
    ]
    return [
        Labelled(subject="Order", body=b, category="complaint", high_risk=True) for b in threats
    ] + [Labelled(subject="Order", body=b, category="support_question") for b in everyday]


def test_the_risk_head_reads_back_with_its_bar_and_an_older_file_has_none(tmp_path):
    model = model_train(_with_risk())
    assert model.risk is not None and model.risk.classes == ("high", "not")
    model.risk_bar = 0.65
    path = tmp_path / "model.npz"
    model_save(model, path)
    again = model_read(path)
    assert again.risk_bar == 0.65
    threat = "We will report you to trading standards about the damage."
    assert np.isclose(again.guess(threat).risk, model.guess(threat).risk)
    assert model.guess(threat).risk > model.guess("Do you deliver on Fridays?").risk
    # A file written before the risk head (no risk arrays, no bar) sends nobody to a person.
    model.risk, model.risk_bar = None, 2.0
    model_save(model, path)
    older = model_read(path)
    assert older.risk is None and older.risk_bar > 1 and older.guess(threat).risk == 0.0
