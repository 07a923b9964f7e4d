"""Templated reply drafts for the rules backend.

Every template acknowledges and sets an expectation; none promises money, dates or outcomes. A
person reads each draft before it leaves, and edits it when there is more to say.
"""

from __future__ import annotations

from mailagent.types import Category, Tone, TriageContext

_OPENERS = {
    Tone.ANGRY: "I'm sorry about this, and I understand why you're upset.",
    Tone.FRUSTRATED: "I'm sorry for the trouble, and thank you for your patience.",
    Tone.POSITIVE: "Thank you for your message.",
    Tone.NEUTRAL: "Thank you for getting in touch.",
}

_BODIES = {
    Category.INVOICE_QUESTION: (
        "We've received your question about your invoice and are checking it against our "
        "records now. We'll come back to you with the details shortly."
    ),
    Category.PAYMENT_CLAIMED: (
        "Thank you for letting us know about your payment. We're matching it against our "
        "records and will confirm once it has been applied to your account. If you have a "
        "remittance advice or a payment reference, replying with it will speed this up."
    ),
    Category.COMPLAINT: (
        "I've passed your message to the person responsible, and we're looking into what went "
        "wrong. We'll be in touch shortly with what we found and what we can do about it."
    ),
    Category.SUPPORT_QUESTION: (
        "We've received your question and someone on our team is looking into it. If you can "
        "add anything that would help (an order number, a photo or a screenshot), just reply "
        "to this email."
    ),
    Category.SALES_INQUIRY: (
        "Thank you for your interest. We'll put together the details you asked about and get "
        "back to you shortly. If you can tell us quantities or dates, we can be more precise."
    ),
    Category.OTHER: "We've received your message and will get back to you shortly.",
}


# Titles people put in their display name ("Dr. Amara Okafor"): "Hi Dr.," greets nobody.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev"})


def first_name(name: str) -> str:
    name = name.strip()
    if "," in name:  # "Moreno, Luis"
        name = name.split(",", 1)[1].strip()
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in _TITLES:
        words = words[1:]
    return words[0] if words else ""


def reply_for(category: Category, tone: Tone, context: TriageContext) -> str:
    greeting = f"Hi {first_name(context.customer.name)}," if context.customer.name else "Hello,"
    body = _BODIES.get(category, _BODIES[Category.OTHER])
    # A body that thanks the customer itself needs no "Thank you for getting in touch." before it.
    calm = tone in (Tone.NEUTRAL, Tone.POSITIVE)
    opening = body if calm and body.startswith("Thank you") else f"{_OPENERS[tone]} {body}"
    return f"{greeting}\n\n{opening}\n\nBest regards,\n{context.business_name}"
