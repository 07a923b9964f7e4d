"""The learned triage model: trained with scikit-learn, stored and used as plain numpy arrays.

Training fits a TF-IDF vectorizer over `features.ngrams` (sublinear term frequency, rows of unit
length) and logistic regressions on it with balanced class weights: one for the category, one
for the urgency, and one for the high-risk mark people gave (the risk head, `risk`). Their
`predict_proba` is the confidence the combination compares with its bars. A file written
before the risk head reads as a model without one.

The stored file is an `.npz` of arrays and one JSON header (format, version, date, training size,
metrics): loading it needs numpy only, never scikit-learn, and unpickles nothing, so a file
planted under `var/` cannot run code. `TriageModel.guess` recomputes what the vectorizer and the
regressions compute, the same numbers (`tests/learned/test_model.py` compares them); measured at
about 0.1 ms a message on the labelled sets, where scikit-learn's own `transform` and
`predict_proba` on one message took about 1 ms.

Measured on 10,000 messages (`bench/eval_triage.py`): training 5.4 s, peak memory 299 MB for the
whole process (202 MB of it before training).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from mailagent.learned.features import char_grams, words_of

log = logging.getLogger(__name__)

#: The layout of the stored file. A file of another format is ignored with a warning.
FORMAT = 1


class ModelUnreadable(Exception):
    """The file is not a triage model this version of the product can use."""


@dataclass(frozen=True)
class Head:
    """One classifier over the shared features: a weight row per feature, a bias per class."""

    classes: tuple[str, ...]
    #: (features, classes), or (features, 1) for two classes (scikit-learn's binary form).
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, index: np.ndarray, values: np.ndarray) -> np.ndarray:
        # `take`: the same rows as `weights[index]`, in about half the time.
        rows = self.weights.take(index, axis=0)
        scores = values @ rows + self.bias if len(index) else self.bias.copy()
        if len(self.classes) == 2 and scores.shape[-1] == 1:
            p = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - p, p])
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()


@dataclass(frozen=True)
class Guess:
    """The model's reading of one message, with how sure it is of each part."""

    category: str
    category_confidence: float
    urgency: str | None
    urgency_confidence: float
    #: Every category with the model's probability for it (they add up to 1).
    probabilities: tuple[tuple[str, float], ...] = ()
    #: How likely the model's risk head finds it that a person must answer the message (high
    #: risk, whatever its category); 0 for a model without one.
    risk: float = 0.0


#: The risk head's class for a message a person must answer.
HIGH = "high"

#: The rules' category is one more feature, of this value beside a text row of unit length: what
#: the model learns is when the rules are right, and what to say where they are not.
RULES_FEATURE = 1.0
#: Words whose features a model keeps looked up: a mailbox's vocabulary, and a bound on memory
#: (about 15 MB at most) when a flood of mail brings new words without end.
WORDS_KEPT = 50_000


