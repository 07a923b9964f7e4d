"""Frozen values passed between layers: parsing -> agents -> policy -> services.

Nothing here touches the database or the network; these are the words the layers speak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
class TriageContext:
    """What the triage agent may see: only what the decision needs."""

    subject: str
    text: str
    customer: Address
    business_name: str
    staff_note: str = ""
    thread_summary: str = ""
    attachments: tuple[str, ...] = ()
    open_invoices: tuple[str, ...] = ()


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
    prompt_tokens: int = 0
    completion_tokens: int = 0


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
