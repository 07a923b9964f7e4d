"""Risk tiers and approval rules: the last word over any model. PURE: values in, values out.

The tier is the business's risk, not the model's confidence (DESIGN.md):

- low: routine questions and read-only summaries; customer-facing drafts still wait for a click.
- medium: replies about invoices, payments and complaints; drafted, sent only after approval.
- high: anything that moves money or changes where it goes, refunds, payroll, contract terms,
  legal threats. The agent never drafts a commitment; it escalates to a person.

The policy can raise what a model proposes, never lower it. A request to change bank details is
the classic invoice fraud, so it is high risk whoever seems to send it. The words and phrases
that make a message high risk are in `mailagent.riskwords`; this module decides what they mean.
"""

from __future__ import annotations

import re
from functools import cache

from mailagent import riskwords
from mailagent.riskconcepts import concept_risks
from mailagent.textpatterns import LiteralFilter, lower_rx
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

# The phrasings someone already thought of, each with its reason (`riskwords.PHRASES`).
HIGH_RISK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (lower_rx(pattern, 0), reason) for pattern, reason in riskwords.PHRASES
)
_POLICY_NAMED = lower_rx(riskwords.POLICY_NAMED, 0)


@cache
def _filters() -> tuple[LiteralFilter, tuple[LiteralFilter, ...]]:
    """What a match of `_POLICY_NAMED` and of each phrase must contain
    (`textpatterns.LiteralFilter`), read from the patterns at first use."""
    return LiteralFilter([_POLICY_NAMED]), tuple(
        LiteralFilter([pattern]) for pattern, _reason in HIGH_RISK_PATTERNS
    )


def filters_build() -> None:
    """Read the filters now (before the processing workers fork, so that they share them)."""
    _filters()


# An international bank account number as people write it: a country, two check digits, then
# letters and digits, in groups of four or run together ("FR76 3000 4000 0312 3456 7890 143",
# "LT121000011101001000"), perhaps with more words after it.
_IBAN = re.compile(r"\b([A-Z]{2})(\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30})")
#: The length of an IBAN in each country that issues them (ISO 13616 registry), for the
#: countries of the product's customers and their neighbours.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}  # fmt: skip
GIVES_AN_ACCOUNT = "gives a bank account number"


def _iban_valid(code: str) -> bool:
    """Whether `code` (no spaces) passes the IBAN check (ISO 13616: moved, lettered, mod 97)."""
    moved = code[4:] + code[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def gives_account_number(text: str) -> bool:
    """Whether the text holds a valid IBAN: whoever writes one to the business names where
    money should go ("use the account of the new company: FR76 ..."), or asks for money to be
    sent there, and only a person acts on that. Read at its country's length and checked by
    its check digits, so that an order or a reference number shaped like one is not taken for
    it."""
    if not text or not any(ch.isdigit() for ch in text):
        return False
    for m in _IBAN.finditer(text):
        length = IBAN_LENGTHS.get(m.group(1))
        code = m.group(1) + re.sub(r"\s", "", m.group(2))
        if length and len(code) >= length and _iban_valid(code[:length]):
            return True
    return False


def text_risks(text: str) -> tuple[str, ...]:
    """Reasons in the text itself that make a message high risk, whatever its category: those
    of the phrases (`riskwords.PHRASES`, once `riskwords.POLICY_NAMED` is taken out), then those
    of the concepts. A pattern is not tried on a text that lacks what each of its matches must
    contain (`_filters`): it would find nothing there, so the reasons are the same."""
    named, phrases = _filters()
    plain = (text or "").lower()
    if named.may_match(plain):
        plain = _POLICY_NAMED.sub("policy", plain)
    found = [
        reason
        for (pattern, reason), possible in zip(HIGH_RISK_PATTERNS, phrases, strict=True)
        if possible.may_match(plain) and pattern.search(plain)
    ]
    if gives_account_number(text or ""):
        found.append(GIVES_AN_ACCOUNT)
    return tuple(dict.fromkeys(found + list(concept_risks(text))))


def assess(*, proposal: Proposal, text: str, person_first: tuple[str, ...] = ()) -> Assessment:
    """The tier and the reasons for it. Starts from the category, only ever goes up.

    `person_first` are reasons a person reads the message before anyone answers it
    (`ParsedEmail.person_first`): a sender whose headers cannot be trusted, where a reply would go
    where an attacker chose, or a message with no text to answer."""
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
    if person_first:
        reasons.extend(person_first)
        return Assessment(tier=tier, reasons=tuple(reasons), escalate=True)
    return Assessment(tier=tier, reasons=tuple(reasons))


def may_send_without_approval(*, tier: Tier, customer_facing: bool) -> bool:
    """Only low-risk internal work runs on its own; customer-facing mail always waits."""
    return tier is Tier.LOW and not customer_facing
