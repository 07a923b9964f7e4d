"""What the folder says the business does next for a kind of message, found by the heading it
sits under, whatever the message asks: a customer who says they paid asks nothing, and is told
how a payment is matched and confirmed."""

from __future__ import annotations

import pytest

from mailagent.knowledge.index import knowledge_build
from mailagent.knowledge.question import buys_in_volume, wrong_goods
from tests.knowledge.conftest import folder_write

PAYMENT_EN = """# Paying us

## Payment methods

We accept cards and bank transfers.

## Remittance advice

Please email a remittance advice naming the invoices you pay. A transfer takes 2 working days.
"""
PAYMENT_DE = """# Bezahlen

## Zahlungsarten

Wir nehmen Karten und Überweisungen an.

## Zahlungsavis

Bitte schicken Sie uns ein Zahlungsavis mit den Rechnungsnummern.
Eine Überweisung dauert 2 Werktage.
"""


def test_the_passage_under_a_heading_of_its_own_is_found_in_the_customers_language(tmp_path):
    folder = folder_write(tmp_path / "k", {"payment.md": PAYMENT_EN, "payment.de.md": PAYMENT_DE})
    index = knowledge_build(folder, default_language="en")
    (english,) = index.headed("remittance", language="en")
    assert "remittance advice naming the invoices" in english.text
    (german,) = index.headed("remittance", language="de")
    assert "Zahlungsavis mit den Rechnungsnummern" in german.text
    # A language the folder is not written in: the folder's own.
    assert index.headed("remittance", language="it") == (english,)


def test_a_folder_with_no_such_heading_gives_nothing_rather_than_a_near_passage(tmp_path):
    text = "# Paying us\n\n## Payment methods\n\nWe accept remittance advice by email too.\n"
    index = knowledge_build(
        folder_write(tmp_path / "k", {"payment.md": text}), default_language="en"
    )
    assert index.headed("remittance", language="en") == ()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The lids you sent don't fit our cups, third time now.", "en"),
        ("Statt Größe L haben wir Größe S bekommen.", "de"),
        ("Ce ne sont pas les bons couvercles, il y a une erreur dans la commande.", "fr"),
        ("Nos han llegado las tapas equivocadas.", "es"),
    ],
)
def test_goods_that_came_wrong_get_what_sending_them_back_costs(text, language):
    assert wrong_goods(text)


@pytest.mark.parametrize(
    "text",
    [
        "Could you send the catalogue?",
        "What went well this year: your delivery times.",
        "Wir möchten gern 30 Kartons bestellen.",
    ],
)
def test_other_mail_is_not_read_as_wrong_goods(text):
    assert not wrong_goods(text)


@pytest.mark.parametrize(
    ("text", "volume"),
    [
        ("What would 40 cases a month look like?", True),
        ("Wir bräuchten etwa 30 Kartons Kopierpapier im Monat.", True),
        ("Unas 25 cajas al mes de vasos.", True),
        ("We need 3 cases for Friday.", False),
        ("Our office is open 5 days a week.", False),
    ],
)
def test_an_amount_bought_again_and_again_is_a_volume(text, volume):
    assert buys_in_volume(text) is volume
