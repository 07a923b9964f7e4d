"""A question finds the passage about what it asks, though the passage says it in other words or
another language: business topics (returns, delivery, opening hours and holidays, order changes,
damaged items, ...) are shared across words and languages, and German compounds are split at
the folder's own words. And a passage that merely names the things asked about (a price list)
does not answer a question about something else, nor does any passage answer a question about a
subject the folder does not cover."""

from __future__ import annotations

import pytest

from mailagent.knowledge.index import knowledge_build
from mailagent.knowledge.terms import terms
from mailagent.knowledge.topics import topic_token, topics
from tests.knowledge.conftest import SHOP, folder_write

SUPPLIES = {
    "returns.md": """# Returns and refunds

## Returns policy

You can return unused items in their original, unopened packaging within 30 days of delivery.
Custom-printed items (printed cups, branded napkins) cannot be returned unless they are faulty.

## Refunds

An approved refund is paid to the original payment method within 5 to 10 working days.
""",
    "prices.md": """# Prices and discounts

## Popular items

- 12 oz double-wall paper cups, case of 500: $64.00
- Letter copy paper, case of 10 reams: $52.00
- Compostable salad boxes, case of 300: $72.00
- All-purpose cleaner, 1 gallon: $11.50

## Volume discounts

Orders of $1,000 or more get 5% off, orders of $2,500 or more 8% off.
""",
    "hours.md": """# Opening hours

## Opening hours

Our office is open Monday to Friday, 8:00 am to 5:30 pm.

## Holidays

Over the holidays we close on 24, 25 and 31 December and on 1 January.
""",
    "delivery.md": """# Delivery

## Delivery times

UPS Ground takes 2 to 5 working days; DHL Express to Canada and the EU 3 to 5 working days.

## Damaged or missing items

Please check each delivery when it arrives and report damaged or missing items within 48
hours, with a photo. We send the replacement with your next delivery.
""",
    "faq.md": """# Questions

## Can I change or cancel an order?

Orders can be changed or cancelled until 2:00 pm on the working day before delivery.

## How do I open an account?

Email us your business name and billing address: we open accounts within 2 working days.
""",
    "lieferung.de.md": """# Lieferung

## Lieferzeiten

UPS Ground braucht 2 bis 5 Werktage, DHL Express in die EU 3 bis 5 Werktage.

## Lieferkosten

DHL Express kostet 45 USD pro Bestellung; Einfuhrzölle und Steuern sind inbegriffen.
""",
    "artikel.de.md": """# Artikel

## Beliebte Artikel

Unsere Nitrilhandschuhe sind puderfrei und kommen in Boxen mit 100 Stück.
""",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = folder_write(tmp_path_factory.mktemp("supplies"), SUPPLIES)
    return knowledge_build(root, default_language="en")


def ids(passages) -> list[str]:
    return [p.id for p in passages]


@pytest.mark.parametrize(
    ("words", "language"),
    [
        ("We ship it tomorrow", "en"),
        ("Wann kommt der Versand?", "de"),
        ("Combien coûte la livraison ?", "fr"),
        ("¿Cuánto cuesta el envío?", "es"),
    ],
)
def test_shipping_words_of_every_language_name_the_one_delivery_topic(words, language):
    assert topic_token("delivery") in topics(terms(words, language), language)


@pytest.mark.parametrize(
    ("compound", "topic"),
    [
        ("Lieferzeiten", "delivery"),
        ("Einfuhrumsatzsteuer", "customs"),
        ("Einfuhrumsatzsteuer", "tax"),
        ("Versandkosten", "price"),
        ("Rechnungsadresse", "address"),
        ("Kartenzahlung", "payment"),
        ("Fehllieferung", "damage"),
        ("Musterpaket", "samples"),
    ],
)
def test_a_german_compound_names_the_topics_of_its_parts(compound, topic):
    assert topic_token(topic) in topics(terms(compound, "de"), "de")


@pytest.mark.parametrize("word", ["kartonweise", "Kartonpreis", "Kartonagen"])
def test_a_compound_that_only_starts_like_a_topic_word_s_stem_names_no_such_topic(word):
    # "Karte" (a card: payment) stems to "kart", as a "Karton" (a case) begins.
    assert topic_token("payment") not in topics(terms(word, "de"), "de")


def test_only_a_noun_ends_a_german_compound():
    # "ungeöffnet" ends like the verb "öffnen": it says nothing about opening hours.
    assert topics(terms("ungeöffnet", "de"), "de") == []


def test_a_phrase_names_its_own_topic_and_not_those_of_its_words():
    found = topics(terms("How do I open an account?", "en"), "en")
    assert found == [topic_token("account")]


ANSWERED = [
    (
        "We ordered too much copy paper and the cases are unopened. How do we send them back?",
        "returns.md#1",
    ),
    ("Are you open over Christmas?", "hours.md#2"),
    ("Is it too late to add two cases of cups to tomorrow's delivery?", "faq.md#1"),
    ("The boxes arrived crushed and wet. What now?", "delivery.md#2"),
    ("Do you give a discount on bigger orders?", "prices.md#2"),
    ("The school would like its own account with you. How long does that take?", "faq.md#2"),
    ("How much are the 12 oz double-wall cups?", "prices.md#1"),
]


@pytest.mark.parametrize(("question", "answer"), ANSWERED)
def test_the_passage_about_what_is_asked_comes_first_in_other_words(index, question, answer):
    found = index.search(question, language="en")
    assert ids(found)[:1] == [answer]


def test_a_price_list_that_names_the_product_does_not_answer_a_returns_question(index):
    found = index.search(
        "Hi,\n\nWe bought too much copy paper and three cases are unopened. Your website said "
        "you take returns for 90 days, is that right? How do we send them back?\n\nDana Reyes",
        language="en",
    )
    assert ids(found)[:1] == ["returns.md#1"]
    assert "prices.md#1" not in ids(found)


def test_a_complaint_finds_the_damaged_items_passage_before_the_price_list(index):
    found = index.search(
        "Crushed boxes\n\nToday's delivery came with two cases of salad boxes crushed, the "
        "driver left them at the back door. We need them replaced.\n\nCarlos",
        language="en",
    )
    assert ids(found)[:1] == ["delivery.md#2"]
    assert "prices.md#1" not in ids(found)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("We'd like 2,000 double-wall cups printed with our logo. What would that cost?", "en"),
        ("Could you send us the safety data sheet for the all-purpose cleaner?", "en"),
        ("Pourriez-vous nous envoyer la fiche de données de sécurité du nettoyant ?", "fr"),
        ("¿Tienen el certificado de compostabilidad de las cajas para ensalada?", "es"),
    ],
)
def test_a_question_about_what_the_folder_does_not_cover_gets_nothing(index, question, language):
    assert index.search(question, language=language) == ()


