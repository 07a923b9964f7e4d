"""Risk tiers and approval rules: the last word over any model. PURE: values in, values out.

The tier is the business's risk, not the model's confidence (DESIGN.md):

- low: routine questions and read-only summaries; customer-facing drafts still wait for a click.
- medium: replies about invoices, payments and complaints; drafted, sent only after approval.
- high: anything that moves money or changes where it goes, refunds, payroll, contract terms,
  legal threats. The agent never drafts a commitment; it escalates to a person.

The policy can raise what a model proposes, never lower it. A request to change bank details is
the classic invoice fraud, so it is high risk whoever seems to send it.
"""

from __future__ import annotations

import re

from mailagent.types import Assessment, Category, Proposal, Tier

CATEGORY_TIERS: dict[Category, Tier] = {
    Category.SUPPORT_QUESTION: Tier.LOW,
    Category.SALES_INQUIRY: Tier.LOW,
    Category.AUTOMATIC: Tier.LOW,
    Category.INVOICE_QUESTION: Tier.MEDIUM,
    Category.PAYMENT_CLAIMED: Tier.MEDIUM,
    Category.COMPLAINT: Tier.MEDIUM,
    Category.OTHER: Tier.MEDIUM,
    Category.REFUND_REQUEST: Tier.HIGH,
    Category.BANK_DETAIL_CHANGE: Tier.HIGH,
}

# Each pattern names money moving or a commitment only a person may make.
HIGH_RISK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (
            r"\b(bank|banking|account|payment|remittance|wire|ach)\s+(details?|info(rmation)?|"
            r"number|instructions|account)\b|\biban\b|\bswift\b|\bbic\b|\bsort\s*code\b|"
            r"\brouting\s*(number|no)\b",
            "mentions bank or payment details",
        ),
        (
            r"\brefund|\breimburse|\bmoney back\b|\bcharge\s?back|\bcredit (it )?back\b",
            "asks for money back",
        ),
        (
            r"\b(lawyer|attorney|solicitor|legal action|lawsuit|sue you|suing|court|"
            r"small claims|tribunal|trading standards)\b",
            "threatens legal action",
        ),
        (r"\b(payroll|salary|salaries|wages)\b", "concerns payroll"),
        (
            r"\b(contract terms|terminate (the|our|my) contract|cancel (the|our|my) contract|"
            r"change (the|our) contract)\b",
            "concerns contract terms",
        ),
        (
            r"\b(wire|transfer|send)\s+(the\s+)?(money|funds|payment)\s+to\b|\bgift ?cards?\b|"
            r"\b(pay|paid)\s+(in)?to\s+(a|the|this|our)\s+new\s+account\b",
            "asks to move money",
        ),
    )
)


def text_risks(text: str) -> tuple[str, ...]:
    """Reasons in the text itself that make a message high risk, whatever its category."""
    return tuple(reason for pattern, reason in HIGH_RISK_PATTERNS if pattern.search(text or ""))


def assess(*, proposal: Proposal, text: str) -> Assessment:
    """The tier and the reasons for it. Starts from the category, only ever goes up."""
    tier = CATEGORY_TIERS.get(proposal.category, Tier.MEDIUM)
    reasons = [f"category {proposal.category.value} is {tier.value} risk"]
    if proposal.model_tier is not None and proposal.model_tier.rank > tier.rank:
        tier = proposal.model_tier
        reasons.append(f"the model rated it {tier.value} risk")
    found = text_risks(text)
    if found:
        tier = Tier.HIGH
        reasons.extend(found)
    if proposal.needs_human and tier is not Tier.HIGH:
        tier = Tier.HIGH
        reasons.append(f"the agent asked for a person: {proposal.human_reason or 'no reason'}")
    return Assessment(tier=tier, reasons=tuple(reasons))


def may_send_without_approval(*, tier: Tier, customer_facing: bool) -> bool:
    """Only low-risk internal work runs on its own; customer-facing mail always waits."""
    return tier is Tier.LOW and not customer_facing
