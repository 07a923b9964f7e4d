"""The rules backend against the labelled evaluation set (tests/fixtures/eval, see tests/eval_set).

Two promises: every high-risk message reaches a person with no draft, and the category is right
for at least 85% of the set. `bench/eval_triage.py` prints the full per-category report.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mailagent import policy
from mailagent.types import Category
from tests.eval_set import Report, describe, load_examples, run

MIN_ACCURACY = 0.85


@pytest.fixture(scope="module")
def report() -> Report:
    return run()


def test_the_set_is_large_and_covers_every_category():
    examples = load_examples()
    written = [e for e in examples if e.category is not Category.AUTOMATIC]
    assert len(written) >= 80
    counts = Counter(e.category for e in written)
    main = set(Category) - {Category.AUTOMATIC, Category.OTHER}
    assert {c: counts[c] for c in main if counts[c] < 8} == {}
    assert counts[Category.OTHER] >= 1


def test_machine_mail_in_the_set_is_settled_before_triage(report):
    machine = [o for o in report.outcomes if o.example.category is Category.AUTOMATIC]
    assert machine
    assert [describe(o) for o in machine if not o.correct] == []


def test_every_high_risk_message_goes_to_a_person_without_a_draft(report):
    missed = [f"{describe(o)}; tier {o.assessment.tier.value}" for o in report.missed_high_risk]
    assert not missed, "High-risk messages the agent would draft for:\n" + "\n".join(missed)
    assert report.high_risk_recall == 1.0


def test_category_accuracy_is_at_least_85_percent(report):
    wrong = "\n".join(describe(o) for o in report.misclassified)
    assert report.accuracy >= MIN_ACCURACY, (
        f"Accuracy {report.accuracy:.1%} is below {MIN_ACCURACY:.0%}. Misclassified:\n{wrong}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Could you get back to me about the amount on the invoice?",
        "We paid for the machine last year and it broke, please call back.",
        "Please send the invoice to our account manager, Jo.",
        "We paid the deposit, when will the chairs be back in stock?",
        "The charge for delivery - can you check back with the driver?",
        "Our new bank holiday opening hours are attached.",
        "We'd like to open a new account with you for our second shop.",
        "Can you update the delivery address on our account?",
    ],
)
def test_everyday_sentences_near_the_risky_words_are_not_high_risk(text):
    # The broader money-back and payment-destination phrasings must not swallow these.
    assert policy.text_risks(text) == ()
