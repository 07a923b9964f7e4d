"""How the learned model's reading and the rules' answer combine (`learned.combine`): where the
rules fall back to "other" the model needs less certainty, and a model that puts enough of its
belief on a refund or a bank-detail change makes the message high risk, whatever the rules
answered. It never lowers a risk."""

from __future__ import annotations

import pytest

from mailagent import policy
from mailagent.learned.combine import RAISE_SHARE, WHERE_RULES_FALL_BACK, combined
from mailagent.learned.model import Guess
from mailagent.types import Assessment, Category, Proposal, Tier, Tone, Urgency


def guess(**probabilities: float) -> Guess:
    best = max(probabilities, key=probabilities.get)
    return Guess(best, probabilities[best], None, 0.0, tuple(probabilities.items()))


def choose(rules: Category, g: Guess, *, threshold: float = 0.6, text: str = "Hello", risk_bar=2.0):
    return combined(
        rules_category=rules,
        rules_urgency=Urgency.NORMAL,
        guess=g,
        label="model v2",
        threshold=threshold,
        risk_text=text,
        risk_bar=risk_bar,
    )


def test_where_the_rules_fall_back_to_other_a_less_sure_model_decides():
    g = guess(sales_inquiry=0.4, other=0.3, support_question=0.3)
    assert g.category_confidence > WHERE_RULES_FALL_BACK
    taken = choose(Category.OTHER, g)
    assert (taken.category, taken.decided_by) == (Category.SALES_INQUIRY, "model v2")
    # Where a rule said something, the model needs the full threshold.
    kept = choose(Category.SUPPORT_QUESTION, g)
    assert (kept.category, kept.decided_by) == (Category.SUPPORT_QUESTION, "rules")
    # A threshold of 1 keeps the model from proposing any category, "other" or not.
    assert choose(Category.OTHER, g, threshold=1.0).category is Category.OTHER


def test_a_model_that_reads_money_back_makes_the_message_a_persons():
    g = guess(support_question=0.5, refund_request=0.3, bank_detail_change=0.1, other=0.1)
    assert RAISE_SHARE <= 0.3 + 0.1
    choice = choose(Category.SUPPORT_QUESTION, g)
    assert choice.category is Category.REFUND_REQUEST
    assert choice.decided_by == "model v2"
    assert "40%" in choice.raised and "a person answers" in choice.raised
    proposal = Proposal(
        category=choice.category,
        urgency=choice.urgency,
        tone=Tone.NEUTRAL,
        needs_human=False,
        human_reason="",
        summary="s",
        draft_body="",
        backend="rules",
    )
    assessment: Assessment = policy.assess(proposal=proposal, text="Hello")
    assert assessment.tier is Tier.HIGH and not assessment.may_draft


def test_a_small_share_on_money_back_raises_nothing():
    g = guess(support_question=0.7, refund_request=0.2, other=0.1)
    choice = choose(Category.SUPPORT_QUESTION, g)
    assert (choice.category, choice.raised) == (Category.SUPPORT_QUESTION, "")


@pytest.mark.parametrize("rules", [Category.REFUND_REQUEST, Category.BANK_DETAIL_CHANGE])
def test_the_model_never_lowers_a_risk_the_rules_found(rules):
    choice = choose(rules, guess(support_question=0.95, other=0.05))
    assert choice.category is rules
    assert choice.overruled


def test_a_message_the_risk_head_is_sure_of_goes_to_a_person_in_its_own_category():
    g = Guess("complaint", 0.9, None, 0.0, (("complaint", 0.9), ("other", 0.1)), risk=0.75)
    flagged = choose(
        Category.COMPLAINT, g, text="Sort this out or we'll see you in court.", risk_bar=0.7
    )
    assert flagged.category is Category.COMPLAINT and "75% sure" in flagged.flagged
    assert flagged.decided_by == "model v2"
    for bar in (0.8, 2.0):  # below its bar, or a model without one: nothing
        choice = choose(Category.COMPLAINT, g, text="Sort this out.", risk_bar=bar)
        assert not choice.flagged and choice.decided_by == "rules"
