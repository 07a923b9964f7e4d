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

from mailagent.riskconcepts import concept_risks
from mailagent.textpatterns import GAP, lower_rx
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
    (lower_rx(pattern, 0), reason)
    for pattern, reason in (
        (
            r"\b(bank|banking|account|payment|remittance|wire|ach)\s+(details?|info(rmation)?|"
            r"number|instructions|account)\b|\biban\b|\bswift\b|\bbic\b|\bsort\s*code\b|"
            r"\brouting\s*(number|no)\b",
            "mentions bank or payment details",
        ),
        (
            # The same request in other words: new wiring instructions, a new payee, a new bank,
            # a different card to charge, and the words of European customers.
            r"\bwir(e|ing)\s+instructions\b|\bpayee\b|\bnow bank with\b|"
            r"\b(switched|changed|moved)\s+(our\s+)?(company\s+|business\s+)?bank(s|ing)?\b|"
            rf"\b(update|change|replace)\b{GAP}{{0,25}}\bcard\b(?!\s+statement)|"
            r"\bnew card (number|details)\b|\bhold (all |any )?payments\b|"
            r"\bbankverbindung|\bkontoverbindung|\bcoordonn[ée]es bancaires|\bdatos bancarios|"
            r"\bcoordinate bancarie|\bnew bank\b(?!\s+holiday)|"
            rf"\b(send|pay|remit|transfer|wire)\b{GAP}{{0,60}}"
            r"\b(to|into)\s+(our|my|this|the|a)\s+([\w-]+\s+){0,2}account\b"
            r"(?!\s+(manager|team|email|address|holder|executive|rep|contact)\b)|"
            rf"\baccount\b{GAP}{{0,40}}\b(from now on|going forward)\b",
            "asks to change bank or payment details",
        ),
        (
            r"\brefund|\breimburse|\bmoney back\b|\bcharge\s?back|\bcredit (it )?back\b",
            "asks for money back",
        ),
        (
            # Money back without the word: "could you reverse the charge", "have our money
            # returned", "pay the £89 back to our account", "return our deposit", and in French,
            # Spanish, German and Italian.
            rf"\brefnd|\bmoney\s+returned\b|\breverse\b{GAP}{{0,30}}\b(charge|payment|transaction)|"
            rf"\breturn\b{GAP}{{0,20}}\b(money|deposit|payment)\b|"
            rf"\b(pay|put|credit)\b{GAP}{{0,40}}\bback\s+(to|on|onto|into)\s+(us|our|my|the)\b|"
            rf"\bsend\b{GAP}{{0,30}}\b(money|payment|amount|deposit|difference)\b{GAP}{{0,15}}\bback\b|"
            r"\b(rembours|reembols|r[üu]ckerstatt|zur[üu]ckerstatt|rimbors)|\bgeld zur[üu]ck\b|"
            rf"\bdevol(ver|uci[óo]n)\b{GAP}{{0,25}}\b(dinero|diferencia|importe|pago|cobro)|"
            r"\bcredit\s+(our|my|the|this)\s+(card|account)\b|"
            # The money named, then "back" (not "get back to me", "call back").
            rf"\b(money|paid|amount|difference|charge|fee|deposit|overpayment)\b{GAP}{{0,60}}"
            r"(?<!get )(?<!call )(?<!come )(?<!write )(?<!ring )(?<!getting )\bback\b"
            r"(?=\s*(to\s+(us|me|our|my)\b|on(to)?\s+(our|my|the)\b|into\b|[?.!,;]|$))",
            "asks for money back",
        ),
        (
            r"\b(lawyer|attorney|solicitor|legal action|lawsuit|sue you|suing|court|"
            r"small claims|tribunal|trading standards|ombudsman)\b|"
            r"\blegal\s+(advice|proceedings|steps)\b",
            "threatens legal action",
        ),
        (r"\b(payroll|salary|salaries|wages)\b", "concerns payroll"),
        (
            r"\b(payslips?|pay\s+slips?|pay\s*run|timesheets?|holiday pay|sick pay|final pay|"
            r"p45|p60)\b",
            "concerns payroll",
        ),
        (
            r"\b(contract terms|terminate (the|our|my) contract|cancel (the|our|my) contract|"
            r"change (the|our) contract)\b",
            "concerns contract terms",
        ),
        (
            rf"\b(terminat\w*|cancel\w*|amend\w*|renegotiat\w*|vary|varying|sign\w*|renew\w*)\b"
            rf"{GAP}{{0,40}}"
            rf"\b(contract|agreement|clause)s?\b|\bclause\s+\d+|\bnotice\b{GAP}{{0,40}}\bterminat|"
            r"\b(liability cap|limitation of liability|indemnit\w*|master services agreement)\b",
            "concerns contract terms",
        ),
        (
            r"\b(wire|transfer|send)\s+(the\s+)?(money|funds|payment)\s+to\b|\bgift ?cards?\b|"
            r"\b(pay|paid)\s+(in)?to\s+(a|the|this|our)\s+new\s+account\b",
            "asks to move money",
        ),
        (
            # "We paid INV-10590 to the new account your colleague emailed": the fraud has
            # already worked, or is about to.
            rf"\b(pay|paid|send|sent|transfer\w*|remit\w*|wire[ds]?|collect\w*|use)\b{GAP}{{0,80}}"
            r"\b(to|into|from)\s+(a|the|this|our|your|my)\s+new\s+(bank\s+)?account\b",
            "money to or from a new account",
        ),
    )
)


_POLICY_NAMED = lower_rx(r"\b(refund|returns?)\s+polic(y|ies)\b", 0)


def text_risks(text: str) -> tuple[str, ...]:
    """Reasons in the text itself that make a message high risk, whatever its category."""
    # A question about the refund policy is not a request for one; "I'd like my money back under
    # your refund policy" still is (the concepts read the rest).
    plain = _POLICY_NAMED.sub("policy", (text or "").lower())
    found = [reason for pattern, reason in HIGH_RISK_PATTERNS if pattern.search(plain)]
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
