"""Only what a message asks is searched: not the greeting above it, not the names under it."""

from __future__ import annotations

import pytest

from mailagent.knowledge.question import question_of


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        (
            "Returning paper\nHi,\n\nHow do we send the cases back?\n\nThanks,\nDana Reyes\n"
            "Office Manager, Harbour Dental",
            "Returning paper\n\nHow do we send the cases back?",
        ),
        (
            "Lieferung\nGuten Tag,\n\nwie lange dauert die Lieferung?\n\nFreundliche Grüße\n"
            "Monika Berg",
            "Lieferung\n\nwie lange dauert die Lieferung?",
        ),
        (
            "Pedido\nBuenos días:\n\n¿Tienen pedido mínimo?\n\nUn saludo,\nAndrés",
            "Pedido\n\n¿Tienen pedido mínimo?",
        ),
    ],
)
def test_the_greeting_and_the_sign_off_are_not_searched(message, asked):
    assert question_of(message) == asked


@pytest.mark.parametrize(
    "message",
    [
        "Do you sell parrots?",
        "Hi, it's Maria. Can I return my order? Thanks!",
        "Oak table price",
        # No sentence above the short lines: they may be the question itself.
        "Ship to Japan\n\nDo you ship to Japan\n\nTom",
    ],
)
def test_a_message_without_a_greeting_or_a_sign_off_is_searched_whole(message):
    assert question_of(message) == message


def test_an_address_in_the_body_is_not_taken_for_a_sign_off():
    message = (
        "Neue Adresse\n\nBitte liefern Sie ab Januar an:\nCafé Linde, Weg 8, 20259 Hamburg.\n"
        "Die Rechnungsadresse bleibt gleich.\n\nDanke!\nCafé Linde"
    )
    assert "Café Linde, Weg 8, 20259 Hamburg." in question_of(message)
    assert not question_of(message).endswith("Café Linde")
