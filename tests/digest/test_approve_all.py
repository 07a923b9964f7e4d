"""The digest's "approve all of these" link: opening it changes nothing; confirming approves
exactly the drafts it listed, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from mailagent.models import Draft
from mailagent.services.approvals import approval_link_issue
from mailagent.services.batch_approvals import batch_link_issue
from mailagent.services.digest import digest_send
from tests.conftest import outbox_messages
from tests.digest.conftest import APPROVE_ALL
from tests.factories import APPROVER, SECOND_APPROVER, customer_message, reminder_draft, reply_draft
from tests.portal.conftest import csrf_token_on, open_and_post, page_text, world

# Sending is queued with transaction.on_commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listed():
    """Two drafts waiting, and the approve-all link a digest gave the approver for them."""
    reply, reminder = reply_draft(), reminder_draft()
    digest_send()
    [message] = outbox_messages_of_digests()
    [path] = set(APPROVE_ALL.findall(message.get_body(("plain",)).get_content()))
    return reply, reminder, path


def outbox_messages_of_digests():
    from django.conf import settings

    return [m for m in outbox_messages(settings) if "daily digest" in m["Subject"]]


def statuses(*drafts: Draft) -> list[str]:
    return [Draft.objects.get(pk=d.pk).status for d in drafts]


def sent_to(settings) -> list[str]:
    return sorted(m["To"] for m in outbox_messages(settings) if "daily digest" not in m["Subject"])


def test_opening_the_link_shows_the_drafts_and_changes_nothing(settings, client, listed):
    reply, reminder, path = listed
    before = world(settings)

    page = client.get(path)
    head = client.head(path)

    assert (page.status_code, head.status_code) == (200, 200)
    assert world(settings) == before
    text = page_text(page)
    assert "Approve 2 drafts" in text
    assert reply.subject in text and reminder.subject in text
    assert text.count("will be approved") == 2
    assert 'id="approve-all"' in page.content.decode()


def test_confirming_approves_and_sends_exactly_the_listed_drafts(settings, browser_client, listed):
    reply, reminder, path = listed
    later = reply_draft(email=customer_message(message_id="<later@customer.example>"))

    answer = open_and_post(browser_client, path)

    assert answer.status_code == 303 and answer["Location"] == f"{path}done/"
    assert statuses(reply, reminder, later) == ["sent", "sent", "pending"]
    assert sent_to(settings) == ["accounts@customer.example", "jane@customer.example"]
    for draft in (reply, reminder):
        draft.refresh_from_db()
        assert draft.decided_by == APPROVER
    outcome = browser_client.get(answer["Location"])
    assert outcome.status_code == 200
    assert page_text(outcome).count("Sent") >= 2
    assert 'data-status="sent"' in outcome.content.decode()


def test_a_post_without_the_csrf_token_is_refused(settings, browser_client, listed):
    _, _, path = listed
    before = world(settings)

    assert browser_client.post(path).status_code == 403
    assert world(settings) == before


def test_a_draft_decided_or_changed_since_the_digest_is_left_out_and_shown(
    settings, browser_client, listed
):
    reply, reminder, _ = listed
    other = reply_draft(email=customer_message(message_id="<third@customer.example>"))
    digest_send()  # a later digest lists all three
    [*_, newest] = outbox_messages_of_digests()
    [path3] = set(APPROVE_ALL.findall(newest.get_body(("plain",)).get_content()))
    # Since then: one approved by a colleague from its own link, one with a newer version.
    open_and_post(
        browser_client,
        approval_link_issue(draft=reply, approver=SECOND_APPROVER).url.removeprefix(
            "http://testserver"
        ),
        action="approve",
    )
    Draft.objects.filter(pk=reminder.pk).update(version=2)

    page = browser_client.get(path3)
    text = page_text(page)
    assert "Approve 1 draft" in text
    assert "left out: already sent by manager@acme.example" in text
    assert "left out: edited since the digest" in text

    open_and_post(browser_client, path3)

    assert statuses(reply, reminder, other) == ["sent", "pending", "sent"]
    assert Draft.objects.get(pk=reply.pk).decided_by == SECOND_APPROVER


def test_a_superseded_draft_is_left_out(settings, browser_client, listed):
    reply, reminder, path = listed
    reply_draft(email=customer_message(message_id="<again@customer.example>", ticket=reply.ticket))

    page = browser_client.get(path)
    assert "left out: a newer draft replaced it" in page_text(page)
    open_and_post(browser_client, path)

    assert statuses(reply, reminder) == ["superseded", "sent"]


def test_the_link_works_once(settings, browser_client, listed):
    *_, path = listed
    token = csrf_token_on(browser_client.get(path))
    browser_client.post(path, {"csrfmiddlewaretoken": token})
    later = reminder_draft()
    before = world(settings)

    again = browser_client.post(path, {"csrfmiddlewaretoken": token})
    shown = browser_client.get(path)

    assert (again.status_code, shown.status_code) == (410, 410)
    assert "already been used" in page_text(shown)
    assert world(settings) == before
    assert statuses(later) == ["pending"]


def test_a_tampered_link_shows_a_problem_and_acts_on_nothing(settings, browser_client, listed):
    _, _, path = listed
    token = path.strip("/").rpartition("/")[2]
    forged = path.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    csrf = csrf_token_on(browser_client.get(path))
    before = world(settings)

    assert browser_client.get(forged).status_code == 400
    assert browser_client.post(forged, {"csrfmiddlewaretoken": csrf}).status_code == 400
    assert browser_client.get(f"/review/1/{token}/").status_code == 400  # not a draft's link
    assert world(settings) == before


def test_an_expired_link_acts_on_nothing(settings, browser_client, listed):
    reply, reminder, path = listed
    csrf = csrf_token_on(browser_client.get(path))
    before = world(settings)

    with time_machine.travel(timedelta(hours=settings.APPROVE_ALL_MAX_AGE_HOURS, minutes=1)):
        shown = browser_client.get(path)
        acted = browser_client.post(path, {"csrfmiddlewaretoken": csrf})

    assert (shown.status_code, acted.status_code) == (410, 410)
    assert "expired" in page_text(shown)
    assert world(settings) == before
    assert statuses(reply, reminder) == ["pending", "pending"]


def test_a_link_whose_row_is_gone_is_refused(settings, client):
    from mailagent.models import BatchApprovalLink

    path = batch_link_issue(drafts=[reply_draft()], approver=APPROVER)
    BatchApprovalLink.objects.all().delete()

    assert client.get(path.removeprefix("http://testserver")).status_code == 400


def test_hammering_the_link_meets_the_rate_limit(settings, client, listed):
    settings.PORTAL_RATE_PER_TOKEN = "3/m"
    *_, path = listed

    codes = [client.get(path).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
