"""A passage and a question are normalised the same way, so that the words meet: contact data
is no word, a figure is one number, and a German infinitive with "zu" is its verb."""

from __future__ import annotations

import pytest

from mailagent.knowledge.terms import terms


def test_an_email_address_or_a_link_is_not_read_as_words():
    text = "Email orders@acme.example or see https://acme.example/returns for returns."
    assert terms(text, "en") == ["email", "see", "return"]


@pytest.mark.parametrize(
    ("written", "language"),
    [("5,000 cups", "en"), ("5.000 Becher", "de"), ("5000 cups", "en")],
)
def test_a_figure_with_thousands_separators_is_one_number(written, language):
    assert terms(written, language)[0] == "5000"


def test_the_cents_of_a_price_are_not_a_number_of_their_own():
    assert "90" not in terms("Nitrile gloves, box of 100: $8.90", "en")
    assert "90" in terms("We take returns up to 90 days", "en")


def test_a_date_keeps_its_parts():
    assert terms("12.03.2026", "en") == ["12", "03", "2026"]


@pytest.mark.parametrize(
    ("with_zu", "verb"),
    [
        ("zurückzusenden", "zurücksenden"),
        ("abzuholen", "abholen"),
        ("anzurufen", "anrufen"),
        ("einzurichten", "einrichten"),
    ],
)
def test_a_german_infinitive_with_zu_is_searched_as_its_verb(with_zu, verb):
    assert terms(f"Wie ist die Ware {with_zu}?", "de") == terms(f"Wie ist die Ware {verb}?", "de")


def test_a_capitalised_german_noun_keeps_its_zu():
    assert terms("Umzugskosten", "de") == ["umzugskost"]


def test_an_english_contraction_leaves_no_fragment_behind():
    assert terms("We're opening a shop and we'll need cups, you've got them?", "en") == [
        "open",
        "shop",
        "need",
        "cup",
    ]
