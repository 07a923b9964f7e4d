"""A staff forward is judged on what the colleague wrote as well as on the customer's words."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mailagent.models import Ticket

pytestmark = pytest.mark.django_db


def test_staff_note_asking_for_money_back_escalates_a_polite_forward(settings):
    settings.INBOX_DIR.joinpath("fwd.eml").write_bytes(
        b"From: Dana Whitfield <dana@acme.example>\nTo: agent@acme.example\n"
        b"Subject: Fwd: Cups\nMessage-ID: <fwd-refund@acme.example>\n\n"
        b"He wants a refund for these, see below.\n\n"
        b"---------- Forwarded message ---------\n"
        b"From: Greg Olsen <greg@blueharbormarina.example>\nSubject: Cups\n\n"
        b"Hi Dana, the cups were the wrong size. Can you sort it out?\n"
    )
    call_command("poll", "--once", stdout=StringIO())
    ticket = Ticket.objects.get()
    assert ticket.customer_email == "greg@blueharbormarina.example"
    assert ticket.status == Ticket.Status.ESCALATED
    assert not ticket.drafts.exists()
