"""What the team's decisions teach: corrected tickets weigh most, replies approved as drafted
count, and a reply a person had to rewrite teaches nothing about its triage."""

from __future__ import annotations

import pytest

from mailagent.services.audit import audit_record
from mailagent.services.drafts import draft_approve
from mailagent.services.triage_training import CORRECTION_WEIGHT, labelled_history
from tests.factories import approved, customer_message, reply_draft

pytestmark = pytest.mark.django_db


def test_corrections_and_replies_approved_as_drafted_are_the_labelled_history():
    as_drafted = approved(reply_draft(email=customer_message(message_id="<a@x>")))
    rewritten = reply_draft(email=customer_message(message_id="<b@x>"))
    draft_approve(draft_id=rewritten.pk, approver="owner@acme.example", body="Dear Jane, ...")
    corrected = customer_message(
        subject="Catering", text="Could you cater our party?", message_id="<c@x>"
    ).ticket
    corrected.category = "sales_inquiry"
    corrected.save(update_fields=["category"])
    audit_record(
        action="ticket.changed",
        obj=corrected,
        actor="owner@acme.example",
        changed={"category": "sales_inquiry"},
    )

    history = dict(labelled_history())
    assert set(history) == {as_drafted.ticket_id, corrected.pk}
    assert history[as_drafted.ticket_id].source == "approved"
    taught = history[corrected.pk]
    assert (taught.category, taught.source, taught.weight) == (
        "sales_inquiry",
        "corrected",
        CORRECTION_WEIGHT,
    )
    assert taught.body == "Could you cater our party?"
