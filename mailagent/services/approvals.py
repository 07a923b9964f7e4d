"""Approval by magic link: issue links to approvers, check a link, act on a person's decision.

A GET never changes anything (mail scanners open links on their own); only `approval_decide`,
called from a POST carrying the CSRF token, acts. A link is scoped to one draft and its current
version, expires, and works once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mailagent.enqueue import enqueue_send
from mailagent.models import ApprovalLink, Draft, OutboundEmail
from mailagent.services.audit import SYSTEM, audit_batch, audit_record
from mailagent.services.drafts import AlreadyDecided, draft_approve, draft_reject
from mailagent.services.outbound import draft_delivery_problem, notice_send
from mailagent.tokens import TokenInvalid, TokenPayload, token_hash, token_make, token_read


@dataclass(frozen=True)
class IssuedLink:
    approver: str
    draft_id: int
    url: str


class LinkState(StrEnum):
    OK = "ok"
    TAMPERED = "tampered"
    EXPIRED = "expired"
    FOREIGN = "foreign"
    USED = "used"
    STALE = "stale"
    DECIDED = "decided"
    SUPERSEDED = "superseded"
    UNDELIVERABLE = "undeliverable"


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    draft: Draft | None = None
    link: ApprovalLink | None = None
    payload: TokenPayload | None = None
    #: What is wrong, in words, where the state alone does not say (an undeliverable address).
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state is LinkState.OK


def _max_age_seconds() -> int:
    return settings.APPROVAL_LINK_MAX_AGE_HOURS * 3600


def approval_link_issue(*, draft: Draft, approver: str) -> IssuedLink:
    token = token_make(draft_id=draft.pk, version=draft.version, approver=approver)
    ApprovalLink.objects.create(
        draft=draft,
        draft_version=draft.version,
        approver=approver,
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(seconds=_max_age_seconds()),
    )
    path = reverse("portal:review", kwargs={"draft_id": draft.pk, "token": token})
    return IssuedLink(approver=approver, draft_id=draft.pk, url=f"{settings.PORTAL_BASE_URL}{path}")


def approval_link_check(*, draft_id: int, token: str) -> LinkCheck:
    """What this link may do now. Reads only."""
    try:
        payload = token_read(token, max_age_seconds=_max_age_seconds())
    except TokenInvalid as exc:
        if exc.payload is None:
            return LinkCheck(LinkState.TAMPERED)
        draft = Draft.objects.filter(pk=exc.payload.draft_id).first()
        if exc.payload.draft_id != draft_id:
            return LinkCheck(LinkState.FOREIGN)
        return LinkCheck(LinkState.EXPIRED, draft=draft, payload=exc.payload)
    if payload.draft_id != draft_id:
        return LinkCheck(LinkState.FOREIGN, payload=payload)
    # The link, its draft and the draft's ticket in one query: every view of the page asks.
    link = next(
        iter(
            ApprovalLink.objects.select_related("draft__ticket")
            .filter(token_hash=token_hash(token), draft_id=draft_id)
            .order_by()[:1]  # the hash is unique: no need to sort
        ),
        None,
    )
    if link is None:
        return LinkCheck(LinkState.FOREIGN, payload=payload)
    draft = link.draft
    if link.used_at is not None:
        return LinkCheck(LinkState.USED, draft=draft, link=link, payload=payload)
    if draft.status == Draft.Status.SUPERSEDED:
        return LinkCheck(LinkState.SUPERSEDED, draft=draft, link=link, payload=payload)
    if draft.status != Draft.Status.PENDING:
        return LinkCheck(LinkState.DECIDED, draft=draft, link=link, payload=payload)
    if draft.version != payload.version:
        return LinkCheck(LinkState.STALE, draft=draft, link=link, payload=payload)
    return LinkCheck(LinkState.OK, draft=draft, link=link, payload=payload)


@dataclass(frozen=True)
class Decision:
    check: LinkCheck
    draft: Draft | None = None


def approval_decide(
    *, draft_id: int, token: str, action: str, body: str | None = None, reason: str = ""
) -> Decision:
    """Act on a person's decision: "approve" (with their edits, if any) or "reject"."""
    try:
        with transaction.atomic():
            check = approval_link_check(draft_id=draft_id, token=token)
            if not check.ok:
                return Decision(check=check)
            problem = draft_delivery_problem(check.draft) if action != "reject" else ""
            if problem:
                # Refused before the click counts: the link stays usable for a rejection.
                state = LinkState.UNDELIVERABLE
                return Decision(check=LinkCheck(state, check.draft, check.link, detail=problem))
            # Spend the link first: of two concurrent clicks exactly one gets past this line.
            spent = ApprovalLink.objects.filter(pk=check.link.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not spent:
                return Decision(check=LinkCheck(LinkState.USED, draft=check.draft, link=check.link))
            approver = check.payload.approver
            if action == "reject":
                draft = draft_reject(draft_id=draft_id, approver=approver, reason=reason)
            else:
                draft = draft_approve(draft_id=draft_id, approver=approver, body=body)
                transaction.on_commit(lambda: enqueue_send(draft_id), robust=True)
    except AlreadyDecided as exc:
        # Another approver's link won between our check and our write; the link stays unspent.
        return Decision(check=LinkCheck(LinkState.DECIDED, draft=exc.draft, link=check.link))
    draft.refresh_from_db()
    return Decision(check=check, draft=draft)


def drafts_awaiting_links() -> list[Draft]:
    """Pending drafts that have no unexpired, unused link for their current version."""
    return list(_awaiting_links())


def _awaiting_links():
    live = ApprovalLink.objects.filter(
        draft=OuterRef("pk"),
        draft_version=OuterRef("version"),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return (
        Draft.objects.filter(status=Draft.Status.PENDING)
        .exclude(Exists(live))
        .select_related("ticket")
        .order_by("created_at", "id")
    )


# An approval request is read by a person: past this many links it is a list nobody works
# through, and every link costs a row and a token. The rest wait for the next pass, and the
# daily digest lists every waiting draft with a link of its own.
LINKS_PER_REQUEST = 50


def approval_requests_send(
    *, drafts: list[Draft] | None = None, approvers: list[str] | None = None
) -> list[IssuedLink]:
    """Email each approver one message with a fresh link for every draft that needs one (given,
    or else the LINKS_PER_REQUEST oldest waiting for one, with a line saying how many more
    wait). The links that were delivered are returned; those in a request that could not be
    sent are expired at once, so the next pass sends them again instead of waiting out their
    age."""
    more = 0
    if drafts is None:
        awaiting = _awaiting_links()
        drafts = list(awaiting[:LINKS_PER_REQUEST])
        more = awaiting.count() - len(drafts) if len(drafts) == LINKS_PER_REQUEST else 0
    approvers = list(settings.APPROVER_EMAILS) if approvers is None else approvers
    issued: list[IssuedLink] = []
    reached: list[str] = []
    if not drafts:
        return issued
    for approver in approvers:
        links = [(d, approval_link_issue(draft=d, approver=approver)) for d in drafts]
        if _approval_request_mail(approver, links, more=more).status == OutboundEmail.Status.SENT:
            issued += [link for _, link in links]
            reached.append(approver)
        else:
            unsent = [token_hash(link.url.rstrip("/").rpartition("/")[2]) for _, link in links]
            ApprovalLink.objects.filter(token_hash__in=unsent).update(expires_at=timezone.now())
    with audit_batch():
        for draft in drafts if reached else []:
            audit_record(
                action="approval.requested",
                obj=draft,
                actor=SYSTEM,
                summary=f"Approval link sent to {', '.join(reached)}",
                version=draft.version,
            )
    return issued


def _approval_request_mail(
    approver: str, links: list[tuple[Draft, IssuedLink]], *, more: int = 0
) -> OutboundEmail:
    context = {
        "links": links,
        "more": more,
        "business_name": settings.BUSINESS_NAME,
        "hours": settings.APPROVAL_LINK_MAX_AGE_HOURS,
    }
    count = len(links)
    subject = f"{count} draft{'s' if count != 1 else ''} waiting for your approval"
    if more:
        subject = f"{count} of {count + more:,} drafts waiting for your approval"
    body = render_to_string("portal/email/approval_request.txt", context)
    html = render_to_string("portal/email/approval_request.html", context)
    return notice_send(
        kind=OutboundEmail.Kind.APPROVAL_REQUEST,
        to=[approver],
        subject=subject,
        body=body,
        html=html,
    )


@dataclass(frozen=True)
class Renewal:
    approver: str
    already_sent: bool
    mail_failed: bool = False


def approval_link_renew(*, check: LinkCheck) -> Renewal | None:
    """A fresh link for an expired or outdated one, mailed to the approver it was issued to (never
    to whoever holds the old link). None when the draft no longer waits or the approver is gone."""
    if check.state not in (LinkState.EXPIRED, LinkState.STALE) or check.draft is None:
        return None
    approver = check.payload.approver if check.payload else ""
    draft = check.draft
    approvers = [*settings.APPROVER_EMAILS, *settings.BACKUP_APPROVER_EMAILS]
    if draft.status != Draft.Status.PENDING or approver not in approvers:
        return None
    live = ApprovalLink.objects.filter(
        draft=draft,
        draft_version=draft.version,
        approver=approver,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if live.exists():
        return Renewal(approver=approver, already_sent=True)
    sent = approval_requests_send(drafts=[draft], approvers=[approver])
    return Renewal(approver=approver, already_sent=False, mail_failed=not sent)
