"""The risk words have one home (`mailagent.riskwords`) and their readers name its entries: what
a user would notice, if a name drifted, is a bank-detail change or a refund request no longer put
in its category, or a concept that never fires, so that is what is tested."""

from __future__ import annotations

import pytest

from mailagent import riskwords
from mailagent.agents import rules

CONCEPT_REASONS = {reason for reason, _, _ in riskwords.CONCEPT_RULES}


@pytest.mark.parametrize("name", ["NEW_DESTINATION", "MONEY_RETURNED", "PAY_OR_CONTRACT"])
def test_every_reason_the_rules_turn_into_a_category_is_one_the_concepts_give(name):
    reasons = getattr(rules, name).reasons
    assert reasons <= CONCEPT_REASONS, f"{name}: no concept gives {reasons - CONCEPT_REASONS}"


@pytest.mark.parametrize("reason, needed, where", riskwords.CONCEPT_RULES)
def test_every_concept_a_rule_needs_has_words_and_a_reach(reason, needed, where):
    assert set(needed) <= set(riskwords.CONCEPTS), f"{reason}: unknown concept in {needed}"
    assert where in ("sentence", "window", "message") or (
        where.startswith("near:") and where[5:].isdigit() and len(needed) == 2
    )
