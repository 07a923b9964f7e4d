"""Where the learned model's guess replaces the rules' answer, and where it may not. PURE.

The model proposes a category or an urgency where it is at least `threshold` sure, or
WHERE_RULES_FALL_BACK sure where the rules answered "other" (their answer when no rule says
anything: the rules over-read "other", twice as often as the labels say on the sets written
last); the rules answer otherwise. It may never lower the risk the rules' category carries
(`policy.CATEGORY_TIERS`): a message the rules read as a refund or a bank-detail change stays high
risk, whatever the model thinks. Nor may it move a message into a low-risk category when the
policy finds a high-risk reason in its text (a legal threat, payroll, contract terms:
`policy.text_risks`); that check runs only when the model would lower the tier, as it costs about
0.2 ms.

It may raise the risk, and does at a lower bar than it proposes a category: where it puts at
least RAISE_SHARE of its belief on the high-risk categories together (a refund, a bank-detail
change), the message takes the likeliest of them, and a person answers it. Phrase rules miss the
ways people ask for money back that nobody wrote down ("could the £86.40 go back on the card?");
a model that has read corrections catches many of them, and a person reading a message that did
not need it costs far less than a draft on one that did.

The bars were chosen by five-fold cross-validation on the trainable labelled sets (eval, tune,
pool and train: 653 messages), never on a set kept aside, over thresholds 0.2 to 0.7, fall-back
bars 0.15 to 0.6 and raise shares 0.2 to 0.45: a threshold of 0.3 (TRIAGE_MODEL_CONFIDENCE, of
eight categories) with WHERE_RULES_FALL_BACK 0.25 was the best accuracy (81.8%, against 76.9%
with the earlier 0.6 and 0.35, 73.4% for the rules alone and 74.0% for the model alone), and
RAISE_SHARE 0.35 kept the high-risk recall (93.2%) for one more benign message to a person of
those 653 (0.3 caught one more high-risk message for five more benign ones). Run again once
the rules read an unnamed question as a support question: the same bars stay best (83.6%, the
rules alone 77.2%, high-risk recall 97.9%). Checked again on 1,743 trainable messages (six more
sets by other hands): 0.3 and 0.25 stay the best of thresholds 0.15 to 0.4 (86.9% out of fold).
The policy still has the last word afterwards, and only ever raises.

A model's risk head (`TriageModel.risk`, trained on the high-risk mark people gave) sends a
message to a person where it is at least the model's `risk_bar` sure, whatever its category:
what makes a message a person's is often not a refund or a bank change (a damages claim, a
threat to report the business, a payment on conditions) and no category says it. Its bar is
chosen by cross-validation when the model is trained (`training.RISK_BARS`).

Those bars suit a model trained on hundreds of messages. Each model also carries its own, chosen
when it was trained by cross-validation on its own training set (`training.bar_chosen`): the
least confidence at which it may replace the rules (`floor`), and whether it may raise a risk
(`raise_share`). On the bundled set they leave the bars above as they are; a model trained on a few
dozen corrections gets a bar at which the rules decide nearly everything (learning curve,
`bench/eval_triage.py`: 25 corrections 71.9% against 69.7% without, the rules alone 72.2%).
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
    #: Why the model raised the risk (for the audit and the person who answers), else "".
    raised: str = ""
    #: Why the model's risk head sends the message to a person, whatever its category, else "".
    flagged: str = ""


#: How sure the model must be to replace the rules' "other" (the module's docstring).
WHERE_RULES_FALL_BACK = 0.25
#: The share of the model's belief on the high-risk categories that makes a message high risk.
RAISE_SHARE = 0.35


def _tier(category: Category) -> Tier:
    return policy.CATEGORY_TIERS.get(category, Tier.MEDIUM)


#: The categories the policy always rates high, by their value as a model names them.
_HIGH_RISK = frozenset(c.value for c in Category if _tier(c) is Tier.HIGH)


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
    floor: float = 0.0,
    raise_share: float | None = None,
    risk_bar: float = 2.0,
) -> Choice:
    """The category and urgency triage proposes, and who decided them. `floor`: the model's
    own bar (`TriageModel.bar`), under which it proposes nothing whatever the threshold;
    `raise_share`: the share of its belief on the high-risk categories at which it raises the
    risk (`TriageModel.raise_share`; RAISE_SHARE when not given, above 1 never); `risk_bar`:
    the probability of its risk head at which a person answers (`TriageModel.risk_bar`; above
    1, the default, never)."""
    category, urgency, overruled, raised = rules_category, rules_urgency, "", ""
    # A threshold of 1 or more keeps the model from proposing any category.
    weak = rules_category is Category.OTHER and threshold < 1
    bar = max(min(threshold, WHERE_RULES_FALL_BACK) if weak else threshold, floor)
    if guess.category_confidence >= bar and guess.category in Category._value2member_map_:
        proposed = Category(guess.category)
        overruled = category_overruled(rules=rules_category, model=proposed, risk_text=risk_text)
        if not overruled:
            category = proposed
    if raise_share is None:
        raise_share = RAISE_SHARE
    if _tier(category) is not Tier.HIGH:
        risky = [(p, c) for c, p in guess.probabilities if c in _HIGH_RISK]
        share = sum(p for p, _ in risky)
        if risky and share >= raise_share:
            category = Category(max(risky)[1])
            raised = (
                f"the model reads {share:.0%} of it as a refund or a change of bank details "
                f"(most likely {category.value}): a person answers"
            )
    flagged = ""
    if _tier(category) is not Tier.HIGH and guess.risk >= risk_bar:
        # Not a category: the message stays what it is (a complaint, a payment claim), and a
        # person reads it first.
        flagged = (
            f"the model reads it as mail a person must answer ({guess.risk:.0%} sure, learned "
            f"from the messages people marked high risk)"
        )
    if (
        guess.urgency is not None
        and guess.urgency_confidence >= max(threshold, floor)
        and guess.urgency in Urgency._value2member_map_
    ):
        urgency = Urgency(guess.urgency)
    # The model decided where it changed the rules' answer; where it agrees, the rules did.
    model_decided = (category, urgency) != (rules_category, rules_urgency) or bool(flagged)
    return Choice(
        category=category,
        urgency=urgency,
        decided_by=label if model_decided else "rules",
        confidence=guess.category_confidence,
        overruled=overruled,
        raised=raised,
        flagged=flagged,
    )
