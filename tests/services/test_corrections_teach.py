"""What a person's one-click correction teaches: `train_triage` reads it as labelled history, with
the category and urgency the person gave; "needs a person" is kept in the trail and teaches no
category nobody checked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mailagent.models import AuditEvent, Ticket
from mailagent.services.corrections import Corrected, ticket_correct
from mailagent.services.triage_training import CORRECTION_WEIGHT, KEPT_ASIDE_EVERY, labelled_history
from tests.factories import APPROVER, customer_message

pytestmark = pytest.mark.django_db

CATERING = "Could you cater our office party on Friday, 40 people?"


def ticket_trained_on(n: int = 0) -> Ticket:
    """A ticket `train_triage` trains on (not one of those it keeps aside to score on)."""
    while True:
        ticket = customer_message(
            subject="Catering", text=CATERING, message_id=f"<cater-{n}@x>"
        ).ticket
        if ticket.pk % KEPT_ASIDE_EVERY:
            return ticket
        n += 1


def test_a_category_correction_is_labelled_history_with_the_category_the_person_gave():
    ticket = ticket_trained_on()

    ticket_correct(
        ticket_id=ticket.pk, field=Corrected.CATEGORY, value="sales_inquiry", actor=APPROVER
    )

    taught = dict(labelled_history())[ticket.pk]
    assert (taught.category, taught.source, taught.weight) == (
        "sales_inquiry",
        "corrected",
        CORRECTION_WEIGHT,
    )
    assert taught.body == CATERING


def test_an_urgency_correction_is_labelled_history_with_the_urgency_the_person_gave():
    ticket = ticket_trained_on()

    ticket_correct(ticket_id=ticket.pk, field=Corrected.URGENCY, value="high", actor=APPROVER)

    taught = dict(labelled_history())[ticket.pk]
    assert (taught.urgency, taught.source) == ("high", "corrected")


def test_needs_a_person_is_kept_in_the_trail_but_teaches_no_category():
    ticket = ticket_trained_on()

    ticket_correct(ticket_id=ticket.pk, field=Corrected.NEEDS_HUMAN, value=True, actor=APPROVER)

    assert ticket.pk not in dict(labelled_history())
    event = AuditEvent.objects.get(ticket=ticket, action="ticket.corrected")
    assert (event.actor, event.details["field"], event.details["after"]) == (
        APPROVER,
        "needs_human",
        True,
    )


def test_train_triage_trains_on_the_correction(settings, tmp_path, small_bundle):
    ticket = ticket_trained_on()
    ticket_correct(
        ticket_id=ticket.pk, field=Corrected.CATEGORY, value="sales_inquiry", actor=APPROVER
    )
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "triage-model.npz")
    out = StringIO()

    call_command("train_triage", stdout=out)

    assert "1 corrected" in out.getvalue()
