"""The deterministic triage backend: keyword and pattern rules, templated drafts.

It needs no key and no network, gives the same answer every time, and is what the OpenAI-compatible
backend falls back to when a model fails. Rules are tried in order; the first category that
matches wins, so the riskiest categories come first.
"""

from __future__ import annotations

import re

from mailagent.agents.replies import reply_for
from mailagent.types import Category, Proposal, Tone, TriageContext, Urgency


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


CATEGORY_RULES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.BANK_DETAIL_CHANGE,
        _rx(
            r"\b(update|change|changed|new|different|amend)\b[^.\n]{0,60}"
            r"\b(bank|banking|account|payment|remittance|wire)\s+(details?|info|information|"
            r"account|number|instructions)",
            r"\b(bank|banking)\s+(details?|account)\b[^.\n]{0,60}\b(changed|updated|new)\b",
            r"\biban\b|\bsort\s*code\b|\brouting\s*number\b",
        ),
    ),
    (
        Category.REFUND_REQUEST,
        _rx(r"\brefund", r"\bmoney back\b", r"\breimburse", r"\bcharge\s?back\b"),
    ),
    (
        Category.PAYMENT_CLAIMED,
        _rx(
            r"\b(we|i)\s*(have|'ve)?\s*(already\s+)?(paid|settled|transferred|sent (the )?payment)",
            r"\bpayment (was|has been) (made|sent)\b",
            r"\bremittance advice\b",
            r"\bproof of payment\b",
        ),
    ),
    (
        Category.COMPLAINT,
        _rx(
            r"\bunacceptable\b",
            r"\b(very|extremely|really) (disappointed|unhappy|upset|frustrated)\b",
            r"\bcomplain",
            r"\bworst\b",
            r"\bterrible\b",
            r"\bfurious\b",
            r"\bridiculous\b",
            r"\bnever again\b",
            r"\bappalling\b",
        ),
    ),
    (
        Category.INVOICE_QUESTION,
        _rx(r"\binvoices?\b", r"\bbill(ing|ed)?\b", r"\bstatement\b", r"\bbalance\b"),
    ),
    (
        Category.SALES_INQUIRY,
        _rx(
            r"\b(price|pricing|quote|quotation|estimate)\b",
            r"\binterested in\b",
            r"\b(buy|purchase|order)\b[^.\n]{0,40}\b(more|bulk|units|wholesale)\b",
            r"\bdemo\b",
            r"\bavailability\b",
        ),
    ),
    (
        Category.SUPPORT_QUESTION,
        _rx(
            r"\?",
            r"\bhelp\b",
            r"\b(not|n't) (work|working|arrived|received)\b",
            r"\b(problem|issue|error|broken)\b",
            r"\bhow (do|can|to)\b",
        ),
    ),
)

_ANGRY = _rx(
    r"\bunacceptable\b",
    r"\bfurious\b",
    r"\bridiculous\b",
    r"\bworst\b",
    r"\bappalling\b",
    r"!{2,}",
    r"\bdisgrace",
)
_FRUSTRATED = _rx(
    r"\bdisappointed\b",
    r"\bfrustrat",
    r"\bstill (not|no|waiting|haven't)\b",
    # Not a bare "again": "Hi again" and "again on the 11th" are not frustration.
    r"\b(yet|once) again\b",
    r"\bhappen\w* again\b",
    r"\bagain\?",
    r"\bannoy",
    r"\bupset\b",
    r"\bunhappy\b",
)
_POSITIVE = _rx(r"\bthank", r"\bgreat\b", r"\blove\b", r"\bappreciate", r"\bexcellent\b")
_URGENT = _rx(
    r"\burgent",
    r"\basap\b",
    r"\bimmediately\b",
    r"\bright away\b",
    # A deadline, not a date stamp: "arrived today" is not urgent, "need it by today" is.
    r"\b(by|before|until|for) (the end of )?today\b",
    r"\bneed\b[^.\n]{0,30}\btoday\b",
    r"\btoday,? (please|if possible)\b",
)
_RELAXED = _rx(r"\bno rush\b", r"\bwhenever\b", r"\bno hurry\b", r"\bwhen you (get|have) a")

_HUMAN_REASONS = {
    Category.BANK_DETAIL_CHANGE: (
        "Asks to change bank or payment details: verify by phone on a number already on file "
        "before changing anything."
    ),
    Category.REFUND_REQUEST: "Asks for a refund: only a person may decide to move money.",
}


def classify(text: str) -> Category:
    for category, pattern in CATEGORY_RULES:
        if pattern.search(text):
            return category
    return Category.OTHER


def tone_of(text: str) -> Tone:
    caps_words = re.findall(r"\b[A-Z]{4,}\b", text)
    if _ANGRY.search(text) or len(caps_words) >= 3:
        return Tone.ANGRY
    if _FRUSTRATED.search(text):
        return Tone.FRUSTRATED
    if _POSITIVE.search(text):
        return Tone.POSITIVE
    return Tone.NEUTRAL


def urgency_of(text: str, tone: Tone) -> Urgency:
    if _URGENT.search(text) or tone is Tone.ANGRY:
        return Urgency.HIGH
    if _RELAXED.search(text):
        return Urgency.LOW
    return Urgency.NORMAL


def summary_of(category: Category, context: TriageContext) -> str:
    first = (
        re.split(r"(?<=[.!?])\s|\n", context.text.strip(), maxsplit=1)[0] if context.text else ""
    )
    who = context.customer.name or context.customer.email
    label = category.value.replace("_", " ")
    return f"{label.capitalize()} from {who}: {first or context.subject}"[:300]


class RulesBackend:
    name = "rules"

    def triage(self, context: TriageContext) -> Proposal:
        text = f"{context.subject}\n{context.text}"
        category = classify(text)
        tone = tone_of(context.text)
        human_reason = _HUMAN_REASONS.get(category, "")
        return Proposal(
            category=category,
            urgency=urgency_of(text, tone),
            tone=tone,
            needs_human=bool(human_reason),
            human_reason=human_reason,
            summary=summary_of(category, context),
            draft_body="" if human_reason else reply_for(category, tone, context),
            backend=self.name,
        )
