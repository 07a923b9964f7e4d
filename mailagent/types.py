"""Frozen values passed between layers: parsing -> agents -> policy -> services.

Nothing here touches the database or the network; these are the words the layers speak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Category(StrEnum):
    INVOICE_QUESTION = "invoice_question"
    PAYMENT_CLAIMED = "payment_claimed"
    REFUND_REQUEST = "refund_request"
    BANK_DETAIL_CHANGE = "bank_detail_change"
    COMPLAINT = "complaint"
    SUPPORT_QUESTION = "support_question"
    SALES_INQUIRY = "sales_inquiry"
    AUTOMATIC = "automatic"
    OTHER = "other"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    FRUSTRATED = "frustrated"
    ANGRY = "angry"


class Tier(StrEnum):
    """Risk from the business's point of view (DESIGN.md): what the agent may do on its own."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"low": 0, "medium": 1, "high": 2}[self.value]


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class StaffDirectory:
    """Who counts as staff: exact addresses and whole domains, compared case-insensitively."""

    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    #: The authserv-id of the business's own mail server. When set, a staff address counts only
    #: if that server's Authentication-Results header vouches for it; when empty, by address only.
    authserv_id: str = ""

    @classmethod
    def of(
        cls,
        emails: list[str] | tuple[str, ...],
        domains: list[str] | tuple[str, ...],
        authserv_id: str = "",
    ) -> StaffDirectory:
        return cls(
            emails=frozenset(e.strip().lower() for e in emails if e.strip()),
            domains=frozenset(d.strip().lower().lstrip("@") for d in domains if d.strip()),
            authserv_id=authserv_id.strip(),
        )

    def is_staff(self, address: Address | None) -> bool:
        if address is None or not address.email:
            return False
        email = address.email.lower()
        return email in self.emails or email.rpartition("@")[2] in self.domains


@dataclass(frozen=True)
class ParsedEmail:
    """One inbound message, decoded once. `customer` is who the business is talking to: the
    sender, or for a staff forward the original sender of the forwarded message."""

    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: Address | None
    subject: str
    date: datetime | None
    text: str
    quoted: str
    signature: str
    attachments: tuple[Attachment, ...]
    customer: Address
    automatic: str = ""
    forwarded_by: Address | None = None
    staff_note: str = ""
    original_message_id: str = ""
    defects: tuple[str, ...] = ()
    #: The sender is staff, and (when TRUSTED_AUTHSERV_ID is set) our mail server vouches for it.
    from_staff: bool = False
    #: Our own mail server (TRUSTED_AUTHSERV_ID) vouches for the sender's address.
    sender_verified: bool = False
    #: The text of a forwarded or attached message that was not unwrapped (not a trusted staff
    #: forward): not the customer's new text, but the policy reads it all the same.
    embedded_text: str = ""
    #: Why the headers that name the sender cannot be trusted (several From addresses, a name
    #: hiding a line break or another address, an envelope of another domain): no draft is
    #: written and a person looks first.
    suspicious: tuple[str, ...] = ()

    @property
    def person_first(self) -> tuple[str, ...]:
        """Why a person must read this before anyone answers it, whatever its risk."""
        reasons = tuple(f"suspicious sender: {doubt}" for doubt in self.suspicious)
        if not self.text.strip() and not self.is_automatic:
            reasons += ("no readable text to answer: a person reads it",)
        return reasons

    @property
    def risk_text(self) -> str:
        """Everything the policy must read: subject, staff note, new text, embedded forward."""
        return "\n".join(
            part for part in (self.subject, self.staff_note, self.text, self.embedded_text) if part
        )

    @property
    def is_automatic(self) -> bool:
        return bool(self.automatic)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [r for r in reversed(self.references) if r not in ids]
        return tuple(ids)


@dataclass(frozen=True)
class InvoiceFact:
    """One invoice or credit note exactly as the business's records show it: all that a draft may
    say about it. `balance` is what is still owed (negative for an open credit); `total - balance`
    is what payments and credits have already taken off."""

    number: str
    kind: str  # "invoice" or "credit"
    currency: str
    balance: Decimal
    due_date: date
    status: str  # "open", "paid", "disputed" or "void"
    total: Decimal | None = None
    issue_date: date | None = None
    paid_on: date | None = None

    @property
    def is_credit(self) -> bool:
        return self.kind == "credit"

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


@dataclass(frozen=True)
class Account:
    """What the records show for one customer: open and disputed items, and those marked paid
    recently (newest first), as of the latest export."""

    customer_name: str
    invoices: tuple[InvoiceFact, ...] = ()
    as_of: date | None = None

    @property
    def open_items(self) -> tuple[InvoiceFact, ...]:
        return tuple(i for i in self.invoices if i.status in ("open", "disputed"))

    @property
    def paid_items(self) -> tuple[InvoiceFact, ...]:
        return tuple(i for i in self.invoices if i.status == "paid")


