"""The digest's "approve all of these" link: one click approves exactly the drafts it listed.

The same rules as a single magic link. A GET only shows which drafts the link covers and which of
them it would still approve; only `batch_approve`, called from a POST carrying the CSRF token,
acts. The token is signed, lists each draft with the version the approver was shown, expires, and
works once; the database keeps only its hash. A draft that changed (a newer version), was decided
or was superseded since the digest is left out, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailagent.enqueue import enqueue_send
from mailagent.models import BatchApprovalLink, Draft
from mailagent.services.audit import audit_record
from mailagent.services.drafts import AlreadyDecided, draft_approve
from mailagent.services.outbound import draft_delivery_problem
from mailagent.tokens import (
    TokenInvalid,
    TokenProblem,
    batch_token_make,
    batch_token_read,
    token_hash,
)


class BatchState(StrEnum):
    OK = "ok"
    TAMPERED = "tampered"
    EXPIRED = "expired"
    USED = "used"


class ItemState(StrEnum):
    READY = "ready"  # pending, at the version shown: approving it is what the link does
    CHANGED = "changed"  # edited since: the approver has not seen this text
    DECIDED = "decided"
    SUPERSEDED = "superseded"
    MISSING = "missing"
    UNDELIVERABLE = "undeliverable"  # its address cannot be delivered to: approved, it would fail


@dataclass(frozen=True)
class BatchItem:
    draft_id: int
    version: int
    state: ItemState
    draft: Draft | None


@dataclass(frozen=True)
class BatchCheck:
    state: BatchState
    items: tuple[BatchItem, ...] = ()
    link: BatchApprovalLink | None = None

    @property
    def ok(self) -> bool:
        return self.state is BatchState.OK

    @property
    def ready(self) -> list[BatchItem]:
        return [item for item in self.items if item.state is ItemState.READY]

    @property
    def left_out(self) -> list[BatchItem]:
        return [item for item in self.items if item.state is not ItemState.READY]


def _max_age_seconds() -> int:
    return settings.APPROVE_ALL_MAX_AGE_HOURS * 3600


def batch_link_issue(*, drafts: list[Draft], approver: str) -> str:
    """The address of a new approve-all link for these drafts at their current versions."""
    items = [(d.pk, d.version) for d in drafts]
    token = batch_token_make(items=items, approver=approver)
    BatchApprovalLink.objects.create(
        approver=approver,
        items=[list(item) for item in items],
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(seconds=_max_age_seconds()),
    )
    return f"{settings.PORTAL_BASE_URL}{reverse('portal:approve_all', kwargs={'token': token})}"


def _item(draft_id: int, version: int, draft: Draft | None) -> BatchItem:
    if draft is None:
        state = ItemState.MISSING
    elif draft.status == Draft.Status.SUPERSEDED:
        state = ItemState.SUPERSEDED
    elif draft.status != Draft.Status.PENDING:
        state = ItemState.DECIDED
    elif draft.version != version:
        state = ItemState.CHANGED
    elif draft_delivery_problem(draft):
        state = ItemState.UNDELIVERABLE
    else:
        state = ItemState.READY
    return BatchItem(draft_id=draft_id, version=version, state=state, draft=draft)


def _items(pairs: list[tuple[int, int]], *, lock: bool = False) -> tuple[BatchItem, ...]:
    drafts = Draft.objects.select_related("ticket").filter(pk__in=[d for d, _ in pairs])
    # Lock the drafts only: PostgreSQL refuses FOR UPDATE on the nullable side of the join.
    found = {d.pk: d for d in (drafts.select_for_update(of=("self",)) if lock else drafts)}
    return tuple(_item(d, v, found.get(d)) for d, v in pairs)


def batch_link_check(*, token: str) -> BatchCheck:
    """What this link covers and may do now. Reads only."""
    try:
        payload = batch_token_read(token, max_age_seconds=_max_age_seconds())
    except TokenInvalid as exc:
        state = BatchState.EXPIRED if exc.problem is TokenProblem.EXPIRED else BatchState.TAMPERED
        return BatchCheck(state)
    link = BatchApprovalLink.objects.filter(token_hash=token_hash(token)).first()
    if link is None or [list(i) for i in payload.items] != link.items:
        return BatchCheck(BatchState.TAMPERED)
    items = _items(list(payload.items))
    if link.used_at is not None:
        return BatchCheck(BatchState.USED, items=items, link=link)
    if link.expires_at <= timezone.now():
        return BatchCheck(BatchState.EXPIRED, items=items, link=link)
    return BatchCheck(BatchState.OK, items=items, link=link)


def batch_approve(*, token: str) -> BatchCheck:
    """Approve every listed draft still at the version shown, and queue each to send like a
    single approval. Returns what each listed draft was found to be, before acting."""
    with transaction.atomic():
        check = batch_link_check(token=token)
        if not check.ok:
            return check
        # Spend the link first: of two concurrent clicks exactly one gets past this line.
        spent = BatchApprovalLink.objects.filter(pk=check.link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            return BatchCheck(BatchState.USED, items=check.items, link=check.link)
        items = _items([(i.draft_id, i.version) for i in check.items], lock=True)
        approved = []
        for item in items:
            if item.state is not ItemState.READY:
                continue
            try:
                draft_approve(draft_id=item.draft_id, approver=check.link.approver)
            except AlreadyDecided:
                continue
            approved.append(item.draft_id)
            transaction.on_commit(lambda d=item.draft_id: enqueue_send(d), robust=True)
        audit_record(
            action="approval.batch_used",
            obj=check.link,
            actor=check.link.approver,
            summary=f"Approved {len(approved)} of {len(items)} drafts from the digest",
            approved=approved,
            left_out={str(i.draft_id): i.state.value for i in items if i.draft_id not in approved},
        )
    return BatchCheck(BatchState.OK, items=items, link=check.link)
