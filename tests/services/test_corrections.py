"""A person corrects a ticket's triage: the ticket changes, the trail says who and when, the
policy answers a high-risk correction by handing the message to a person, and nothing a person
lowers is ever sent on its own."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mailagent.models import AuditEvent, Draft, OutboundEmail, Ticket
from mailagent.services.corrections import (
    Corrected,
    InvalidCorrection,
    correction_parse,
    ticket_correct,
)
from tests.conftest import outbox_messages
from tests.factories import APPROVER, customer_message, reply_draft

pytestmark = pytest.mark.django_db


def corrections_of(ticket: Ticket) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(ticket=ticket, action="ticket.corrected").order_by("id"))


def test_a_category_correction_changes_the_ticket_and_is_audited_with_who_and_when():
    draft = reply_draft()
    started = timezone.now()

    done = ticket_correct(
        ticket_id=draft.ticket_id,
        field=Corrected.CATEGORY,
        value="complaint",
        actor=APPROVER,
        via="admin",
    )

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (done.changed, ticket.category) == (True, "complaint")
    [event] = corrections_of(ticket)
    assert (event.actor, event.actor_kind) == (APPROVER, "person")
    assert started <= event.created_at <= timezone.now()
    assert event.details == {
        "field": "category",
        "before": "support_question",
        "after": "complaint",
        "via": "admin",
    }
    assert "support question -> complaint" in event.summary
    # A complaint is medium risk, as the ticket was: the draft still waits for its click.
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING
    assert ticket.status == Ticket.Status.AWAITING_APPROVAL


def test_an_urgency_correction_is_recorded_and_changes_no_risk():
    draft = reply_draft()

    ticket_correct(ticket_id=draft.ticket_id, field=Corrected.URGENCY, value="high", actor=APPROVER)

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.urgency, ticket.risk) == ("high", "medium")
    [event] = corrections_of(ticket)
    assert (event.details["field"], event.details["before"], event.details["after"]) == (
        "urgency",
        "normal",
        "high",
    )


def test_correcting_to_the_value_it_already_has_records_nothing():
    draft = reply_draft()

    done = ticket_correct(
        ticket_id=draft.ticket_id,
        field=Corrected.CATEGORY,
        value="support_question",
        actor=APPROVER,
    )

    assert not done.changed and done.unchanged == "the category is already support question"
    assert corrections_of(draft.ticket) == []


def test_two_clicks_on_what_the_same_page_showed_make_one_change():
    draft = reply_draft()
    click = dict(ticket_id=draft.ticket_id, field=Corrected.CATEGORY, seen="support_question")

    first = ticket_correct(**click, value="complaint", actor=APPROVER)
    second = ticket_correct(**click, value="sales_inquiry", actor="manager@acme.example")

    assert first.changed and not second.changed
    assert "someone changed the category to complaint" in second.unchanged
    assert Ticket.objects.get(pk=draft.ticket_id).category == "complaint"
    assert len(corrections_of(draft.ticket)) == 1


@pytest.mark.django_db(transaction=True)
def test_clicks_at_the_same_instant_make_one_change():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared-cache test database reports locks instead of waiting")
    draft = reply_draft()
    start, results = threading.Barrier(4), []

    def click(n: int) -> None:
        try:
            start.wait(timeout=10)
            results.append(
                ticket_correct(
                    ticket_id=draft.ticket_id,
                    field=Corrected.URGENCY,
                    value="high",
                    actor=f"person{n}@acme.example",
                    seen="normal",
                ).changed
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)

    assert sorted(results) == [False, False, False, True]
    assert len(corrections_of(draft.ticket)) == 1


@pytest.mark.parametrize("category", ["refund_request", "bank_detail_change"])
def test_a_correction_to_a_high_risk_category_withdraws_the_draft_for_a_person(
    settings, django_capture_on_commit_callbacks, category
):
    draft = reply_draft()

    with django_capture_on_commit_callbacks(execute=True):
        done = ticket_correct(
            ticket_id=draft.ticket_id, field=Corrected.CATEGORY, value=category, actor=APPROVER
        )

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.category, ticket.risk, ticket.status) == (category, "high", "escalated")
    assert ticket.needs_human and APPROVER in ticket.human_reason
    assert f"{APPROVER} corrected it to {category.replace('_', ' ')} (high risk)" in (
        ticket.risk_reasons
    )
    draft.refresh_from_db()
    assert (draft.status, draft.decided_by) == (Draft.Status.REJECTED, APPROVER)
    assert draft.reject_reason.startswith("Withdrawn: ")
    assert done.escalated and done.withdrawn == (draft.pk,)
    [event] = corrections_of(ticket)
    assert event.details["escalated"] is True and event.details["withdrawn"] == [draft.pk]
    assert (event.details["risk_before"], event.details["risk_after"]) == ("medium", "high")
    # The approvers are told, as for any escalated ticket; no reply leaves.
    [notice] = outbox_messages(settings)
    assert notice["Subject"] == "[Needs a person] Where is my order?"
    assert notice["To"] == "owner@acme.example"
    assert not OutboundEmail.objects.exclude(kind=OutboundEmail.Kind.ESCALATION).exists()


def test_saying_it_needs_a_person_hands_it_over_and_is_audited_apart_from_the_category(
    django_capture_on_commit_callbacks,
):
    draft = reply_draft()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_correct(
            ticket_id=draft.ticket_id, field=Corrected.NEEDS_HUMAN, value=True, actor=APPROVER
        )

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert (ticket.needs_human, ticket.status, ticket.risk) == (True, "escalated", "high")
    assert ticket.human_reason == f"{APPROVER} said it needs a person"
    assert ticket.category == "support_question"
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED
    [event] = corrections_of(ticket)
    assert (event.details["field"], event.details["before"], event.details["after"]) == (
        "needs_human",
        False,
        True,
    )


def test_a_correction_to_a_lower_risk_category_lowers_nothing_and_sends_nothing(settings):
    message = customer_message()
    Ticket.objects.filter(pk=message.ticket_id).update(
        category="refund_request", risk="high", status="escalated", needs_human=True
    )

    ticket_correct(
        ticket_id=message.ticket_id,
        field=Corrected.CATEGORY,
        value="support_question",
        actor=APPROVER,
    )
    ticket_correct(
        ticket_id=message.ticket_id, field=Corrected.NEEDS_HUMAN, value=False, actor=APPROVER
    )

    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert (ticket.category, ticket.needs_human) == ("support_question", False)
    assert (ticket.risk, ticket.status) == ("high", "escalated")
    assert not Draft.objects.exists() and not OutboundEmail.objects.exists()
    assert outbox_messages(settings) == []
    assert len(corrections_of(ticket)) == 2


def test_a_correction_to_a_medium_category_raises_a_low_risk_ticket():
    draft = reply_draft()
    Ticket.objects.filter(pk=draft.ticket_id).update(risk="low")

    ticket_correct(
        ticket_id=draft.ticket_id,
        field=Corrected.CATEGORY,
        value="invoice_question",
        actor=APPROVER,
    )

    ticket = Ticket.objects.get(pk=draft.ticket_id)
    assert ticket.risk == "medium"
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.PENDING


def test_a_ticket_escalated_already_is_not_announced_twice(
    settings, django_capture_on_commit_callbacks
):
    message = customer_message()
    Ticket.objects.filter(pk=message.ticket_id).update(status="escalated", risk="high")

    with django_capture_on_commit_callbacks(execute=True):
        ticket_correct(
            ticket_id=message.ticket_id,
            field=Corrected.CATEGORY,
            value="refund_request",
            actor=APPROVER,
        )

    assert Ticket.objects.get(pk=message.ticket_id).category == "refund_request"
    assert outbox_messages(settings) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "legal_threat"), ("urgency", "asap"), ("needs_human", "maybe"), ("tone", "x")],
)
def test_a_field_or_value_that_does_not_exist_is_refused(field, value):
    with pytest.raises(InvalidCorrection):
        correction_parse(field=field, value=value)


def test_the_values_a_form_posts_are_typed():
    assert correction_parse(field="needs_human", value="yes") == (Corrected.NEEDS_HUMAN, True)
    assert correction_parse(field="needs_human", value="no") == (Corrected.NEEDS_HUMAN, False)
    assert correction_parse(field="urgency", value="low") == (Corrected.URGENCY, "low")


def test_the_trail_orders_the_correction_before_the_withdrawn_draft():
    draft = reply_draft()
    since = timezone.now() - timedelta(seconds=1)

    ticket_correct(
        ticket_id=draft.ticket_id,
        field=Corrected.CATEGORY,
        value="refund_request",
        actor=APPROVER,
    )

    actions = list(
        AuditEvent.objects.filter(created_at__gte=since)
        .exclude(action__in=["draft.created"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["ticket.corrected", "draft.rejected"]
