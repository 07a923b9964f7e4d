"""Two approvers deciding the same draft at the same moment: one wins, the other is told."""

from __future__ import annotations

import pytest

from mailagent.models import ApprovalLink, Draft, OutboundEmail
from mailagent.services import approvals
from mailagent.services.approvals import LinkState, approval_decide, approval_link_check
from tests.factories import SECOND_APPROVER, reply_draft, review_path


def token_of(path: str) -> str:
    return path.rstrip("/").rpartition("/")[2]


@pytest.mark.django_db(transaction=True)
def test_approver_beaten_between_check_and_write_is_told_and_nothing_is_sent_twice(
    settings, monkeypatch
):
    settings.APPROVER_EMAILS = ["owner@acme.example", SECOND_APPROVER]
    draft = reply_draft()
    mine, theirs = (
        token_of(review_path(draft)),
        token_of(review_path(draft, approver=SECOND_APPROVER)),
    )
    # My check ran while the draft still waited; their decision lands before my write.
    seen_while_pending = approval_link_check(draft_id=draft.pk, token=mine)
    approval_decide(draft_id=draft.pk, token=theirs, action="approve")
    monkeypatch.setattr(approvals, "approval_link_check", lambda **_: seen_while_pending)

    decision = approval_decide(draft_id=draft.pk, token=mine, action="reject", reason="Too late")

    assert decision.check.state is LinkState.DECIDED
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SENT
    assert OutboundEmail.objects.filter(draft=draft).count() == 1
    assert ApprovalLink.objects.get(pk=seen_while_pending.link.pk).used_at is None