@dataclass
class TriageModel:
    """A trained model as stored: the features' vocabulary and weights, and its record."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    category: Head
    urgency: Head | None
    #: The rules' categories it reads as features, at rows len(vocabulary) + i of the weights.
    rules_classes: tuple[str, ...] = ()
    version: int = 1
    trained_at: str = ""
    training_size: int = 0
    metrics: dict = field(default_factory=dict)
    #: The newest audit event among those that labelled the tickets it was trained on (a
    #: correction, an approval): a retrain is due when a newer one labels a ticket. 0: none.
    labelled_until: int = 0
    #: The least confidence at which its guess may replace the rules' category or urgency,
    #: whatever the threshold says: chosen by cross-validation when it was trained
    #: (`training.bar_chosen`; 1: never, 0: the threshold decides), and those figures.
    bar: float = 0.0
    #: The share of its belief on the high-risk categories at which it raises a message's risk:
    #: chosen by cross-validation when trained (`training.bar_chosen`; above 1: never).
    raise_share: float = 0.35  # combine.RAISE_SHARE (not imported: the model needs numpy only)
    calibration: dict = field(default_factory=dict)
    #: A head of two classes ("high", "not") trained on the high-risk mark of the labelled
    #: messages: it finds what makes a message a person's (a threat, a loss claimed, a payment
    #: with conditions) whatever its category. None: trained without one, or on too few.
    risk: Head | None = None
    #: The least probability of "high" at which the risk head sends a message to a person:
    #: chosen by cross-validation when trained (`training.bar_chosen`; above 1: never).
    risk_bar: float = 2.0
    #: Per word met: its own feature and its character n-grams' (`_counts`), at most WORDS_KEPT.
    _words: dict[str, tuple[int, list[int]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def label(self) -> str:
        """What a ticket records as having decided: "model v3"."""
        return f"model v{self.version}"

    def vector(self, text: str, rules_category: str = "") -> tuple[np.ndarray, np.ndarray]:
        """The message's row as (feature indexes, values): the vectorizer's TF-IDF of the text,
        then the rules' category."""
        index, tf = self._counts(text)
        values = (1.0 + np.log(tf)) * self.idf.take(index)
        if len(values):
            values /= np.sqrt(values @ values)
        if rules_category in self.rules_classes:
            extra = len(self.vocabulary) + self.rules_classes.index(rules_category)
            index = np.append(index, extra)
            values = np.append(values, RULES_FEATURE)
        return index, values

    def _counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The known features of `features.ngrams(text)` and how often each occurs, without
        building the n-grams' strings for a word met before: each word's own feature and its
        character n-grams' are looked up once and kept (`_words`), as a mailbox repeats its
        words. About 4 times faster than counting `ngrams` (`bench/triage.py`)."""
        words = words_of(text)
        get = self.vocabulary.get
        cache = self._words
        entries = {}
        for word in set(words):
            entry = cache.get(word)
            if entry is None:
                if len(cache) >= WORDS_KEPT:
                    cache.clear()
                grams = [i for i in map(get, char_grams(word)) if i is not None]
                entry = cache[word] = (get("w " + word, -1), grams)
            entries[word] = entry
        found = [entries[word][0] for word in words]
        found += [get(f"b {a} {b}", -1) for a, b in pairwise(words)]
        for _, grams in entries.values():
            found += grams
        # Counted in C by Counter: np.unique(return_counts=True) took twice as long here.
        counts = Counter(found)
        counts.pop(-1, None)
        size = len(counts)
        return (
            np.fromiter(counts, dtype=np.int64, count=size),
            np.fromiter(counts.values(), dtype=np.float64, count=size),
        )

    def guess(self, text: str, rules_category: str = "") -> Guess:
        """Category and urgency for a message's `features.model_text` (and the rules' category
        for it, when the model was trained with it), with their confidence."""
        index, values = self.vector(text, rules_category)
        category = self.category.probabilities(index, values)
        best = int(category.argmax())
        urgency, urgency_confidence = None, 0.0
        if self.urgency is not None:
            p = self.urgency.probabilities(index, values)
            urgency, urgency_confidence = self.urgency.classes[int(p.argmax())], float(p.max())
        risk = 0.0
        if self.risk is not None:
            p = self.risk.probabilities(index, values)
            risk = float(p[self.risk.classes.index(HIGH)])
        return Guess(
            self.category.classes[best],
            float(category[best]),
            urgency,
            urgency_confidence,
            tuple(zip(self.category.classes, map(float, category), strict=True)),
            risk,
        )

    def header(self) -> dict:
        return {
            "format": FORMAT,
            "version": self.version,
            "trained_at": self.trained_at,
            "training_size": self.training_size,
            "labelled_until": self.labelled_until,
            "bar": self.bar,
            "raise_share": self.raise_share,
            "calibration": self.calibration,
            "metrics": self.metrics,
            "category_classes": list(self.category.classes),
            "urgency_classes": list(self.urgency.classes) if self.urgency else [],
            "rules_classes": list(self.rules_classes),
            "risk_classes": list(self.risk.classes) if self.risk else [],
            "risk_bar": self.risk_bar,
        }


def model_save(model: TriageModel, path: Path) -> None:
    """Write the model to `path` (an `.npz`), whole or not at all: a poller reading it while it
    is written sees the old file or the new one, and a crash while writing leaves the old one.
    The new file is written beside it under a name of its own (two trainings at once never
    write into one file), flushed to the disk, read back, and only then renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    terms = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    arrays = {
        "header": np.array(json.dumps(model.header())),
        "terms": np.array(terms, dtype=str),
        "idf": model.idf.astype(np.float64),
        "category_weights": model.category.weights,
        "category_bias": model.category.bias,
    }
    if model.urgency is not None:
        arrays["urgency_weights"] = model.urgency.weights
        arrays["urgency_bias"] = model.urgency.bias
    if model.risk is not None:
        arrays["risk_weights"] = model.risk.weights
        arrays["risk_bias"] = model.risk.bias
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        model_read(partial)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename itself reaches the disk only with the folder (POSIX); where folders cannot be
    # opened so (Windows), the rename is all there is.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def model_read(path: Path) -> TriageModel:
    """The model stored at `path`. Raises `ModelUnreadable` (or OSError) when it cannot be used."""
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            if header.get("format") != FORMAT:
                raise ModelUnreadable(
                    f"written in format {header.get('format')!r}, this version reads {FORMAT}"
                )
            terms = data["terms"].tolist()
            urgency = None
            if header["urgency_classes"]:
                urgency = Head(
                    tuple(header["urgency_classes"]),
                    np.ascontiguousarray(data["urgency_weights"]),
                    data["urgency_bias"],
                )
            risk = None
            # Not in the files written before the risk head: they send nobody to a person.
            if header.get("risk_classes"):
                risk = Head(
                    tuple(header["risk_classes"]),
                    np.ascontiguousarray(data["risk_weights"]),
                    data["risk_bias"],
                )
                if HIGH not in risk.classes:
                    raise ModelUnreadable(f"its risk head has no {HIGH!r} class")
            model = TriageModel(
                vocabulary={term: i for i, term in enumerate(terms)},
                idf=data["idf"],
                category=Head(
                    tuple(header["category_classes"]),
                    np.ascontiguousarray(data["category_weights"]),
                    data["category_bias"],
                ),
                urgency=urgency,
                rules_classes=tuple(header["rules_classes"]),
                version=int(header["version"]),
                trained_at=str(header["trained_at"]),
                training_size=int(header["training_size"]),
                metrics=dict(header["metrics"]),
                # Not in the files written before nightly retraining: all is new to them.
                labelled_until=int(header.get("labelled_until", 0)),
                # Not in the files written before calibration: the threshold alone decides.
                bar=float(header.get("bar", 0.0)),
                raise_share=float(header.get("raise_share", 0.35)),
                calibration=dict(header.get("calibration", {})),
                risk=risk,
                risk_bar=float(header.get("risk_bar", 2.0)),
            )
    except (KeyError, ValueError, TypeError, EOFError) as exc:
        raise ModelUnreadable(f"not a triage model file ({exc.__class__.__name__}: {exc})") from exc
    rows = len(terms) + len(model.rules_classes)
    heads = [model.category, model.urgency, model.risk]
    if model.idf.shape != (len(terms),) or any(
        h is not None and h.weights.shape[0] != rows for h in heads
    ):
        raise ModelUnreadable("its arrays do not agree in size")
    return model