def test_a_german_question_finds_the_german_passage_through_its_compounds(index):
    found = index.search(
        "Was kostet der Versand nach Wien, und fällt Einfuhrumsatzsteuer an?", language="de"
    )
    assert ids(found)[:1] == ["lieferung.de.md#2"]


def test_a_german_compound_is_split_at_the_folder_s_words(index):
    found = index.search("Sind die Handschuhe puderfrei?", language="de")
    assert ids(found) == ["artikel.de.md#1"]


@pytest.mark.parametrize(
    ("question", "language", "answer"),
    [
        ("Haben Sie an Weihnachten geöffnet?", "de", "hours.md#2"),
        ("Êtes-vous ouverts pendant les fêtes ?", "fr", "hours.md#2"),
        ("¿Puedo cancelar un pedido?", "es", "faq.md#1"),
    ],
)
def test_without_a_passage_in_the_customer_s_language_the_topic_finds_the_english_one(
    index, question, language, answer
):
    found = index.search(question, language=language)
    assert ids(found)[:1] == [answer]
    assert found[0].language == "en"


def test_the_customer_s_language_comes_first_when_it_answers_as_well(index):
    found = index.search("Wie lange dauert die Lieferung?", language="de")
    assert ids(found)[:1] == ["lieferung.de.md#1"]


def test_a_german_question_on_opening_days_shares_the_hours_topic_with_the_english_passage(
    tmp_path,
):
    # "geöffnet" and "open" share no word, but they name one topic.
    index = knowledge_build(folder_write(tmp_path / "shop", SHOP), default_language="en")
    found = index.search("Haben Sie am Sonntag geöffnet?", language="de")
    assert ids(found)[:1] == ["hours.txt#1"]
