"""Hostile sender headers: who the customer is, and whom a draft would go to.

Every case runs through the real pipeline (`poll --once` over the inbox folder): the ticket's
customer and its drafts' recipients are what a person approving a reply would see, and what the
SMTP server would be told. Acme's staff is anyone at acme.example.
"""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from mailagent.models import Draft, Ticket
from mailagent.parsing.email import parse_email
from mailagent.types import StaffDirectory

pytestmark = pytest.mark.django_db

STAFF = StaffDirectory.of([], ["acme.example"])
BODY = b"Hello, could you tell me when my order of blue mugs ships? Thanks, Ivy\n"
FORWARD = (
    b"Please sort this out for the customer below.\n\n"
    b"---------- Forwarded message ---------\n"
    b"From: Victim Buyer <victim@target.example>\nSubject: Mugs\n\n"
    b"When do my mugs ship?\n"
)


def _b64(text: bytes) -> str:
    return base64.b64encode(text).decode()


# (case, header lines above the message, body, customer, drafted to or None, a reason shown)
CASES = [
    (
        "encoded-word name hiding a line break and a Bcc",
        f"From: =?utf-8?b?{_b64(b'Ivy' + bytes([13, 10]) + b'Bcc: eve@elsewhere.example')}?= "
        "<ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        None,
        "line break",
    ),
    (
        "encoded-word name spelling a staff address",
        "From: =?utf-8?q?maria=40acme.example?= <attacker@evil.example>",
        FORWARD,
        "attacker@evil.example",
        None,
        "another address (maria@acme.example)",
    ),
    (
        "plain name written as a staff address",
        "From: maria@acme.example <attacker@evil.example>",
        FORWARD,
        "attacker@evil.example",
        None,
        "maria@acme.example",
    ),
    (
        "quoted name written as a staff address",
        'From: "maria@acme.example" <attacker@evil.example>',
        FORWARD,
        "attacker@evil.example",
        None,
        "another address",
    ),
    (
        "encoded-word inside the address itself",
        "From: =?utf-8?q?maria?=@acme.example",
        FORWARD,
        "=?utf-8?q?maria?=@acme.example",
        "=?utf-8?q?maria?=@acme.example",
        "",
    ),
    (
        "two addresses in one From",
        "From: ivy@customer.example, boss@elsewhere.example",
        BODY,
        "ivy@customer.example",
        None,
        "names 2 addresses",
    ),
    (
        "two From headers",
        "From: ivy@customer.example\nFrom: boss@elsewhere.example",
        BODY,
        "ivy@customer.example",
        None,
        "2 From headers",
    ),
    (
        "group syntax with a second member",
        "From: Friends: ivy@customer.example, eve@elsewhere.example;",
        BODY,
        "ivy@customer.example",
        None,
        "names 2 addresses",
    ),
    (
        "two angle addresses",
        "From: Ivy <ivy@customer.example> <eve@elsewhere.example>",
        BODY,
        "ivy@customer.example",
        None,
        "more than one address",
    ),
    (
        "Sender of another domain",
        "From: Ivy <ivy@customer.example>\nSender: bulk@elsewhere.example",
        BODY,
        "ivy@customer.example",
        None,
        "Sender header (bulk@elsewhere.example)",
    ),
    (
        "envelope of another domain",
        "Return-Path: <eve@elsewhere.example>\nFrom: Ivy <ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        None,
        "Return-Path eve@elsewhere.example",
    ),
    (
        "staff From with a foreign envelope",
        "Return-Path: <eve@elsewhere.example>\nFrom: Maria <maria@acme.example>",
        FORWARD,
        "maria@acme.example",
        None,
        "envelope sender",
    ),
    (
        "staff address with a line break in its name",
        f"From: =?utf-8?b?{_b64(b'Maria' + bytes([10]) + b'X: y')}?= <maria@acme.example>",
        FORWARD,
        "maria@acme.example",
        None,
        "line break",
    ),
    (
        "envelope of a subdomain (a bounce address)",
        "Return-Path: <bounce-77@mail.customer.example>\nFrom: Ivy <ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
    (
        "envelope rewritten by a forwarder (SRS)",
        "Return-Path: <SRS0=HHH=TT=customer.example=ivy@forwarder.example>\n"
        "From: Ivy <ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
    (
        "envelope of the business's own domain",
        "Return-Path: <relay@acme.example>\nFrom: Ivy <ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
    (
        "comment after the address",
        "From: ivy@customer.example (Ivy Rowe)",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
    (
        "comment naming a staff address",
        "From: attacker@evil.example (maria@acme.example)",
        FORWARD,
        "attacker@evil.example",
        None,
        "another address (maria@acme.example)",
    ),
    (
        "quoted local part",
        'From: Ivy <"ivy rowe"@customer.example>',
        BODY,
        '"ivy rowe"@customer.example',
        '"ivy rowe"@customer.example',
        "",
    ),
    (
        "old client without angle brackets",
        "From: Ivy Rowe ivy@customer.example",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
    (
        "encoded-word name with an ordinary accent",
        "From: =?utf-8?q?Ivy_R=C3=B6we?= <ivy@customer.example>",
        BODY,
        "ivy@customer.example",
        "ivy@customer.example",
        "",
    ),
]


def _message(headers: str, body: bytes, key: int) -> bytes:
    return (
        headers.encode()
        + f"\nTo: agent@acme.example\nSubject: Order question\n"
        f"Message-ID: <hostile-{key}@customer.example>\n\n".encode()
        + body
    )


@pytest.mark.parametrize(
    ("case", "headers", "body", "customer", "drafted_to", "reason"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_hostile_sender_headers_decide_customer_and_recipient(
    settings, case, headers, body, customer, drafted_to, reason
):
    raw = _message(headers, body, CASES.index(next(c for c in CASES if c[0] == case)))
    parsed = parse_email(raw, staff=STAFF)
    assert parsed.customer.email == customer
    # Nobody here is a trusted staff member: every "staff" From above is forged or unclear.
    assert not parsed.from_staff
    assert parsed.forwarded_by is None

    settings.INBOX_DIR.joinpath("hostile.eml").write_bytes(raw)
    call_command("poll", "--once", stdout=StringIO())
    ticket = Ticket.objects.get()
    assert ticket.customer_email == customer
    recipients = [d.to_addresses for d in Draft.objects.filter(kind=Draft.Kind.REPLY)]
    if drafted_to is None:
        assert recipients == []
        assert ticket.status == Ticket.Status.ESCALATED
    else:
        assert recipients == [[drafted_to]]
    if reason:
        assert reason in "; ".join(parsed.suspicious)
        assert reason in ticket.human_reason
        assert ticket.needs_human
    elif drafted_to is not None:
        assert parsed.suspicious == ()


def test_a_genuine_staff_forward_is_still_unwrapped():
    raw = _message("From: Maria <maria@acme.example>", FORWARD, 999)
    parsed = parse_email(raw, staff=STAFF)
    assert parsed.from_staff
    assert parsed.customer.email == "victim@target.example"
    assert parsed.suspicious == ()


def test_a_staff_forward_of_a_message_with_a_forged_from_goes_to_a_person():
    inner = (
        b"From: =?utf-8?q?boss=40acme.example?= <eve@elsewhere.example>\n"
        b"Subject: Invoice\nMessage-ID: <inner@elsewhere.example>\n\nPlease pay today.\n"
    )
    raw = (
        b"From: Maria <maria@acme.example>\nTo: agent@acme.example\nSubject: Fwd: Invoice\n"
        b"Message-ID: <outer@acme.example>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        b"See attached.\n--b\nContent-Type: message/rfc822\n\n" + inner + b"--b--\n"
    )
    parsed = parse_email(raw, staff=STAFF)
    assert parsed.customer.email == "eve@elsewhere.example"
    assert any("forwarded message" in s for s in parsed.suspicious)


def test_a_staff_from_over_the_null_envelope_is_not_staff_and_gets_no_draft(settings):
    raw = _message("Return-Path: <>\nFrom: Maria <maria@acme.example>", FORWARD, 998)
    parsed = parse_email(raw, staff=STAFF)
    assert not parsed.from_staff and parsed.forwarded_by is None
    assert any("envelope sender is empty" in s for s in parsed.suspicious)

    settings.INBOX_DIR.joinpath("null.eml").write_bytes(raw)
    call_command("poll", "--once", stdout=StringIO())
    assert not Draft.objects.exists()
