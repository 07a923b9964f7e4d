"""Sends a person must look at: those that failed, and those whose delivery is unknown. Reads
only; the digest lists them, the admin resolves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from mailagent.models import AuditEvent, Draft, OutboundEmail


@dataclass(frozen=True)
class Undelivered:
    """A send that did not (or may not have) reached its recipients: a person must look."""

    state: str  # "failed" or "delivery unknown"
    what: str
    subject: str
    to: tuple[str, ...]
    error: str
    admin_path: str


def _admin_path(obj: Draft | OutboundEmail) -> str:
    return f"/admin/mailagent/{obj._meta.model_name}/{obj.pk}/change/"


def _undelivered(obj: Draft | OutboundEmail, state: str) -> Undelivered:
    if isinstance(obj, Draft):
        to, what = obj.to_addresses, obj.get_kind_display()
    else:
        to, what = obj.recipients, obj.get_kind_display()
    return Undelivered(state, what, obj.subject, tuple(to), obj.error, _admin_path(obj))


def undelivered_sends(*, since: datetime, now: datetime) -> list[Undelivered]:
    """Sends whose delivery is unknown (every one, until a person resolves it), then those that
    failed since the last digest and are still failed. Approval requests are left out: a pass
    that could not mail one sends fresh links on the next."""
    unknown = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.DELIVERY_UNKNOWN)
        .exclude(kind=OutboundEmail.Kind.APPROVAL_REQUEST)
        .select_related("draft")
        .order_by("last_attempt_at", "id")
    )
    result = [_undelivered(o.draft or o, "delivery unknown") for o in unknown]
    failures = AuditEvent.objects.filter(
        action__in=("draft.send_failed", "notice.failed"), created_at__gte=since, created_at__lt=now
    ).values_list("target_type", "target_id")
    draft_type = ContentType.objects.get_for_model(Draft)
    draft_ids = {t for kind, t in failures if kind == draft_type.pk}
    notice_ids = {t for kind, t in failures if kind != draft_type.pk}
    failed_drafts = Draft.objects.filter(pk__in=draft_ids, status=Draft.Status.FAILED)
    failed_notices = OutboundEmail.objects.filter(
        pk__in=notice_ids, status=OutboundEmail.Status.FAILED, draft__isnull=True
    ).exclude(kind=OutboundEmail.Kind.APPROVAL_REQUEST)
    result += [_undelivered(d, "failed") for d in failed_drafts.order_by("id")]
    result += [_undelivered(o, "failed") for o in failed_notices.order_by("id")]
    return result
