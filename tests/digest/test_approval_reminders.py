"""Drafts left waiting longer than APPROVAL_REMIND_HOURS are raised again, to the backup
approvers when there are any, once per version of each draft."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailagent.models import ApprovalLink, AuditEvent
from mailagent.services.digest import approval_reminders_send, digest_send
from tests.conftest import outbox_messages
from tests.digest.conftest import NOW, REVIEW, at, digests
from tests.factories import reminder_draft, reply_draft

pytestmark = pytest.mark.django_db

BACKUP = "backup@acme.example"


@pytest.fixture
def waiting(settings):
    settings.TIME_ZONE = "UTC"
    settings.APPROVAL_REMIND_HOURS = 24
    with at(datetime(2026, 3, 10, 7, 0, tzinfo=UTC)):
        old = reminder_draft()  # 24.5 hours old at NOW
    with at(datetime(2026, 3, 10, 8, 0, tzinfo=UTC)):
        fresh = reply_draft()  # 23.5 hours old
    return old, fresh


def requests_to(settings, address: str):
    return [
        m
        for m in outbox_messages(settings)
        if m["To"] == address and "waiting for your approval" in m["Subject"]
    ]


def test_the_backup_approver_gets_the_drafts_waiting_too_long(settings, waiting):
    old, _ = waiting
    settings.BACKUP_APPROVER_EMAILS = [BACKUP]

    with at(NOW):
        result = digest_send()

    assert [d.pk for d in result.reminded] == [old.pk]
    [request] = requests_to(settings, BACKUP)
    assert request["Subject"] == "1 draft waiting for your approval"
    text = request.get_body(("plain",)).get_content()
    assert [int(path.split("/")[2]) for path in REVIEW.findall(text)] == [old.pk]
    assert ApprovalLink.objects.get(approver=BACKUP).draft_id == old.pk
    event = AuditEvent.objects.get(action="approval.reminded")
    assert (event.target_id, event.details["to"], event.details["version"]) == (
        old.pk,
        [BACKUP],
        1,
    )
    # The digest itself still goes to the approvers, flagging the old draft.
    [digest] = digests(settings)
    assert "[waiting over 24 hours]" in digest.get_body(("plain",)).get_content()


def test_a_draft_is_raised_to_the_backup_once(settings, waiting):
    settings.BACKUP_APPROVER_EMAILS = [BACKUP]

    with at(NOW):
        approval_reminders_send(now=NOW)
        again = approval_reminders_send(now=NOW)

    assert again == []
    assert len(requests_to(settings, BACKUP)) == 1


def test_without_a_backup_nothing_extra_is_sent(settings, waiting):
    settings.BACKUP_APPROVER_EMAILS = []

    with at(NOW):
        result = digest_send()

    assert result.reminded == []
    assert requests_to(settings, BACKUP) == []
    assert not AuditEvent.objects.filter(action="approval.reminded").exists()


def test_a_backup_approver_reading_the_digest_gets_links_too(settings, waiting):
    settings.BACKUP_APPROVER_EMAILS = [BACKUP]
    settings.DIGEST_RECIPIENTS = [BACKUP]

    with at(NOW):
        digest_send()

    [digest] = digests(settings)
    assert len(REVIEW.findall(digest.get_body(("plain",)).get_content())) == 2


@pytest.mark.usefixtures("waiting")
def test_a_backup_approvers_expired_link_can_be_renewed(settings, client):
    from datetime import timedelta

    from tests.portal.conftest import ask_for_fresh_link

    settings.BACKUP_APPROVER_EMAILS = [BACKUP]
    with at(NOW):
        approval_reminders_send(now=NOW)
    [request] = requests_to(settings, BACKUP)
    [path] = REVIEW.findall(request.get_body(("plain",)).get_content())

    expired = NOW + timedelta(hours=settings.APPROVAL_LINK_MAX_AGE_HOURS + 1)
    with at(expired):
        answer = ask_for_fresh_link(client, path)

    assert answer.status_code == 200
    assert len(requests_to(settings, BACKUP)) == 2