@dataclass(frozen=True)
class Passage:
    """One passage of the business's knowledge folder, as retrieval found it for a question."""

    #: Stable while the file is unchanged: "<file>#<n>", n counting passages from 1.
    id: str
    #: The file's path inside KNOWLEDGE_DIR, with "/" separators: "policies/returns.md".
    file: str
    heading: str
    text: str
    #: The passage's language code ("en", "de", ...): from the file name ("returns.de.md"),
    #: else KNOWLEDGE_LANGUAGE.
    language: str
    score: float = 0.0
    #: The question's concepts (words and business topics) this passage holds that no better
    #: passage for the same question holds, with their weights: what it adds to the answer.
    adds: tuple[tuple[str, float], ...] = ()
    #: On the best passage only: what the question asks that no passage found answers, as the
    #: names of business topics ("custom printing"); a draft quoting the passages is then
    #: marked for a person to complete.
    unanswered: tuple[str, ...] = ()
    #: Found for one of the message's separate questions (knowledge.question.asking_parts)
    #: that the passages for the whole message did not answer.
    answers_part: bool = False


@dataclass(frozen=True)
class Example:
    """A reply a person approved (as drafted or edited), offered as the model for a new message
    like the one it answered."""

    draft_id: int
    ticket_id: int | None
    category: str
    language: str
    #: The customer's text it answered, and the body that was approved (as sent).
    question: str
    body: str
    #: The facts the approved reply was written from (`Draft.facts`): what its wording may be
    #: adapted from when the new message's facts differ.
    facts: dict = field(default_factory=dict)
    score: float = 0.0


@dataclass(frozen=True)
class TriageContext:
    """What the triage agent may see: only what the decision needs."""

    subject: str
    text: str
    customer: Address
    business_name: str
    staff_note: str = ""
    thread_summary: str = ""
    attachments: tuple[str, ...] = ()
    #: The customer's account as the records show it (None: no export lists the address).
    account: Account | None = None
    #: The language the customer wrote in ("en", "de", "fr", "es", "it", ...) and its English name.
    language: str = "en"
    language_name: str = "English"
    #: The knowledge folder's passages most relevant to the message, best first.
    passages: tuple[Passage, ...] = ()
    #: What the folder says the business does next for a kind of message, whatever the
    #: message asks (`knowledge.procedures_for`): how a payment is matched and confirmed.
    procedures: tuple[Passage, ...] = ()
    #: Earlier approved replies to messages like this one, best first.
    examples: tuple[Example, ...] = ()
    #: How the business is paid, from settings only (PAYMENT_DETAILS): never from mail or a model.
    payment_details: str = ""
    #: The day the facts are as of, for "days overdue".
    today: date | None = None


@dataclass(frozen=True)
class Proposal:
    """What an agent proposes. The policy decides what may happen with it."""

    category: Category
    urgency: Urgency
    tone: Tone
    needs_human: bool
    human_reason: str
    summary: str
    draft_body: str
    backend: str
    model_tier: Tier | None = None
    uncertain: tuple[str, ...] = ()
    #: Why the model's answer was not used and the rules backend answered instead.
    fallback_reason: str = ""
    #: The language the draft is written in ("" when there is no draft).
    language: str = ""
    #: The knowledge passages the draft quotes or paraphrases, and the approved reply it reuses.
    passages: tuple[Passage, ...] = ()
    example: Example | None = None
    #: The facts the draft states, by role ("invoices", "matched", "name", ...): kept with the
    #: draft for the audit, and to adapt its wording when a person approves it and it is reused.
    facts: dict = field(default_factory=dict)
    #: Why the context holds no answer to what was asked: the draft says what happens next and
    #: the ticket is marked for a person.
    unanswered: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    #: Who decided the category and urgency: "rules", or the learned model ("model v3") where its
    #: answer, confident and allowed (`learned.combine`), replaced the rules'; "" for a backend
    #: that does not say.
    decided_by: str = ""
    #: The learned model's confidence in its category, when one was asked.
    model_confidence: float | None = None
    #: The version of the learned model asked, when one was.
    model_version: int | None = None
    #: The rule behind the rules' category and urgency, each prefixed with what it gave, and the
    #: words of the message it matched ("payment_claimed: PAYMENT_CLAIMED #1", "we have
    #: already paid"): where the learned model decided, the rules' answer it replaced. "" for a
    #: backend that has no rules.
    category_rule: str = ""
    category_rule_words: str = ""
    urgency_rule: str = ""
    urgency_rule_words: str = ""


@dataclass(frozen=True)
class Assessment:
    """The policy's verdict: the tier, why, and what the agent may do."""

    tier: Tier
    reasons: tuple[str, ...] = field(default_factory=tuple)
    #: A person answers even though the tier alone would allow a draft.
    escalate: bool = False

    @property
    def may_draft(self) -> bool:
        return self.tier is not Tier.HIGH and not self.escalate
