"""A server that says "not now" gets the same message again later; one that says "no" fails it;
one that takes the whole message and never answers leaves it to a person. Checked against an
SMTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from mailagent.models import AuditEvent, Draft, OutboundEmail
from mailagent.services.delivery import (
    outbound_retry,
    retry_delay,
    sends_retry_due,
    sends_stuck_mark,
)
from mailagent.services.outbound import draft_send, notice_send
from tests.factories import APPROVER, CUSTOMER, approved, customer_message, reply_draft
from tests.services.conftest import DROP, HANG

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def actions(draft: Draft) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=draft.pk, action__startswith="draft.")
        .exclude(action__in=("draft.created", "draft.approved"))
        .order_by("id")
        .values_list("action", flat=True)
    )


def row(draft: Draft) -> OutboundEmail:
    return OutboundEmail.objects.get(draft=draft)


class TestNotNowIsRetriedWithTheSameMessage:
    @pytest.mark.parametrize(
        ("stage", "reply"),
        [
            ("MAIL", "421 4.3.2 Service shutting down, try later"),
            ("RCPT", "451 4.7.1 Greylisted, come back in a minute"),
            ("DATA", "421 4.3.2 Too busy for DATA"),
            ("END", "451 4.3.0 Queue full, message not accepted"),
            ("RCPT", DROP),
        ],
    )
    def test_deferred_then_delivered_once_under_the_same_message_id(
        self, bad_smtp, clock, stage, reply
    ):
        bad_smtp.fail_next(stage, reply)
        draft = approved(reply_draft())

        first = draft_send(draft_id=draft.pk)

        assert first.status == Draft.Status.DEFERRED
        assert bad_smtp.received == []
        stored = row(draft)
        assert (stored.status, stored.attempts) == (OutboundEmail.Status.DEFERRED, 1)
        assert stored.next_attempt_at == T0 + timedelta(minutes=1)

        clock.shift(timedelta(minutes=1))
        assert sends_retry_due() == [stored.pk]

        [received] = bad_smtp.received
        again = row(draft)
        assert (again.status, again.attempts) == (OutboundEmail.Status.SENT, 2)
        assert received.message["Message-ID"] == again.message_id == first.message_id
        assert received.raw == bytes(again.raw)
        assert received.rcpt_tos == [CUSTOMER]
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SENT
        assert actions(draft) == ["draft.send_deferred", "draft.sent"]

    def test_nothing_is_tried_before_its_time(self, bad_smtp, clock):
        bad_smtp.fail_next("MAIL", "451 4.3.0 later")
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)

        clock.shift(timedelta(seconds=59))

        assert sends_retry_due() == []
        assert row(draft).attempts == 1 and bad_smtp.received == []

    def test_a_retry_claimed_twice_is_made_once(self, bad_smtp, clock):
        bad_smtp.fail_next("MAIL", "451 4.3.0 later")
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)
        clock.shift(timedelta(minutes=5))
        outbound_id = row(draft).pk

        first = outbound_retry(outbound_id=outbound_id)
        second = outbound_retry(outbound_id=outbound_id)

        assert first.status == OutboundEmail.Status.SENT and second is None
        assert len(bad_smtp.received) == 1

    def test_a_recipient_deferred_holds_the_message_back_from_everyone(self, bad_smtp, clock):
        bad_smtp.refused_recipients["busy@customer.example"] = "450 4.2.1 Mailbox busy"
        draft = approved(reply_draft())
        Draft.objects.filter(pk=draft.pk).update(to_addresses=[CUSTOMER, "busy@customer.example"])

        sent = draft_send(draft_id=draft.pk)

        assert sent.status == Draft.Status.DEFERRED
        assert "busy@customer.example: 450" in sent.error
        assert bad_smtp.received == []


class TestBackoff:
    def test_delays_double_from_one_minute_up_to_the_cap(self):
        delays = [retry_delay(n, cap_minutes=60) for n in range(1, 10)]
        assert [d.total_seconds() / 60 for d in delays] == [1, 2, 4, 8, 16, 32, 60, 60, 60]

    def test_retries_follow_the_schedule_and_give_up_after_the_last_attempt(
        self, bad_smtp, clock, settings
    ):
        settings.SEND_RETRY_MAX_ATTEMPTS = 4
        for _ in range(4):
            bad_smtp.fail_next("MAIL", "451 4.3.0 still busy")
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)
        due_times = [row(draft).next_attempt_at]

        for _ in range(2):
            clock.move_to(due_times[-1])
            sends_retry_due()
            due_times.append(row(draft).next_attempt_at)
        clock.move_to(due_times[-1])
        sends_retry_due()

        assert due_times == [
            T0 + timedelta(minutes=1),
            T0 + timedelta(minutes=1 + 2),
            T0 + timedelta(minutes=1 + 2 + 4),
        ]
        failed = row(draft)
        assert (failed.status, failed.attempts, failed.next_attempt_at) == (
            OutboundEmail.Status.FAILED,
            4,
            None,
        )
        assert failed.error.startswith("Gave up after 4 attempt(s): SMTP 451 at MAIL FROM")
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.FAILED
        assert actions(draft) == ["draft.send_deferred"] * 3 + ["draft.send_failed"]
        assert bad_smtp.received == []

    def test_gives_up_when_the_next_try_would_fall_past_the_time_limit(
        self, bad_smtp, clock, settings
    ):
        settings.SEND_RETRY_MAX_HOURS = 0.05  # three minutes: attempts at 0, 1 and 3 minutes
        for _ in range(5):
            bad_smtp.fail_next("MAIL", "451 4.3.0 still busy")
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)
        for minutes in (1, 3):
            clock.move_to(T0 + timedelta(minutes=minutes))
            sends_retry_due()

        failed = row(draft)
        assert (failed.status, failed.attempts) == (OutboundEmail.Status.FAILED, 3)


class TestNoIsFinal:
    def test_a_refused_recipient_fails_the_draft_and_the_retry_job_leaves_it(self, bad_smtp, clock):
        bad_smtp.refused_recipients[CUSTOMER] = "550 5.1.1 No such user"
        draft = approved(reply_draft())

        failed = draft_send(draft_id=draft.pk)
        clock.shift(timedelta(hours=2))
        sends_retry_due()

        assert failed.status == Draft.Status.FAILED
        assert f"{CUSTOMER}: 550 5.1.1 No such user" in failed.error
        assert row(draft).attempts == 1
        assert bad_smtp.received == []
        assert actions(draft) == ["draft.send_failed"]

    def test_one_refused_recipient_of_two_and_nobody_gets_it(self, bad_smtp, clock):
        bad_smtp.refused_recipients["gone@customer.example"] = "550 5.1.1 No such user"
        draft = approved(reply_draft())
        Draft.objects.filter(pk=draft.pk).update(to_addresses=[CUSTOMER, "gone@customer.example"])

        failed = draft_send(draft_id=draft.pk)

        assert failed.status == Draft.Status.FAILED
        assert "gone@customer.example" in failed.error and CUSTOMER not in failed.error
        assert bad_smtp.received == []

    def test_a_refusal_after_the_message_fails_it(self, bad_smtp, clock):
        bad_smtp.fail_next("END", "554 5.7.1 Message rejected as spam")
        draft = approved(reply_draft())

        failed = draft_send(draft_id=draft.pk)

        assert failed.status == Draft.Status.FAILED
        assert failed.error == "SMTP 554 at end of DATA: 5.7.1 Message rejected as spam"


class TestNoAnswerAfterTheMessage:
    @pytest.mark.parametrize("fault", [DROP, HANG])
    def test_delivery_unknown_and_never_sent_again_by_the_retry_job(self, bad_smtp, clock, fault):
        bad_smtp.fail_next("END", fault)
        draft = approved(reply_draft())

        unknown = draft_send(draft_id=draft.pk)
        for hours in (1, 5, 30):
            clock.move_to(T0 + timedelta(hours=hours))
            assert sends_retry_due() == []

        assert unknown.status == Draft.Status.DELIVERY_UNKNOWN
        assert "may or may not have been delivered" in unknown.error
        stored = row(draft)
        assert (stored.status, stored.attempts, stored.next_attempt_at) == (
            OutboundEmail.Status.DELIVERY_UNKNOWN,
            1,
            None,
        )
        assert bad_smtp.delivered_ids() == [stored.message_id]  # the server did get it, once
        assert actions(draft) == ["draft.delivery_unknown"]

    def test_an_attempt_whose_worker_stopped_becomes_delivery_unknown(self, bad_smtp, clock):
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)
        # As a worker killed mid-send would leave it: claimed, attempt counted, never settled.
        OutboundEmail.objects.filter(draft=draft).update(status=OutboundEmail.Status.SENDING)
        Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.SENDING)

        clock.shift(timedelta(minutes=14))
        assert sends_stuck_mark(now=datetime.now(UTC)) == []
        clock.shift(timedelta(minutes=2))
        sends_retry_due()

        assert row(draft).status == OutboundEmail.Status.DELIVERY_UNKNOWN
        assert Draft.objects.get(pk=draft.pk).status == Draft.Status.DELIVERY_UNKNOWN
        assert len(bad_smtp.received) == 1


class TestAPersonResolvesIt:
    @pytest.fixture
    def unknown(self, bad_smtp, clock) -> Draft:
        bad_smtp.fail_next("END", DROP)
        draft = approved(reply_draft(email=customer_message()))
        draft_send(draft_id=draft.pk)
        return draft

    def test_marked_as_delivered_from_the_admin(self, admin_client, admin_user, unknown):
        page = admin_client.post(
            reverse("admin:mailagent_draft_changelist"),
            {"action": "mark_delivered", "_selected_action": [unknown.pk]},
        )

        assert page.status_code == 302
        draft = Draft.objects.get(pk=unknown.pk)
        assert draft.status == Draft.Status.SENT and draft.sent_at == T0
        assert row(draft).status == OutboundEmail.Status.SENT
        event = AuditEvent.objects.get(action="draft.delivery_confirmed")
        assert event.actor == admin_user.email and event.actor_kind == "person"
        assert actions(draft) == [
            "draft.delivery_unknown",
            "draft.delivery_confirmed",
            "draft.sent",
        ]

    def test_send_again_asks_first_and_sends_nothing_until_confirmed(
        self, admin_client, bad_smtp, unknown
    ):
        page = admin_client.post(
            reverse("admin:mailagent_draft_changelist"),
            {"action": "send_again", "_selected_action": [unknown.pk]},
        )

        assert page.status_code == 200
        assert b"Send again?" in page.content and unknown.subject.encode() in page.content
        assert Draft.objects.get(pk=unknown.pk).status == Draft.Status.DELIVERY_UNKNOWN
        assert bad_smtp.received == []

    def test_send_again_confirmed_sends_the_same_bytes_under_the_same_message_id(
        self, admin_client, admin_user, bad_smtp, clock, unknown
    ):
        first = bad_smtp.unacknowledged[0]
        clock.shift(timedelta(hours=3))

        page = admin_client.post(
            reverse("admin:mailagent_draft_changelist"),
            {"action": "send_again", "_selected_action": [unknown.pk], "confirm": "yes"},
        )

        assert page.status_code == 302
        [second] = bad_smtp.received
        assert second.raw == first.raw == bytes(row(unknown).raw)
        assert second.message["Message-ID"] == row(unknown).message_id
        draft = Draft.objects.get(pk=unknown.pk)
        assert draft.status == Draft.Status.SENT
        event = AuditEvent.objects.get(action="draft.send_again")
        assert event.actor == admin_user.email and event.actor_kind == "person"
        assert actions(draft) == ["draft.delivery_unknown", "draft.send_again", "draft.sent"]

    def test_the_drafts_page_shows_its_delivery_and_history(self, admin_client, unknown):
        page = admin_client.get(reverse("admin:mailagent_draft_change", args=[unknown.pk]))

        assert page.status_code == 200
        assert b"Delivery unknown" in page.content and b"1 attempt(s)" in page.content
        assert b"draft.delivery_unknown" in page.content

    def test_a_notice_of_unknown_delivery_is_marked_delivered_from_the_sent_mail_list(
        self, admin_client, bad_smtp, clock
    ):
        bad_smtp.fail_next("END", HANG)
        notice = notice_send(
            kind=OutboundEmail.Kind.ESCALATION, to=[APPROVER], subject="Needs a person", body="x"
        )
        assert notice.status == OutboundEmail.Status.DELIVERY_UNKNOWN

        admin_client.post(
            reverse("admin:mailagent_outboundemail_changelist"),
            {"action": "mark_delivered", "_selected_action": [notice.pk]},
        )

        assert OutboundEmail.objects.get(pk=notice.pk).status == OutboundEmail.Status.SENT
        assert AuditEvent.objects.filter(
            action="notice.delivery_confirmed", target_id=notice.pk
        ).exists()

    def test_a_sent_draft_cannot_be_sent_again_from_the_admin(self, admin_client, bad_smtp):
        draft = approved(reply_draft())
        draft_send(draft_id=draft.pk)

        admin_client.post(
            reverse("admin:mailagent_draft_changelist"),
            {"action": "send_again", "_selected_action": [draft.pk], "confirm": "yes"},
        )

        assert len(bad_smtp.received) == 1


class TestNotices:
    def test_an_escalation_the_server_deferred_is_sent_later_under_the_same_message_id(
        self, bad_smtp, clock
    ):
        bad_smtp.fail_next("RCPT", "451 4.7.1 Greylisted")

        notice = notice_send(
            kind=OutboundEmail.Kind.ESCALATION, to=[APPROVER], subject="Needs a person", body="x"
        )
        clock.shift(timedelta(minutes=1))
        sends_retry_due()

        assert notice.status == OutboundEmail.Status.DEFERRED
        [received] = bad_smtp.received
        assert received.message["Message-ID"] == notice.message_id
        assert OutboundEmail.objects.get(pk=notice.pk).status == OutboundEmail.Status.SENT
        assert list(
            AuditEvent.objects.filter(target_id=notice.pk, action__startswith="notice.")
            .order_by("id")
            .values_list("action", flat=True)
        ) == ["notice.deferred", "notice.sent"]

    def test_an_approval_request_is_not_retried_its_links_are_sent_fresh(self, bad_smtp, clock):
        from mailagent.services.approvals import approval_requests_send, drafts_awaiting_links

        bad_smtp.fail_next("MAIL", "451 4.3.0 later")
        draft = reply_draft()

        assert approval_requests_send(drafts=[draft]) == []
        clock.shift(timedelta(hours=1))
        sends_retry_due()

        notice = OutboundEmail.objects.get(kind=OutboundEmail.Kind.APPROVAL_REQUEST)
        assert notice.status == OutboundEmail.Status.FAILED
        assert "not retried" in notice.error
        assert bad_smtp.received == []
        assert drafts_awaiting_links() == [draft]
