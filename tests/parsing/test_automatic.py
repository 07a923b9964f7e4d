"""Mail written by machines is recognised, so the agent never answers an auto-reply, a bounce or
a newsletter (answering one starts a mail loop or sends noise)."""

from __future__ import annotations

import pytest

from mailagent.parsing.email import parse_email
from tests.parsing.eml import STAFF, parse, raw, with_header

PERSON = "plain-question.eml"


def test_a_person_s_message_is_not_automatic():
    parsed = parse(PERSON)
    assert parsed.automatic == ""
    assert not parsed.is_automatic


MARKERS = [
    ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
    ("Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated"),
    ("Auto-Submitted: auto-notified; owner-email=it@oakridgepm.example", "Auto-Submitted"),
    ("Precedence: bulk", "Precedence: bulk"),
    ("Precedence: list", "Precedence: list"),
    ("Precedence: Junk", "Precedence: junk"),
    ("X-Autoreply: yes", "X-Autoreply header"),
    ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress header"),
    ("List-Id: Bakers Guild <guild.bakers.example>", "mailing list (List-Id)"),
]


@pytest.mark.parametrize(("line", "reason"), MARKERS)
def test_each_automatic_marker_is_recognised(line, reason):
    parsed = parse_email(with_header(PERSON, line), staff=STAFF)
    assert parsed.is_automatic
    assert parsed.automatic.startswith(reason)


def test_null_return_path_marks_a_bounce():
    bounced = raw(PERSON).replace(b"Return-Path: <jenna@coastalyoga.example>", b"Return-Path: <>")
    assert parse_email(bounced, staff=STAFF).automatic == "null Return-Path (a bounce)"


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example", "postmaster@coastalyoga.example"])
def test_mail_system_senders_are_automatic(sender):
    message = raw(PERSON).replace(
        b"From: Jenna Brooks <jenna@coastalyoga.example>", f"From: {sender}".encode()
    )
    assert parse_email(message, staff=STAFF).automatic == f"machine sender ({sender.lower()})"


@pytest.mark.parametrize(
    "line",
    ["Auto-Submitted: no", "Auto-Submitted: No (sent by a person)", "Precedence: first-class"],
)
def test_markers_that_say_a_person_wrote_it_are_not_automatic(line):
    assert parse_email(with_header(PERSON, line), staff=STAFF).automatic == ""


@pytest.mark.parametrize(
    "subject", ["Out of office chairs - do you stock them?", "Automatic reply settings question"]
)
def test_a_person_asking_about_office_supplies_is_not_an_auto_reply(subject):
    message = raw(PERSON).replace(b"Do you deliver on Saturdays?", subject.encode(), 1)
    assert parse_email(message, staff=STAFF).automatic == ""


@pytest.mark.parametrize(
    "subject", ["Out of Office: Your order", "Automatic reply: Invoice INV-1042", "Auto-Reply"]
)
def test_responder_subjects_are_automatic_even_without_headers(subject):
    message = raw(PERSON).replace(b"Do you deliver on Saturdays?", subject.encode(), 1)
    assert parse_email(message, staff=STAFF).automatic == "automatic-reply subject"


REAL_MACHINE_MAIL = [
    ("out-of-office-exchange.eml", "Auto-Submitted: auto-replied"),
    ("bounce-dsn.eml", "delivery or read report (multipart/report)"),
    ("newsletter.eml", "Precedence: bulk"),
]


@pytest.mark.parametrize(("name", "reason"), REAL_MACHINE_MAIL)
def test_real_machine_mail_is_automatic(name, reason):
    assert parse(name).automatic == reason


def test_a_bounce_is_not_taken_for_a_forward_of_the_message_it_returns():
    parsed = parse("bounce-dsn.eml")
    assert parsed.customer.email == "mailer-daemon@mx1.acme.example"
    assert parsed.forwarded_by is None


def test_staff_auto_reply_is_not_unwrapped_as_a_forward():
    message = with_header("staff-forward-attached.eml", "Auto-Submitted: auto-replied")
    parsed = parse_email(message, staff=STAFF)
    assert parsed.is_automatic
    assert parsed.forwarded_by is None
