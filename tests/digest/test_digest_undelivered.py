"""Staff hear about every send that did not get through: failed since the last digest, and
every delivery still unknown until a person resolves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailagent.models import Draft, OutboundEmail
from mailagent.services.delivery import outbound_mark_delivered
from mailagent.services.digest import digest_send
from mailagent.services.outbound import draft_send
from tests.digest.conftest import LAST_DIGEST, NOW, at, parts
from tests.factories import APPROVER, CUSTOMER, approved, customer_message, reply_draft
from tests.services.conftest import DROP, bad_smtp  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def sent_draft(when: datetime, subject: str) -> Draft:
    with at(when):
        email = customer_message(message_id=f"<{subject.replace(' ', '-')}@c.example>")
        draft = approved(reply_draft(email=email, subject=subject))
        return draft_send(draft_id=draft.pk)


def digest_at(server, when: datetime):
    with at(when):
        digest_send()
    return [r.message for r in server.received if "daily digest" in r.message["Subject"]][-1]


@pytest.fixture
def troubles(bad_smtp, settings):  # noqa: F811
    settings.TIME_ZONE = "UTC"
    bad_smtp.refused_recipients[CUSTOMER] = "550 5.1.1 No such user"
    old_failure = sent_draft(datetime(2026, 3, 9, 12, tzinfo=UTC), "Old refusal")
    del bad_smtp.refused_recipients[CUSTOMER]
    bad_smtp.fail_next("END", DROP)
    old_unknown = sent_draft(datetime(2026, 3, 9, 13, tzinfo=UTC), "Old silence")
    digest_at(bad_smtp, LAST_DIGEST)
    bad_smtp.refused_recipients[CUSTOMER] = "550 5.1.1 No such user"
    new_failure = sent_draft(datetime(2026, 3, 10, 12, tzinfo=UTC), "Fresh refusal")
    del bad_smtp.refused_recipients[CUSTOMER]
    return bad_smtp, old_failure, old_unknown, new_failure


def test_failed_and_unknown_sends_are_listed_with_a_link_to_each(troubles):
    server, old_failure, old_unknown, new_failure = troubles
    assert old_failure.status == new_failure.status == Draft.Status.FAILED
    assert old_unknown.status == Draft.Status.DELIVERY_UNKNOWN

    message = digest_at(server, NOW)

    assert message["Subject"].endswith(", 2 not delivered")
    text, html = parts(message)
    for part in (text, html):
        assert "Fresh refusal" in part and "550 5.1.1 No such user" in part
        assert "Old silence" in part and "never confirmed it" in part
        assert f"/admin/mailagent/draft/{new_failure.pk}/change/" in part
        assert f"/admin/mailagent/draft/{old_unknown.pk}/change/" in part
        # Told once about a failure (in the last digest); an unknown delivery until resolved.
        assert "Old refusal" not in part
    assert 'data-undelivered="delivery unknown"' in html
    assert "NOT DELIVERED, A PERSON MUST LOOK (2)" in text


def test_a_resolved_delivery_leaves_the_list(troubles):
    server, _, old_unknown, _ = troubles
    outbound = OutboundEmail.objects.get(draft=old_unknown)
    outbound_mark_delivered(outbound_id=outbound.pk, actor=APPROVER)

    text, _ = parts(digest_at(server, NOW))

    assert "Old silence" not in text
    assert "NOT DELIVERED, A PERSON MUST LOOK (1)" in text


def test_a_failed_escalation_is_listed_too(bad_smtp, settings):  # noqa: F811
    from mailagent.services.outbound import notice_send

    settings.TIME_ZONE = "UTC"
    bad_smtp.fail_next("MAIL", "554 5.7.1 Relay denied")
    with at(datetime(2026, 3, 11, 1, tzinfo=UTC)):
        notice_send(kind=OutboundEmail.Kind.ESCALATION, to=[APPROVER], subject="Refund", body="x")

    text, _ = parts(digest_at(bad_smtp, NOW))

    assert "[failed] Refund to owner@acme.example (escalation to staff)" in text
    assert "SMTP 554 at MAIL FROM: 5.7.1 Relay denied" in text
