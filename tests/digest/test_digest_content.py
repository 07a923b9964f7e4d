"""The digest on a known morning: both parts of the message say the same things."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from mailagent.models import ApprovalLink, BatchApprovalLink, OutboundEmail
from mailagent.services.digest import digest_send, receivables_aging
from tests.conftest import outbox_messages
from tests.digest.conftest import APPROVE_ALL, LAST_DIGEST, NOW, REVIEW, at, digests, parts
from tests.factories import APPROVER

pytestmark = pytest.mark.django_db


@pytest.fixture
def previous_digest(morning):
    with at(LAST_DIGEST):
        digest_send()
    return morning


def the_digest(settings):
    with at(NOW):
        digest_send()
    return digests(settings)[-1]


def test_the_digest_is_html_with_a_plain_text_alternative(settings, previous_digest):
    message = the_digest(settings)

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["To"] == APPROVER
    assert message["Subject"] == (
        "Acme Supplies daily digest: 3 waiting for approval, 1 sent, 1 escalated"
    )
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)
    assert text.startswith("Acme Supplies daily digest, Wednesday 11 March 2026. Since the last")
    assert '<meta name="viewport"' in html and "max-width:600px" in html


def test_both_parts_list_what_waits_with_a_link_for_each_draft(settings, previous_digest):
    m = previous_digest
    text, html = parts(the_digest(settings))

    for part in (text, html):
        for draft in (m.reminder, m.reply, m.flagged):
            assert draft.subject in part
        links = REVIEW.findall(part)
        assert len(links) == 3
        assert [int(link.split("/")[2]) for link in links] == [
            m.reminder.pk,
            m.reply.pk,
            m.flagged.pk,
        ]
    # Fresh links, one per draft, issued to this recipient.
    assert ApprovalLink.objects.filter(approver=APPROVER, created_at=NOW).count() == 3


def test_the_approve_all_link_covers_the_drafts_without_warnings(settings, previous_digest):
    m = previous_digest
    text, html = parts(the_digest(settings))

    [link] = set(APPROVE_ALL.findall(text))
    assert APPROVE_ALL.findall(html) == [link]
    assert "Approve all 2 of these at once (the drafts with warnings are left out)" in text
    batch = BatchApprovalLink.objects.get(created_at=NOW)
    assert batch.items == [[m.reminder.pk, 1], [m.reply.pk, 1]]
    assert batch.approver == APPROVER
    assert link.rstrip("/").rpartition("/")[2] not in str(batch.items) + batch.token_hash


def test_a_draft_waiting_longer_than_the_remind_hours_is_raised_again(settings, previous_digest):
    text, html = parts(the_digest(settings))

    assert "Payment reminder: invoice INV-1042  [waiting over 24 hours]" in text
    assert text.count("[waiting over 24 hours]") == 1
    assert html.count("Waiting over 24 hours") == 1


def test_sent_escalated_and_quarantined_since_the_last_digest(settings, previous_digest):
    m = previous_digest
    text, html = parts(the_digest(settings))

    assert "SENT (1)\n- Re: Delivery times to jane@customer.example, approved by " in text
    assert "Old question" not in text and "Old question" not in html
    assert "- Refund for order 1190 (Max Weber)\n  Why: asks for a refund" in text
    assert "Why: asks for a refund" in html
    assert f"/admin/mailagent/ticket/{m.escalated.pk}/change/" in html
    assert "QUARANTINED MESSAGES (1)\n- who@somewhere.example: Broken invoice scan" in text
    assert "Could not parse the MIME structure" in html


def test_receivables_overdue_in_aging_bars_and_money_collected(settings, previous_digest):
    text, html = parts(the_digest(settings))

    assert "Overdue: USD 1,750.00 on 3 invoices" in text
    assert "  1-30 days  ████████████████████ USD 1,000.00 (1)" in text
    assert "  31-60 days ██████████·········· USD 500.00 (1)" in text
    assert "  61-90 days ···················· USD 0.00 (0)" in text
    assert "  90+ days   █████··············· USD 250.00 (1)" in text
    assert "Collected since the last digest: USD 350.00" in text
    assert "Recovered after a reminder: USD 300.00" in text
    assert "Overdue: USD 1,750.00</b>" in html
    for width in ("width:100%", "width:50%", "width:0%", "width:25%"):
        assert width in html
    assert "<b>USD 350.00</b>" in html and "<b>USD 300.00</b>" in html


def test_the_weeks_figures(settings, previous_digest):
    text, html = parts(the_digest(settings))

    assert "THE LAST 7 DAYS\nReply: 2 sent, 12 min saved, decided in 0 min (median)," in text
    assert "Reminder: 0 sent, 0 min saved," in text
    assert "http://testserver/metrics/" in text and 'href="http://testserver/metrics/"' in html


def test_a_digest_with_nothing_to_say_says_so_in_one_line(settings):
    with at(NOW):
        digest_send()

    [message] = outbox_messages(settings)
    text, html = parts(message)
    assert text.strip() == (
        "Nothing needs you today: no drafts waiting, nothing sent, nothing escalated or "
        "quarantined, nothing overdue."
    )
    assert len(text.strip().splitlines()) == 1
    assert "Nothing needs you today" in html and "<h2" not in html
    assert message["Subject"] == "Acme Supplies daily digest: nothing needs you today"


def test_each_recipient_gets_their_own_links_and_others_get_none(settings, morning):
    settings.DIGEST_RECIPIENTS = [APPROVER, "bookkeeper@acme.example"]

    with at(NOW):
        digest_send()

    owner, bookkeeper = digests(settings)
    assert (owner["To"], bookkeeper["To"]) == (APPROVER, "bookkeeper@acme.example")
    assert len(REVIEW.findall(parts(owner)[0])) == 3
    text, html = parts(bookkeeper)
    assert morning.reply.subject in text
    assert not REVIEW.findall(text + html) and not APPROVE_ALL.findall(text + html)
    assert not ApprovalLink.objects.filter(approver="bookkeeper@acme.example").exists()


def test_the_first_digest_looks_back_one_day(settings, morning):
    with at(NOW):
        result = digest_send()

    assert result.content.since == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    assert [d.pk for d in result.content.sent] == [morning.sent.pk]


def test_a_digest_that_failed_to_send_does_not_move_since(settings, morning):
    OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.DIGEST,
        message_id="<failed@acme.example>",
        subject="digest",
        raw=b"",
        transport="smtp",
        status=OutboundEmail.Status.FAILED,
    )

    with at(NOW):
        result = digest_send()

    assert result.content.since == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)


def test_send_digest_command_reports_each_mail(settings, morning, capsys):
    with at(NOW):
        call_command("send_digest")

    out = capsys.readouterr().out
    assert f"sent: {APPROVER}: Acme Supplies daily digest: 3 waiting for approval" in out
    assert len(digests(settings)) == 1


def test_aging_buckets_per_currency_scaled_to_the_largest():
    from datetime import date
    from decimal import Decimal

    [eur, usd] = receivables_aging(
        [
            ("USD", Decimal("10"), date(2026, 3, 10)),
            ("EUR", Decimal("40"), date(2026, 1, 1)),
            ("EUR", Decimal("10"), date(2026, 3, 1)),
            ("USD", Decimal("5"), date(2026, 3, 11)),  # due today: not overdue
        ],
        today=date(2026, 3, 11),
    )

    assert (eur.currency, eur.overdue, eur.count) == ("EUR", Decimal("50"), 2)
    assert [(b.amount, b.percent) for b in eur.buckets] == [
        (Decimal("10"), 25),
        (Decimal("0"), 0),
        (Decimal("40"), 100),
        (Decimal("0"), 0),
    ]
    assert (usd.overdue, usd.count) == (Decimal("10"), 1)
