"""The rules backend and the policy against the labelled evaluation sets (see tests/eval_set).

- `fixtures/eval`: the original set. Every high-risk message reaches a person with no draft, and
  the category is right for at least 85% of it.
- `fixtures/eval_tune`: written later in other phrasings and used to improve the rules. Every
  high-risk message reaches a person; few benign look-alikes are escalated.
- `fixtures/eval_holdout`: written before the rules were improved, and scored once at the end.
  Its floors are what that run reached, so that a regression shows; they are not targets to tune.

`bench/eval_triage.py` prints the full per-category report for all three.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mailagent import policy
from mailagent.types import Category
from tests.eval_set import HOLDOUT_DIR, TUNE_DIR, Report, describe, load_examples, run

MIN_ACCURACY = 0.85
#: Benign messages a person must answer although a draft would do; cheap, but not free.
MAX_TUNE_FALSE_ESCALATION = 0.15
#: Measured on the one run over the holdout set (see the commit that added it).
MIN_HOLDOUT_RECALL = 0.96  # 31 of 32 on that run
MAX_HOLDOUT_FALSE_ESCALATION = 0.10  # 1 of 32 on that run


def false_escalation_rate(report: Report) -> float:
    benign = [o for o in report.outcomes if not o.example.high_risk and not o.parsed.is_automatic]
    return len(report.over_escalated) / len(benign)


@pytest.fixture(scope="module")
def report() -> Report:
    return run()


@pytest.fixture(scope="module")
def tune_report() -> Report:
    return run(folder=TUNE_DIR)


@pytest.fixture(scope="module")
def holdout_report() -> Report:
    return run(folder=HOLDOUT_DIR)


def test_the_set_is_large_and_covers_every_category():
    examples = load_examples()
    written = [e for e in examples if e.category is not Category.AUTOMATIC]
    assert len(written) >= 80
    counts = Counter(e.category for e in written)
    main = set(Category) - {Category.AUTOMATIC, Category.OTHER}
    assert {c: counts[c] for c in main if counts[c] < 8} == {}
    assert counts[Category.OTHER] >= 1


@pytest.mark.parametrize("folder", [TUNE_DIR, HOLDOUT_DIR], ids=["tune", "holdout"])
def test_the_later_sets_are_half_high_risk_and_half_look_alikes(folder):
    examples = load_examples(folder)
    assert len(examples) >= 60
    assert 0.4 <= sum(e.high_risk for e in examples) / len(examples) <= 0.6


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


def test_every_high_risk_message_in_the_tuning_set_goes_to_a_person(tune_report):
    missed = [describe(o) for o in tune_report.missed_high_risk]
    assert not missed, "High-risk messages the agent would draft for:\n" + "\n".join(missed)


def test_few_benign_look_alikes_in_the_tuning_set_are_escalated(tune_report):
    over = [describe(o) for o in tune_report.over_escalated]
    assert false_escalation_rate(tune_report) <= MAX_TUNE_FALSE_ESCALATION, "\n".join(over)


def test_the_holdout_set_stays_at_what_it_reached(holdout_report):
    recall, false_rate = holdout_report.high_risk_recall, false_escalation_rate(holdout_report)
    print(
        f"\nholdout: high-risk recall {recall:.1%}, false escalation {false_rate:.1%}, "
        f"category accuracy {holdout_report.accuracy:.1%}"
    )
    missed = "\n".join(describe(o) for o in holdout_report.missed_high_risk)
    assert recall >= MIN_HOLDOUT_RECALL, f"Missed:\n{missed}"
    assert false_rate <= MAX_HOLDOUT_FALSE_ESCALATION


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
        "I've paid the invoice today by bank transfer, reference 4471.",
        "Our company name changed last month; please update it on the invoices.",
        "The card reader shows an update message every morning.",
        "Can you transfer the call to someone in support next time?",
        "What's your refund policy if the colour isn't right? Thinking of ordering 200.",
        "Please sign the delivery note and send it back.",
        "We'll settle the invoice once we receive the goods, as agreed.",
        "Thanks for the quick turnaround, a credit to your team.",
    ],
)
def test_everyday_sentences_near_the_risky_words_are_not_high_risk(text):
    # The broader money-back and payment-destination phrasings must not swallow these.
    assert policy.text_risks(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        # Where money goes, said without the usual words, with typos, or in other languages.
        "Our bankers have asked us to use a different sort of account for receipts.",
        "We're no longer with Barclays.",
        "Payments should now go to our factoring company, Close Brothers.",
        "Could you send my commission to my wife's account this month?",
        "kindly update our beneficary details for next payment",
        "pls use the new acount numbr for the paymnet",
        "Merci de verser le paiement sur notre nouveau compte.",
        "Graag het bedrag overmaken naar ons nieuwe rekeningnummer.",
        "Prosimy o przelew na nowe konto.",
        # Money coming back.
        "I'd like what I paid returned.",
        "I want the £45 delivery charge taken off since it came late.",
        "Could you knock the cost of the broken ones off our next invoice?",
        "We'd expect a goodwill gesture for the inconvenience.",
        "I'll dispute it with my card company.",
        "You charged us twice - sort it out.",
        "Bitte erstatten Sie mir den Betrag.",
        # The law, pay, contracts, and pressure to pay out.
        "We are considering our legal options.",
        "We intend to seek damages.",
        "I didn't get paid for last week's shifts.",
        "We want to end the lease early.",
        "Please wire the funds today, I'm boarding a plane.",
        "Can you buy some Amazon vouchers for the client gifts? Keep it quiet.",
        "We accept your offer only if the invoice is reduced by £200.",
        "We won't pay until you fix the door.",
    ],
)
def test_risky_requests_in_words_no_pattern_names_are_high_risk(text):
    assert policy.text_risks(text) != ()


#: The trainable sets written by other hands, which the rules were later improved on: (accuracy,
#: high-risk recall, benign messages escalated) they reach now, less a message or two, so that a
#: change to the rules that loses what was gained shows. First scores, unseen: pool 75.2% (the
#: concepts were improved on it), train 63.0% and 77.4%, train2 71.7% and 81.2%, train3 75.7%
#: and 82.4%, train4 73.3% and 59.0%, train5 77.3% and 84.0%, train6 79.3% and 88.1%, train7
#: 72.0% and 88.8%.
TRAINABLE_FLOORS = {
    "eval_pool": (0.76, 1.0, 8),
    "eval_train": (0.73, 1.0, 24),
    "eval_train2": (0.75, 1.0, 20),
    "eval_train3": (0.81, 1.0, 3),
    "eval_train4": (0.76, 0.97, 9),
    "eval_train5": (0.77, 0.98, 20),
    "eval_train6": (0.79, 0.92, 10),
    "eval_train7": (0.71, 0.96, 9),
}


@pytest.mark.parametrize("name", list(TRAINABLE_FLOORS))
def test_the_trainable_sets_keep_what_the_rules_gained_on_them(name):
    from tests.eval_set import FIXTURES

    accuracy, recall, escalated = TRAINABLE_FLOORS[name]
    report = run(load_examples(FIXTURES / name))
    missed = "\n".join(describe(o) for o in report.missed_high_risk)
    assert report.high_risk_recall >= recall, f"Missed:\n{missed}"
    assert report.accuracy >= accuracy
    assert len(report.over_escalated) <= escalated
