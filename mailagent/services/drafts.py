"""Drafts through their life: created by an agent, decided by a person, superseded by newer ones.

Every transition is a conditional change on the current state, audited in the same transaction.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mailagent.errors import InvalidTransition
from mailagent.models import Draft, Ticket
from mailagent.services.audit import AGENT, audit_record
from mailagent.types import Tier

_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class AlreadyDecided(InvalidTransition):
    def __init__(self, draft: Draft) -> None:
        super().__init__(f"Draft #{draft.pk} is already {draft.get_status_display()}.")
        self.draft = draft


def unfamiliar_references(
    draft_body: str, thread_text: str, allowed: tuple[str, ...] = ()
) -> list[str]:
    """Links and addresses in a draft that appear nowhere in the thread: a person should look.

    A model that was talked into it ("send the invoices to ...") shows up here.
    """
    known = thread_text.lower()
    flags = []
    for pattern, label in ((_URL, "link"), (_EMAIL, "address")):
        for found in dict.fromkeys(pattern.findall(draft_body)):
            if found.lower() not in known and found.lower() not in allowed:
                flags.append(f"The draft contains a {label} not found in the conversation: {found}")
    return flags


def draft_new(
    *,
    ticket: Ticket | None,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    in_reply_to: str = "",
    references: str = "",
    risk: Tier = Tier.MEDIUM,
    flags: list[str] | None = None,
    **grounds: object,
) -> Draft:
    """A pending draft, not saved yet: what `drafts_save` stores. `grounds` are what a reply was
    written from (`Draft.language`, `sources`, `facts`, `question`, `based_on_id`)."""
    return Draft(
        ticket=ticket,
        kind=kind,
        to_addresses=to,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to,
        references=references,
        risk=risk,
        flags=flags or [],
        **grounds,
    )


def drafts_save(drafts: list[Draft]) -> None:
    """Store new drafts in one statement. The caller supersedes what they replace
    (`drafts_supersede`) and audits each (`draft_created_audit`) at its place in the trail."""
    if drafts:
        Draft.objects.bulk_create(drafts)


def draft_create(
    *,
    actor: str = AGENT,
    triggered_at: datetime | None = None,
    supersede: bool = True,
    **fields,
) -> Draft:
    """Save a new pending draft (`draft_new`'s fields), superseding any draft still pending on
    the same ticket (`supersede=False` when the caller knows there is none: a ticket it has just
    opened), audited.

    `triggered_at` is when the work began (the message arrived, the reminder run started); the
    metrics measure cycle time from it.
    """
    draft = draft_new(**fields)
    with transaction.atomic():
        if draft.ticket is not None and supersede:
            for old in drafts_supersede(ticket_ids=[draft.ticket.pk]):
                draft_superseded_audit(old)
        drafts_save([draft])
        draft_created_audit(draft, actor=actor, triggered_at=triggered_at)
    return draft


def drafts_supersede(*, ticket_ids: list[int]) -> list[Draft]:
    """Mark the drafts still pending on these tickets superseded (in one statement); they are
    returned, for the caller to audit each at its place in the trail."""
    old = list(
        Draft.objects.select_for_update().filter(
            ticket_id__in=ticket_ids, status=Draft.Status.PENDING
        )
    )
    if old:
        now = timezone.now()
        Draft.objects.filter(pk__in=[d.pk for d in old]).update(
            status=Draft.Status.SUPERSEDED, decided_at=now
        )
        for draft in old:
            draft.status, draft.decided_at = Draft.Status.SUPERSEDED, now
    return old


def draft_superseded_audit(draft: Draft) -> None:
    audit_record(action="draft.superseded", obj=draft, summary="A newer message came in")


def draft_created_audit(
    draft: Draft, *, actor: str = AGENT, triggered_at: datetime | None = None
) -> None:
    audit_record(
        action="draft.created",
        obj=draft,
        actor=actor,
        summary=f"Drafted a {draft.get_kind_display()} to {', '.join(draft.to_addresses)}",
        recommended=draft.body,
        flags=draft.flags,
        workflow=draft.kind,
        triggered_at=(triggered_at or draft.created_at).isoformat(),
        **_grounds(draft),
    )


def _grounds(draft: Draft) -> dict:
    """What a reply was written from, for its audit event: its language, the passages it quotes
    and the approved reply it reuses (when any)."""
    found = {}
    if draft.language:
        found["language"] = draft.language
    if draft.sources:
        found["passages"] = [s.get("id", "") for s in draft.sources]
    if draft.based_on_id:
        found["based_on"] = draft.based_on_id
    if draft.facts.get("shape"):
        found["checked"] = ["facts against the records and the knowledge folder"]
    return found


def edit_size(before: str, after: str) -> int:
    """Characters a person changed: inserted plus deleted, from a character-level diff."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


@transaction.atomic
def draft_approve(*, draft_id: int, approver: str, body: str | None = None) -> Draft:
    """Approve a pending draft, with the approver's edits if any. Sending is queued separately."""
    draft = Draft.objects.select_for_update().get(pk=draft_id)
    if draft.status != Draft.Status.PENDING:
        raise AlreadyDecided(draft)
    fields = ["status", "decided_at", "decided_by"]
    if body is not None:
        body = body.replace("\r\n", "\n").strip()
    if body and body != draft.body:
        diff = "\n".join(
            difflib.unified_diff(
                draft.body.splitlines(), body.splitlines(), "draft", "approved", lineterm=""
            )
        )
        audit_record(
            action="draft.edited",
            obj=draft,
            actor=approver,
            summary=f"Edited before approval ({len(diff.splitlines())} diff lines)",
            before=draft.body,
            after=body,
            diff=diff,
            workflow=draft.kind,
            edit_size=edit_size(draft.body, body),
        )
        draft.body, draft.version = body, draft.version + 1
        fields += ["body", "version"]
    draft.status, draft.decided_at, draft.decided_by = (
        Draft.Status.APPROVED,
        timezone.now(),
        approver,
    )
    draft.save(update_fields=fields)
    audit_record(
        action="draft.approved",
        obj=draft,
        actor=approver,
        summary="Approved to send" + (" with edits" if "body" in fields else ""),
        workflow=draft.kind,
        edited="body" in fields,
    )
    return draft


@transaction.atomic
def draft_reject(*, draft_id: int, approver: str, reason: str) -> Draft:
    draft = Draft.objects.select_for_update().get(pk=draft_id)
    if draft.status != Draft.Status.PENDING:
        raise AlreadyDecided(draft)
    draft.status, draft.decided_at, draft.decided_by = (
        Draft.Status.REJECTED,
        timezone.now(),
        approver,
    )
    draft.reject_reason = reason.strip()
    draft.save(update_fields=["status", "decided_at", "decided_by", "reject_reason"])
    audit_record(
        action="draft.rejected",
        obj=draft,
        actor=approver,
        summary=f"Rejected: {reason}"[:500],
        workflow=draft.kind,
    )
    if draft.ticket_id:
        Ticket.objects.filter(pk=draft.ticket_id, status=Ticket.Status.AWAITING_APPROVAL).update(
            status=Ticket.Status.OPEN, updated_at=timezone.now()
        )
    return draft
