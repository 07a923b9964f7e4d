"""Links that cannot act: expired, tampered, for another draft, for an older text, or beaten by
another approver. Each shows a page saying what happened and what to do, with a 4xx status, and
changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from mailagent.models import AuditEvent, Draft, OutboundEmail
from tests.conftest import free_port, outbox_messages
from tests.factories import (
    APPROVER,
    REPLY_BODY,
    SECOND_APPROVER,
    customer_message,
    reminder_draft,
    reply_draft,
    review_path,
)
from tests.portal.conftest import (
    ask_for_fresh_link,
    csrf_token_on,
    open_and_post,
    page_text,
    world,
)

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY_9AM = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
EDITED = REPLY_BODY.replace("within two working days", "tomorrow before noon")


@pytest.fixture
def clock():
    """Time stands still at Monday 9:00 until the test moves it (Django's signing reads it too)."""
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def two_approvers(settings):
    settings.APPROVER_EMAILS = [APPROVER, SECOND_APPROVER]


def links_mailed_to(settings, approver: str) -> list[str]:
    paths = []
    for message in outbox_messages(settings):
        if message["To"] == approver:
            body = message.get_body(("plain",)).get_content()
            paths += re.findall(r"http://testserver(/review/\S+/)", body)
    return paths


class TestExpiredLink:
    def test_link_still_opens_just_before_its_72_hours_are_up(self, clock):
        path = review_path(reply_draft())
        clock.shift(timedelta(hours=71, minutes=59))

        assert Client().get(path).status_code == 200

    def test_expired_link_says_so_and_offers_a_fresh_one(self, clock, settings):
        path = review_path(reply_draft())
        clock.shift(timedelta(hours=72, minutes=1))
        before = world(settings)

        page = Client().get(path)

        assert page.status_code == 410
        text = page_text(page)
        assert "This link has expired" in text
        assert "Approval links work for 72 hours. The draft has not been sent." in text
        assert "Email me a fresh link" in text
        assert "goes to the approver this link was sent to, not to this browser" in text
        assert world(settings) == before

    def test_expiry_follows_the_configured_hours(self, clock, settings):
        settings.APPROVAL_LINK_MAX_AGE_HOURS = 1
        path = review_path(reply_draft())
        clock.shift(timedelta(minutes=61))

        page = Client().get(path)

        assert page.status_code == 410
        assert "Approval links work for 1 hour." in page_text(page)

    def test_approving_on_a_page_left_open_past_expiry_sends_nothing(
        self, clock, settings, browser_client
    ):
        path = review_path(reply_draft())
        token = csrf_token_on(browser_client.get(path))
        clock.shift(timedelta(days=4))
        before = world(settings)

        answer = browser_client.post(
            path, {"csrfmiddlewaretoken": token, "action": "approve", "body": REPLY_BODY}
        )

        assert answer.status_code == 410
        assert "This link has expired" in page_text(answer)
        assert world(settings) == before

    def test_fresh_link_is_mailed_to_the_approver_not_shown_in_the_browser(
        self, clock, settings, browser_client
    ):
        draft = reply_draft()
        old = review_path(draft)
        clock.shift(timedelta(hours=80))

        answer = ask_for_fresh_link(browser_client, old)

        assert answer.status_code == 200
        assert f"We emailed a new approval link to {APPROVER}." in page_text(answer)
        [fresh] = links_mailed_to(settings, APPROVER)
        fresh_token = fresh.rstrip("/").rpartition("/")[2]
        assert fresh_token not in answer.content.decode()
        assert Client().get(fresh).status_code == 200
        assert Client().get(old).status_code == 410
        assert AuditEvent.objects.filter(action="approval.requested", target_id=draft.pk).exists()
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING

    def test_asking_twice_for_a_fresh_link_mails_only_one(self, clock, settings, browser_client):
        old = review_path(reply_draft())
        clock.shift(timedelta(hours=80))
        ask_for_fresh_link(browser_client, old)

        again = ask_for_fresh_link(browser_client, old)

        assert again.status_code == 200
        assert "A fresh link was already sent" in page_text(again)
        assert len(links_mailed_to(settings, APPROVER)) == 1

    def test_fresh_link_that_cannot_be_mailed_says_so_and_can_be_asked_for_again(
        self, clock, settings, browser_client
    ):
        old = review_path(reply_draft())
        clock.shift(timedelta(hours=80))
        settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", free_port()
        settings.SMTP_STARTTLS, settings.SMTP_TIMEOUT = False, 5.0

        answer = ask_for_fresh_link(browser_client, old)
        settings.SMTP_HOST = ""
        again = ask_for_fresh_link(browser_client, old)

        assert answer.status_code == 503
        assert "The fresh link could not be sent" in page_text(answer)
        assert again.status_code == 200
        assert len(links_mailed_to(settings, APPROVER)) == 1

    def test_fresh_link_approves_and_sends(self, clock, settings, browser_client):
        draft = reply_draft()
        old = review_path(draft)
        clock.shift(timedelta(hours=80))
        ask_for_fresh_link(browser_client, old)
        [fresh] = links_mailed_to(settings, APPROVER)

        answer = open_and_post(browser_client, fresh, action="approve", body=REPLY_BODY)

        assert answer.status_code == 303
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SENT
        assert OutboundEmail.objects.filter(draft=draft).count() == 1


class TestForgedLinks:
    def test_tampered_link_is_refused_without_showing_the_draft(self, settings, browser_client):
        draft = reply_draft()
        path = review_path(draft)
        token = path.rstrip("/").rpartition("/")[2]
        forged = path.replace(token, token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
        csrf = csrf_token_on(browser_client.get(path))
        before = world(settings)

        page = browser_client.get(forged)
        garbage = browser_client.get(f"/review/{draft.pk}/not-a-token/")
        posted = browser_client.post(forged, {"csrfmiddlewaretoken": csrf, "action": "approve"})

        assert (page.status_code, garbage.status_code, posted.status_code) == (400, 400, 400)
        text = page_text(page)
        assert "This link is not valid" in text
        assert "use the link in the latest approval email" in text
        assert draft.subject not in text
        assert world(settings) == before

    def test_link_for_another_draft_is_refused(self, settings, browser_client):
        mine, other = reply_draft(), reminder_draft()
        own = review_path(mine)
        path = own.replace(f"/review/{mine.pk}/", f"/review/{other.pk}/")
        csrf = csrf_token_on(browser_client.get(own))
        before = world(settings)

        page = browser_client.get(path)
        posted = browser_client.post(
            path, {"csrfmiddlewaretoken": csrf, "action": "reject", "reason": "Not mine"}
        )

        assert (page.status_code, posted.status_code) == (403, 403)
        text = page_text(page)
        assert "This link belongs to another draft" in text
        assert "Use the link exactly as it appears in the approval email" in text
        assert other.subject not in text and mine.subject not in text
        assert world(settings) == before


@pytest.mark.usefixtures("two_approvers")
class TestSomeoneGotThereFirst:
    def test_link_for_the_text_before_an_edit_cannot_send_the_old_text(
        self, settings, browser_client
    ):
        draft = reply_draft()
        mine, theirs = review_path(draft), review_path(draft, approver=SECOND_APPROVER)
        token = csrf_token_on(browser_client.get(mine))
        open_and_post(Client(enforce_csrf_checks=True), theirs, action="approve", body=EDITED)
        after_edit = world(settings)

        page = browser_client.get(mine)
        posted = browser_client.post(
            mine, {"csrfmiddlewaretoken": token, "action": "approve", "body": REPLY_BODY}
        )

        assert (page.status_code, posted.status_code) == (409, 409)
        text = page_text(page)
        assert "This draft was already decided" in text
        assert f"Decided by {SECOND_APPROVER}" in text and "Sent" in text
        assert world(settings) == after_edit
        [sent] = [m for m in outbox_messages(settings) if m["To"] == draft.to_addresses[0]]
        assert "tomorrow before noon" in sent.get_body(("plain",)).get_content()

    def test_link_for_an_older_version_of_a_waiting_draft_asks_for_a_fresh_one(
        self, settings, browser_client
    ):
        draft = reply_draft()
        old = review_path(draft)
        token = csrf_token_on(browser_client.get(old))
        # The text changed while the draft still waits (version 2): links for version 1 stop.
        Draft.objects.filter(pk=draft.pk).update(body=EDITED, version=2)
        before = world(settings)

        page = browser_client.get(old)
        posted = browser_client.post(
            old, {"csrfmiddlewaretoken": token, "action": "approve", "body": REPLY_BODY}
        )

        assert (page.status_code, posted.status_code) == (409, 409)
        assert "The draft changed after this link was sent" in page_text(page)
        assert world(settings) == before
        renewed = ask_for_fresh_link(browser_client, old)
        assert renewed.status_code == 200
        [fresh] = links_mailed_to(settings, APPROVER)
        assert EDITED.split("\n")[2] in page_text(Client().get(fresh))

    def test_another_approvers_link_after_a_decision_changes_nothing(
        self, settings, browser_client
    ):
        draft = reply_draft()
        mine, theirs = review_path(draft), review_path(draft, approver=SECOND_APPROVER)
        token = csrf_token_on(browser_client.get(mine))
        open_and_post(Client(enforce_csrf_checks=True), theirs, action="reject", reason="Wrong")
        after_decision = world(settings)

        page = browser_client.get(mine)
        posted = browser_client.post(
            mine, {"csrfmiddlewaretoken": token, "action": "approve", "body": REPLY_BODY}
        )

        assert (page.status_code, posted.status_code) == (409, 409)
        text = page_text(page)
        assert "Another approver acted on this draft first" in text
        assert "Rejected" in text and "Reason: Wrong" in text
        assert "Email me a fresh link" not in text
        assert world(settings) == after_decision
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED

    def test_link_for_a_draft_replaced_by_a_newer_one_points_to_the_new_email(self, settings):
        email = customer_message()
        path = review_path(reply_draft(email=email))
        reply_draft(email=customer_message(message_id="<again@acme.example>", ticket=email.ticket))
        before = world(settings)

        page = Client().get(path)

        assert page.status_code == 409
        text = page_text(page)
        assert "A newer draft replaced this one" in text
        assert "The new draft's link is in the latest approval email" in text
        assert world(settings) == before
