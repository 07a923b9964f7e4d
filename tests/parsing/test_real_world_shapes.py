# ruff: noqa: RUF001 - the messages are written in the characters real mail carries
"""Ordinary mail that real clients write, read the way a mail client shows it.

One case per failure class, each a message of that shape written for these tests: a raw 8-bit
attachment name, Chinese labelled gb2312 holding GBK-only characters (and the other labels whose
senders write a superset), a stray line in the header block, a customer's inline forward, and
machine senders with prefixed local parts.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mailagent.models import InboundEmail, Ticket
from mailagent.parsing.email import parse_email
from mailagent.types import StaffDirectory

STAFF = StaffDirectory.of([], ["acme.example"])
HEAD = b"From: Ivy Rowe <ivy@customer.example>\nTo: agent@acme.example\n"


def _attachment(disposition: bytes) -> bytes:
    return (
        HEAD + b"Subject: Plans\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\n\nThe plans are attached.\n"
        b"--b\nContent-Type: text/plain\nContent-Disposition: " + disposition + b"\n\nx\n--b--\n"
    )


def _charset(label: bytes, body: bytes) -> bytes:
    return (
        HEAD + b"Subject: Order\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset="
        + label
        + b"\nContent-Transfer-Encoding: 8bit\n\n"
        + body
    )


# (case, raw message, expected sender, subject, first line of text, attachment names)
READ = [
    (
        "raw UTF-8 bytes in an attachment's filename",
        _attachment('attachment; filename="ciële.txt"'.encode()),
        "ivy@customer.example",
        "Plans",
        "The plans are attached.",
        ("ciële.txt",),
    ),
    (
        "raw Latin-1 bytes in an attachment's filename",
        _attachment('attachment; filename="ciële.txt"'.encode("latin-1")),
        "ivy@customer.example",
        "Plans",
        "The plans are attached.",
        ("ciële.txt",),
    ),
    (
        "gb2312 label, GBK-only character",
        _charset(b"gb2312", "您好，王镕的订单什么时候发货？".encode("gbk")),
        "ivy@customer.example",
        "Order",
        "您好，王镕的订单什么时候发货？",
        (),
    ),
    (
        "ks_c_5601-1987 label, cp949 text",
        _charset(b'"ks_c_5601-1987"', "주문 똠방각하 언제 배송되나요?".encode("cp949")),
        "ivy@customer.example",
        "Order",
        "주문 똠방각하 언제 배송되나요?",
        (),
    ),
    (
        "shift_jis label, cp932 extension character",
        _charset(b"shift_jis", "注文①はいつ届きますか".encode("cp932")),
        "ivy@customer.example",
        "Order",
        "注文①はいつ届きますか",
        (),
    ),
    (
        "iso-8859-1 label, cp1252 quotes",
        _charset(b"iso-8859-1", "We’d like 40 “blue” mugs – thanks".encode("cp1252")),
        "ivy@customer.example",
        "Order",
        "We’d like 40 “blue” mugs – thanks",
        (),
    ),
    (
        "a stray line without a colon before From",
        b"Received: from relay.example by mx.acme.example\ngarbage-without-colon\n"
        + HEAD
        + b"Subject: Invoice copy\n\nCould you resend invoice 1042?\n",
        "ivy@customer.example",
        "Invoice copy",
        "Could you resend invoice 1042?",
        (),
    ),
    (
        "an mbox From_ line on top",
        b"From ivy@customer.example Mon Nov 30 10:00:00 2026\n"
        + HEAD
        + b"Subject: Hours\n\nAre you open on Saturday?\n",
        "ivy@customer.example",
        "Hours",
        "Are you open on Saturday?",
        (),
    ),
    (
        "a customer's inline forward keeps the forwarded text",
        HEAD + b"Subject: Fwd: My order 1187\n\n\n-------- Forwarded Message --------\n"
        b"Subject: My order 1187\nDate: Mon, 30 Nov 2026 09:00:00 +0000\n"
        b"From: Ivy Rowe <ivy@customer.example>\nTo: orders@acme.example\n\n"
        b"Where is my order 1187? It was due last week.\n",
        "ivy@customer.example",
        "Fwd: My order 1187",
        "Where is my order 1187? It was due last week.",
        (),
    ),
    (
        "a customer's forward with a note of their own",
        HEAD + b"Subject: Fwd: order\n\nAny news on this?\n\n"
        b"---------- Forwarded message ---------\nFrom: Ivy <ivy@customer.example>\n"
        b"Subject: order\n\nWhen will the mugs ship?\n",
        "ivy@customer.example",
        "Fwd: order",
        "Any news on this?",
        (),
    ),
]


@pytest.mark.parametrize(
    ("case", "raw", "sender", "subject", "first_line", "names"), READ, ids=[c[0] for c in READ]
)
def test_ordinary_mail_reads_as_a_mail_client_shows_it(
    case, raw, sender, subject, first_line, names
):
    parsed = parse_email(raw, staff=STAFF)

    assert parsed.sender.email == sender
    assert parsed.subject == subject
    assert parsed.text.splitlines()[0] == first_line
    assert tuple(a.filename for a in parsed.attachments) == names
    assert parsed.person_first == ()


def test_a_customer_forward_gives_the_triage_the_forwarded_question_too():
    parsed = parse_email(READ[-1][1], staff=STAFF)
    assert "When will the mugs ship?" in parsed.text


@pytest.mark.parametrize(
    "address",
    [
        "gmail-noreply@google.com",
        "no_reply@shop.example",
        "noreply@shop.example",
        "do-not-reply@bank.example",
        "donotreply@bank.example",
        "notifications@github.example",
        "bounce-1234@mailer.example",
        "bounces+abc=acme.example@mailer.example",
        "billing.noreply@saas.example",
        "mailer-daemon@mx.example",
    ],
)
def test_machine_senders_in_their_usual_shapes_are_not_answered(address):
    raw = (
        f"From: Robot <{address}>\nTo: agent@acme.example\nSubject: Your receipt\n\nThanks".encode()
    )
    assert parse_email(raw, staff=STAFF).automatic.startswith("machine sender")


@pytest.mark.parametrize(
    "address", ["noreen@customer.example", "bouncy.castle@party.example", "replyall@x.example"]
)
def test_people_whose_names_look_a_little_like_machines_are_still_answered(address):
    raw = f"From: <{address}>\nTo: agent@acme.example\nSubject: Hi\n\nA question".encode()
    assert parse_email(raw, staff=STAFF).automatic == ""


@pytest.mark.django_db
def test_a_message_with_no_readable_text_gets_a_ticket_for_a_person_and_no_draft(settings):
    settings.INBOX_DIR.joinpath("empty.eml").write_bytes(
        HEAD + b"Subject: Fwd: \nMessage-ID: <empty-1@customer.example>\n\n"
        b"-------- Forwarded Message --------\n"
    )

    call_command("poll", "--once", stdout=StringIO())

    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.ESCALATED
    assert "no readable text" in ticket.human_reason
    assert not ticket.drafts.exists()
    assert InboundEmail.objects.get().status == InboundEmail.Status.PROCESSED
