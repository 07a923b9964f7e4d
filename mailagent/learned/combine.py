"""Where the learned model's guess replaces the rules' answer, and where it may not. PURE.

The model proposes a category or an urgency where it is at least `threshold` sure; the rules
answer otherwise. It may never lower the risk the rules' category carries (`policy.CATEGORY_TIERS`):
a message the rules read as a refund or a bank-detail change stays high risk, whatever the model
thinks. Nor may it move a message into a low-risk category when the policy finds a high-risk
reason in its text (a legal threat, payroll, contract terms: `policy.text_risks`); that check
runs only when the model would lower the tier, as it costs about 0.2 ms. The policy still has
the last word afterwards, and only ever raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailagent import policy
from mailagent.types import Category, Tier, Urgency

if TYPE_CHECKING:
    # Not at run time: the rules import this module, and numpy is for a trained model only.
    from mailagent.learned.model import Guess


@dataclass(frozen=True)
class Choice:
    category: Category
    urgency: Urgency
    #: "rules", or the model's label ("model v3") when its answer replaced the rules' category or
    #: urgency.
    decided_by: str
    confidence: float | None = None
    #: Why a confident guess of the model was not taken (for the audit), else "".
    overruled: str = ""


def _tier(category: Category) -> Tier:
    return policy.CATEGORY_TIERS.get(category, Tier.MEDIUM)


def category_overruled(*, rules: Category, model: Category, risk_text: str) -> str:
    """Why the model may not replace the rules' category here ("" when it may)."""
    if _tier(model).rank >= _tier(rules).rank:
        return ""
    if _tier(rules) is Tier.HIGH:
        return f"the rules read {rules.value}, high risk: the model may not lower it"
    if _tier(model) is Tier.LOW:
        found = policy.text_risks(risk_text)
        if found:
            return f"high risk in the text ({found[0]}): the model may not make it {model.value}"
    return ""


def combined(
    *,
    rules_category: Category,
    rules_urgency: Urgency,
    guess: Guess,
    label: str,
    threshold: float,
    risk_text: str,
) -> Choice:
    """The category and urgency triage proposes, and who decided them."""
    category, urgency, overruled = rules_category, rules_urgency, ""
    if guess.category_confidence >= threshold and guess.category in Category._value2member_map_:
        proposed = Category(guess.category)
        overruled = category_overruled(rules=rules_category, model=proposed, risk_text=risk_text)
        if not overruled:
            category = proposed
    if (
        guess.urgency is not None
        and guess.urgency_confidence >= threshold
        and guess.urgency in Urgency._value2member_map_
    ):
        urgency = Urgency(guess.urgency)
    # The model decided where it changed the rules' answer; where it agrees, the rules did.
    model_decided = (category, urgency) != (rules_category, rules_urgency)
    return Choice(
        category=category,
        urgency=urgency,
        decided_by=label if model_decided else "rules",
        confidence=guess.category_confidence,
        overruled=overruled,
    )
