"""Damaged mail: what can be read is read; what cannot raises `UnparseableEmail`, which the
pipeline quarantines before moving on to the next message."""

from __future__ import annotations

import pytest

from mailagent.errors import UnparseableEmail, UserInputError
from mailagent.parsing.email import parse_email
from tests.parsing.eml import STAFF, parse, raw


def test_missing_message_id_leaves_it_empty_and_the_rest_is_read():
    parsed = parse("no-message-id.eml")
    assert parsed.message_id == ""
    assert parsed.thread_ids == ()
    assert parsed.text == "Are you open on Friday the 27th?"


def test_truncated_multipart_keeps_the_text_and_records_the_defect():
    parsed = parse("truncated-multipart.eml")
    assert parsed.text == "Please add 300 pastry boxes to next week's order."
    assert [a.filename for a in parsed.attachments] == ["order.pdf"]
    assert any("boundary" in defect for defect in parsed.defects)


def test_bad_date_is_left_empty_rather_than_guessed():
    message = raw("plain-question.eml").replace(
        b"Date: Thu, 26 Nov 2026 11:41:02 -0500", b"Date: sometime last Tuesday"
    )
    assert parse_email(message, staff=STAFF).date is None


@pytest.mark.parametrize(
    ("name_or_bytes", "reason"),
    [
        ("no-from.eml", "no readable sender"),
        ("garbage.eml", "no header section"),
        (b"", "empty"),
        (b" \r\n\r\n ", "empty"),
        (b"just a line of text\nand another\n", "no header section"),
        (b"From: <>\nSubject: hi\n\nbody\n", "no readable sender"),
        (b"From: undisclosed\nSubject: hi\n\nbody\n", "no readable sender"),
    ],
)
def test_unreadable_input_raises_unparseable_email(name_or_bytes, reason):
    data = raw(name_or_bytes) if isinstance(name_or_bytes, str) else name_or_bytes
    with pytest.raises(UnparseableEmail, match=reason) as caught:
        parse_email(data, staff=STAFF)
    assert isinstance(caught.value, UserInputError)
