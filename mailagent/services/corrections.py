"""One-click corrections of a ticket's triage: a person sets its category, its urgency or whether
it needs a person, from the approval page (`approval_correct`, checked like a decision) or the
admin (`ticket_correct`).

Each change is one `ticket.corrected` event, with the person as its actor and its time, naming the
field with its values before and after: `{"field": "category", "before": "support_question",
"after": "refund_request", "via": "approval page"}`. `services.triage_training` takes the category
and urgency ones as labelled history; a "needs a person" one names `needs_human` and nothing
else, so that it is kept for a training that learns when to hand a message over, and teaches no
category nobody checked.

The policy keeps the last word and only ever raises a risk. A person who says a message is high
risk (a refund request, a bank-detail change) or needs a person turns its ticket into an escalated
one, as triage does when the policy allows no draft: the ticket is high risk, waits for a person
(`Ticket.Status.ESCALATED`, `needs_human`), the reply still pending is withdrawn (rejected in the
person's name, with the reason), and the approvers get the escalation notice. A correction the
other way (a lower-risk category, "no person needed") is that person's decision, recorded as it
is: it lowers no risk and drafts or sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from mailagent.errors import UserInputError
from mailagent.models import ApprovalLink, Draft, InboundEmail, Ticket
from mailagent.policy import CATEGORY_TIERS
from mailagent.services.approvals import LinkCheck, approval_link_check
from mailagent.services.audit import audit_record
from mailagent.services.drafts import draft_reject
from mailagent.services.escalations import escalation_notify_on_commit
from mailagent.types import Category, Tier, Urgency

CORRECTED = "ticket.corrected"


class Corrected(StrEnum):
    """The ticket fields a person corrects with one click."""

    CATEGORY = "category"
    URGENCY = "urgency"
    NEEDS_HUMAN = "needs_human"

    @property
    def label(self) -> str:
        return "needs a person" if self is Corrected.NEEDS_HUMAN else self.value


class InvalidCorrection(UserInputError):
    """A field that cannot be corrected, or a value it cannot take."""


Value = str | bool


@dataclass(frozen=True)
class Correction:
    ticket: Ticket
    field: Corrected
    before: Value
    after: Value
    #: Why nothing changed, in words ("" when the ticket changed): it already had that value,
    #: or someone changed the field after the person saw it.
    unchanged: str = ""
    #: The ticket now waits for a person: the policy's answer to a high-risk correction.
    escalated: bool = False
    withdrawn: tuple[int, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return not self.unchanged


def value_label(value: Value) -> str:
    """A field's value as a person reads it: "refund request", "high", "yes"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.replace("_", " ") or "(none)"


def correction_parse(*, field: str, value: str) -> tuple[Corrected, Value]:
    """A correction as a form posts it (`"needs_human"`, `"yes"`), checked and typed."""
    try:
        corrected = Corrected(field)
    except ValueError:
        raise InvalidCorrection(f"{field!r} cannot be corrected here") from None
    if corrected is Corrected.NEEDS_HUMAN:
        if value not in ("yes", "no"):
            raise InvalidCorrection(f"needs a person is yes or no, not {value!r}")
        return corrected, value == "yes"
    allowed = Category if corrected is Corrected.CATEGORY else Urgency
    if value not in {member.value for member in allowed}:
        raise InvalidCorrection(f"{value!r} is not a possible {corrected.label}")
    return corrected, value


def correction_posted(
    *, field: str, value: str, seen: str = ""
) -> tuple[Corrected, Value, Value | None]:
    """A click as a page posts it: the field, the value chosen and the value the person saw
    ("" when the page did not say), each checked and typed."""
    corrected, chosen = correction_parse(field=field, value=value)
    return corrected, chosen, correction_parse(field=field, value=seen)[1] if seen else None


