"""Who wrote, to whom, about what and when: what the ticket list shows for every message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailagent.types import Address
from tests.parsing.eml import parse

ENVELOPES = [
    (
        "gmail-reply.eml",
        Address("marcus@sunrisebakery.example", "Marcus Hale"),
        ("agent@acme.example", "dana@acme.example"),
        ("ruth@sunrisebakery.example",),
        "Re: Third late delivery this month",
        datetime(2026, 11, 24, 14, 2, 3, tzinfo=UTC),
    ),
    (
        "outlook-original-message.eml",
        Address("robert@oakridgepm.example", "Chen, Robert"),
        ("agent@acme.example",),
        (),
        "RE: Statement for November",
        datetime(2026, 11, 25, 16, 40, 2, tzinfo=UTC),
    ),
    (
        "html-only.eml",
        Address("frontdesk@harbordental.example", "Harbor Dental Group - Front Desk"),
        ("agent@acme.example",),
        (),
        "Change delivery window",
        datetime(2026, 11, 24, 18, 5, 9, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("name", "sender", "to", "cc", "subject", "date"), ENVELOPES)
def test_sender_recipients_subject_and_date_are_read(name, sender, to, cc, subject, date):
    parsed = parse(name)
    assert parsed.sender == sender
    assert tuple(a.email for a in parsed.to) == to
    assert tuple(a.email for a in parsed.cc) == cc
    assert parsed.subject == subject
    assert parsed.date == date
    assert parsed.customer == sender


def test_thread_headers_name_the_messages_a_reply_answers_nearest_first():
    parsed = parse("gmail-reply.eml")
    assert parsed.message_id == "<CAF9x2kQ-gmail-reply-77@mail.sunrisebakery.example>"
    assert parsed.in_reply_to == "<173300001.1.ticket@acme.example>"
    assert parsed.thread_ids == (
        "<173300001.1.ticket@acme.example>",
        "<CAF9x2kQ7m1Lr0=sunrise-0002@mail.sunrisebakery.example>",
    )


def test_plain_text_is_preferred_over_the_html_alternative():
    parsed = parse("gmail-reply.eml")
    assert parsed.text.startswith("Thanks for coming back so quickly.")
    assert "<div" not in parsed.text


def test_html_only_message_is_read_as_text_with_entities_and_cells_kept_apart():
    text = parse("html-only.eml").text
    assert "Tuesday between 8 and 10 am & skip Mondays?" in text
    assert "Office Elm Street, Suite 4" in text
    assert "<" not in text
    assert "font-family" not in text
    assert "logo.png" not in text


def test_attachments_are_listed_with_decoded_names_and_sizes():
    parsed = parse("attachments.eml")
    assert parsed.text == "Photos and the delivery note are attached.\n\nTom"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("pallet.png", "image/png"),
        ("Lieferschein März.pdf", "application/pdf"),
    ]
    assert parsed.attachments[0].size == 12
    assert parsed.attachments[1].size == 15


def test_message_without_attachments_lists_none():
    assert parse("gmail-reply.eml").attachments == ()
