"""The new text of a reply, apart from the history it quotes and the sender's signature: the
triage reads only what the customer just wrote."""

from __future__ import annotations

import pytest

from mailagent.parsing.bodies import split_reply
from tests.parsing.eml import parse

REPLIES = [
    (
        "gmail-reply.eml",
        "Thanks for coming back so quickly. The replacement boxes arrived at 6:15\n"
        "this morning, all dry.\n\nCan we keep the 6am slot for Fridays from now on?",
        "I'm sorry about this",
        "Marcus Hale\nOwner, Sunrise Bakery",
    ),
    (
        "outlook-original-message.eml",
        "Hi,\n\nCould you send the statement as a PDF as well? Our system can't import the\n"
        "HTML version.\n\nRobert",
        "Your November statement is below.",
        "",
    ),
    (
        "outlook-from-sent.eml",
        "Perfect, that matches our records now. I'll pay the corrected amount on Friday.",
        "the second glove line was a duplicate",
        "Best regards,\nKaren Liu\nOffice Manager | Harbor Dental Group",
    ),
    (
        "iphone-reply.eml",
        "That worked, the timer keeps its setting now. Thank you!",
        "Hold the two buttons for five seconds",
        "Sent from my iPhone",
    ),
]


@pytest.mark.parametrize(("name", "new_text", "in_quote", "in_signature"), REPLIES)
def test_new_text_is_separated_from_quoted_history_and_signature(
    name, new_text, in_quote, in_signature
):
    parsed = parse(name)
    assert parsed.text == new_text
    assert in_quote in parsed.quoted
    assert in_quote not in parsed.text
    assert in_signature in parsed.signature
    if in_signature:
        assert in_signature not in parsed.text


SPLITS = [
    pytest.param(
        "Hi,\n\nThanks, the parts arrived. But the invoice lists 12 boxes.\nCan you fix it?\n\n"
        "Best regards,\nAnn",
        "Hi,\n\nThanks, the parts arrived. But the invoice lists 12 boxes.\nCan you fix it?",
        "Best regards,\nAnn",
        id="a sentence starting with 'Thanks,' is not a sign-off",
    ),
    pytest.param(
        "Please quote for:\n- 40 cases of paper towels\n- 6 cases of bin bags\n\nJenna",
        "Please quote for:\n- 40 cases of paper towels\n- 6 cases of bin bags\n\nJenna",
        "",
        id="a bulleted order list stays in the new text",
    ),
    pytest.param(
        "New delivery address from Monday.\n\n-- \nJane Roe\nRoe Catering",
        "New delivery address from Monday.",
        "--\nJane Roe\nRoe Catering",
        id="dash-dash-space signature",
    ),
    pytest.param(
        "Can you deliver Tuesday?\n\nThanks,\nPriya",
        "Can you deliver Tuesday?",
        "Thanks,\nPriya",
        id="short sign-off line",
    ),
    pytest.param(
        "Hi Sam,\n\nThanks, got it.\n\nKind regards,\nLuis",
        "Hi Sam,\n\nThanks, got it.",
        "Kind regards,\nLuis",
        id="a three-word sentence is not a sign-off either",
    ),
]


@pytest.mark.parametrize(("body", "text", "signature"), SPLITS)
def test_signature_starts_at_a_real_sign_off(body, text, signature):
    split = split_reply(body)
    assert split.text == text
    assert split.signature == signature


def test_gmail_reply_header_wrapped_onto_two_lines_still_starts_the_quote():
    split = split_reply(
        "Yes, Tuesday works.\n\nOn Mon, Nov 23, 2026 at 4:52 PM Greg Olsen "
        "<greg@blueharbormarina.example>\nwrote:\n\n> Can you deliver Tuesday?"
    )
    assert split.text == "Yes, Tuesday works."
    assert split.quoted == "> Can you deliver Tuesday?"


def test_empty_body_gives_empty_text():
    assert split_reply("  \n ") == split_reply("")
    assert split_reply("").text == ""