@transaction.atomic
def ticket_correct(
    *,
    ticket_id: int,
    field: Corrected,
    value: Value,
    actor: str,
    seen: Value | None = None,
    via: str = "",
) -> Correction:
    """Set one triage field of a ticket as a person says, audited, with the policy's answer.

    `seen` is the value the person was shown: if someone changed the field since, nothing
    changes (of two clicks at once, the second finds the first's value and changes nothing)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    before = getattr(ticket, field.value)
    if before == value:
        unchanged = f"the {field.label} is already {value_label(value)}"
        return Correction(ticket, field, before, value, unchanged=unchanged)
    if seen is not None and before != seen:
        unchanged = f"someone changed the {field.label} to {value_label(before)} after you looked"
        return Correction(ticket, field, before, value, unchanged=unchanged)
    setattr(ticket, field.value, value)
    said = _tier_said(field, value)
    current = Tier(ticket.risk) if ticket.risk else None
    raised = said if said and (current is None or said.rank > current.rank) else None
    escalate = said is Tier.HIGH
    pending = _pending_drafts(ticket) if escalate else []
    withdrawn = pending if escalate else None
    _correction_audit(
        ticket, field, before, actor=actor, via=via, raised=raised, withdrawn=withdrawn
    )
    updated = [field.value, "updated_at"]
    if said is not None and (raised or escalate):
        reason = _reason(field, value, actor, said)
        ticket.risk, ticket.risk_reasons = raised or ticket.risk, [*ticket.risk_reasons, reason]
        updated += ["risk", "risk_reasons"]
        if escalate:
            _hand_to_a_person(ticket, pending=pending, actor=actor, reason=reason)
            updated += ["needs_human", "human_reason", "status"]
    ticket.save(update_fields=list(dict.fromkeys(updated)))
    return Correction(ticket, field, before, value, escalated=escalate, withdrawn=tuple(pending))


def _correction_audit(
    ticket: Ticket,
    field: Corrected,
    before: Value,
    *,
    actor: str,
    via: str,
    raised: Tier | None,
    withdrawn: list[int] | None,
) -> None:
    """The one event of a correction. Its details name only the field and its values, and what
    the policy made of it (the risk raised; when it escalated, the drafts withdrawn, None when it
    did not): `triage_training` takes any event whose details mention the category or the
    urgency for a correction of them."""
    after = getattr(ticket, field.value)
    audit_record(
        action=CORRECTED,
        obj=ticket,
        actor=actor,
        summary=f"Corrected the {field.label}: {value_label(before)} -> {value_label(after)}"
        + (f" ({via})" if via else ""),
        field=field.value,
        before=before,
        after=after,
        via=via,
        **({"risk_before": ticket.risk, "risk_after": raised.value} if raised else {}),
        **({"escalated": True, "withdrawn": withdrawn} if withdrawn is not None else {}),
    )


def _reason(field: Corrected, value: Value, actor: str, tier: Tier) -> str:
    if field is Corrected.NEEDS_HUMAN:
        return f"{actor} said it needs a person"
    return f"{actor} corrected it to {value_label(value)} ({tier.value} risk)"


def _tier_said(field: Corrected, value: Value) -> Tier | None:
    """The risk a correction says the message has, as `policy.assess` would rate it: the
    category's own tier, or high for a message that needs a person. None: it says nothing of
    risk, and a correction never lowers one."""
    if field is Corrected.CATEGORY:
        return CATEGORY_TIERS.get(Category(value), Tier.MEDIUM)
    if field is Corrected.NEEDS_HUMAN and value is True:
        return Tier.HIGH
    return None


def _pending_drafts(ticket: Ticket) -> list[int]:
    """The ticket's drafts still waiting for approval, locked: none may be approved meanwhile."""
    drafts = Draft.objects.select_for_update().filter(ticket=ticket, status=Draft.Status.PENDING)
    return list(drafts.order_by("pk").values_list("pk", flat=True))


def _hand_to_a_person(ticket: Ticket, *, pending: list[int], actor: str, reason: str) -> None:
    """The ticket waits for a person as an escalated one does: no reply of the agent's goes out,
    and the approvers are told (once: a ticket already escalated was already told)."""
    for draft_id in pending:
        draft_reject(
            draft_id=draft_id, approver=actor, reason=f"Withdrawn: {reason}; a person answers."
        )
    already = ticket.status == Ticket.Status.ESCALATED
    ticket.status, ticket.needs_human, ticket.human_reason = (
        Ticket.Status.ESCALATED,
        True,
        reason,
    )
    latest = (
        InboundEmail.objects.filter(ticket=ticket)
        .order_by("-received_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if not already and latest is not None:
        escalation_notify_on_commit(ticket_id=ticket.pk, email_id=latest)


@dataclass(frozen=True)
class LinkCorrection:
    check: LinkCheck
    correction: Correction | None = None


def approval_correct(
    *, draft_id: int, token: str, field: Corrected, value: Value, seen: Value | None = None
) -> LinkCorrection:
    """A correction from the approval page, by the approver the link was issued to. Only a link
    that could approve its draft now may correct: a tampered, expired, used or outdated one
    changes nothing. The link stays usable, unless the correction withdrew its draft: then it has
    decided that draft, and is spent like one that approved or rejected it."""
    with transaction.atomic():
        check = approval_link_check(draft_id=draft_id, token=token)
        if not check.ok or check.draft.ticket_id is None:
            return LinkCorrection(check=check)
        correction = ticket_correct(
            ticket_id=check.draft.ticket_id,
            field=field,
            value=value,
            actor=check.payload.approver,
            seen=seen,
            via="approval page",
        )
        if draft_id in correction.withdrawn:
            ApprovalLink.objects.filter(pk=check.link.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
    return LinkCorrection(check=check, correction=correction)
