"""A staff member forwards a customer's email to the agent: the ticket is about the customer, not
about the colleague who forwarded it."""

from __future__ import annotations

import pytest

from mailagent.parsing.email import parse_email
from mailagent.types import Address
from tests.parsing.eml import STAFF, parse

STAFF_FORWARDS = [
    (
        "staff-forward-gmail.eml",
        Address("greg@blueharbormarina.example", "Greg Olsen"),
        "dana@acme.example",
        "Dock line order - wrong diameter?",
        "The dock lines from order SO-20388 measure",
        "Can you pick this one up?\n\nDana",
    ),
    (
        "staff-forward-outlook.eml",
        Address("owner@greenleafcafe.example", "Priya Raman"),
        "sam.ortiz@acme.example",
        "Missing lids on order SO-20455",
        "the lids were not in the delivery",
        "FYI, please answer her.",
    ),
    (
        "staff-forward-attached.eml",
        Address("amara@pinecrestvet.example", "Dr. Amara Okafor"),
        "sam.ortiz@acme.example",
        "Glove sizes for the new clinic",
        "Could you send pricing for nitrile gloves",
        "Forwarding as attachment - please draft something friendly.\n\nSam",
    ),
    (
        "apple-forward.eml",
        Address("hello@coastalyoga.example", "Jenna Brooks"),
        "dana@acme.example",
        "Saturday delivery?",
        "do you deliver on Saturdays?",
        "",
    ),
]


@pytest.mark.parametrize(
    ("name", "customer", "forwarded_by", "subject", "in_text", "note"), STAFF_FORWARDS
)
def test_staff_forward_is_unwrapped_to_the_original_sender(
    name, customer, forwarded_by, subject, in_text, note
):
    parsed = parse(name)
    assert parsed.customer == customer
    assert parsed.forwarded_by is not None
    assert parsed.forwarded_by.email == forwarded_by
    assert parsed.sender.email == forwarded_by
    assert parsed.subject == subject
    assert in_text in parsed.text
    assert parsed.staff_note == note
    assert "Forwarded message" not in parsed.text
    assert "From:" not in parsed.text


def test_attached_forward_keeps_the_original_message_id_for_threading():
    parsed = parse("staff-forward-attached.eml")
    assert parsed.original_message_id == "<7E1B2C9A-fixture@pinecrestvet.example>"
    assert (
        parsed.text
        == "Hello Sam,\n\nCould you send pricing for nitrile gloves in small, medium and large?"
    )
    assert parsed.signature == "Best,\nAmara"
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"]


def test_forward_from_a_customer_is_not_unwrapped():
    parsed = parse("customer-forward.eml")
    assert parsed.customer == Address("karen.liu@harbordental.example", "Karen Liu")
    assert parsed.forwarded_by is None
    assert parsed.staff_note == ""
    assert parsed.subject == "Fwd: Delivery note for Elm Street"
    assert parsed.text.startswith("Our Elm Street office says this delivery was short")


def test_staff_message_without_a_forward_stays_with_the_staff_sender():
    parsed = parse_email(
        b"From: Dana Whitfield <dana@acme.example>\nTo: agent@acme.example\n"
        b"Subject: Lunch order\nMessage-ID: <lunch@acme.example>\n\nPizza at noon?\n",
        staff=STAFF,
    )
    assert parsed.forwarded_by is None
    assert parsed.customer.email == "dana@acme.example"
    assert parsed.text == "Pizza at noon?"


def test_a_customer_s_forward_that_names_its_sender_without_an_address_is_read_whole():
    # Phones and webmail often forward as "From: Aisha Rahman": no address to trust, but the
    # payment it reports is what the customer asks about, and the triage must read it.
    raw = (
        b"From: Northgate Reception <reception@northgate.example>\r\n"
        b"To: agent@acme.example\r\n"
        b"Subject: Fwd: payment confirmation\r\n"
        b"Message-ID: <fwd-1@northgate.example>\r\n"
        b"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Hi, forwarding this on from our practice manager - please can you confirm you've\r\n"
        b"got it and mark us as paid? Thanks, Reception\r\n\r\n"
        b"---------- Forwarded message ---------\r\n"
        b"From: Aisha Rahman\r\n"
        b"Date: Fri, 20 Nov 2026 at 16:41\r\n"
        b"Subject: payment confirmation\r\n"
        b"To: Northgate Reception\r\n\r\n"
        b"BACS payment of \xc2\xa31,402.75 went out to Acme Supplies this afternoon.\r\n"
    )
    parsed = parse_email(raw, staff=STAFF)
    assert parsed.customer == Address("reception@northgate.example", "Northgate Reception")
    assert parsed.forwarded_by is None
    assert "mark us as paid" in parsed.text
    assert "BACS payment of £1,402.75 went out" in parsed.text
