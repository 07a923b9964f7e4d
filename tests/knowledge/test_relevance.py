"""A customer's question gets the passage that answers it, first; in the customer's language when
the folder has it, else in the folder's; and nothing at all when the folder holds no answer, so
that a draft never invents one. These examples are the ones textindex.py's constants were set on.
"""

from __future__ import annotations

import pytest

from mailagent.knowledge import passages_for
from mailagent.knowledge.index import knowledge_build
from tests.knowledge.conftest import SHOP, folder_write


@pytest.fixture
def index(tmp_path):
    return knowledge_build(folder_write(tmp_path / "knowledge", SHOP), default_language="en")


def ids(passages) -> list[str]:
    return [p.id for p in passages]


ANSWERED = [
    ("When will I get my refund?", "returns.md#3"),
    ("How much does express delivery cost?", "delivery.md#2"),
    ("How long does delivery take to Austria?", "delivery.md#1"),
    ("Where is my parcel?", "delivery.md#3"),
    ("Do you accept PayPal?", "payment.md#1"),
    ("Can I cancel my order?", "faq.md#1"),
    ("Do you do gift wrapping?", "faq.md#2"),
    ("Is the table assembled?", "faq.md#3"),
    ("How much is the oak table?", "products/prices.md#1"),
    ("What time do you open on Saturday?", "hours.txt#1"),
    ("Hi, it's Maria. Can I return my order? Thanks!", "returns.md#2"),
    ("Can I cancel my order 4411? It was placed this morning.", "faq.md#1"),
]


@pytest.mark.parametrize(("question", "answer"), ANSWERED)
def test_the_passage_that_answers_comes_first(index, question, answer):
    found = index.search(question, language="en")
    assert found, question
    assert found[0].id == answer
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


UNANSWERABLE = [
    "Do you sell parrots?",  # the folder says "we sell lamps"
    "What is the meaning of life?",
    "Do you sell parrot food and cages?",
    "Is there parking near the shop?",
    "Can I pay with bitcoin?",
    "Can you recommend a good restaurant near your shop? My family is visiting next week.",
    "Hello, thanks a lot!",
    "4411 12.03.2026",
    "",
]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_a_question_the_folder_cannot_answer_gets_no_passage(index, question):
    assert index.search(question, language="en") == ()


def test_a_place_the_folder_does_not_name_gets_the_delivery_passage_and_a_person(index):
    # Japan says where, as a number says which: the delivery passages say where the shop
    # delivers, and the draft is marked for a person to confirm Japan is not among them.
    found = index.search("Do you ship to Japan?", language="en")
    assert found and found[0].file == "delivery.md"
    assert found[0].unanswered == ("Japan",)


def test_the_passage_is_returned_whole_as_the_business_wrote_it(index):
    (passage,) = index.search("Do you accept PayPal?", language="en")
    assert passage.file == "payment.md"
    assert passage.heading == "Payment methods"
    assert passage.text == SHOP["payment.md"].split("\n\n", 1)[1].strip()
    assert passage.language == "en"
    assert passage.score > 0


def test_at_most_limit_passages(index):
    assert len(index.search("Can I return it?", language="en")) == 3
    assert ids(index.search("Can I return it?", language="en", limit=1)) == ["returns.md#2"]
    assert index.search("Can I return it?", language="en", limit=0) == ()


def test_a_german_question_gets_the_german_passage(index):
    found = index.search("Wie lange dauert die Lieferung nach Österreich?", language="de")
    assert ids(found)[:1] == ["lieferung.de.md#1"]
    assert {p.language for p in found} == {"de"}


def test_the_customer_s_language_comes_first_even_when_the_english_passage_matches_too(index):
    found = index.search("Kann ich den Artikel zurückgeben?", language="de")
    assert ids(found) == ["ruecksendung.de.md#1"]


def test_an_english_question_never_gets_german_passages(index):
    found = index.search("How long does delivery take to Austria?", language="en")
    assert {p.language for p in found} == {"en"}


@pytest.mark.parametrize(
    ("question", "language", "answer"),
    [
        ("Wie viel kostet der Oak Table?", "de", "products/prices.md#1"),
        ("Akzeptieren Sie PayPal?", "de", "payment.md#1"),
        ("Combien coûte la Oak Table ?", "fr", "products/prices.md#1"),
    ],
)
def test_with_no_passage_in_the_customer_s_language_the_shared_words_find_the_english_one(
    index, question, language, answer
):
    found = index.search(question, language=language)
    assert ids(found)[:1] == [answer]
    assert found[0].language == "en"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Haben Sie Papageien?", "de"),
        ("Vendez-vous des perroquets ?", "fr"),
    ],
)
def test_the_fallback_finds_nothing_when_no_word_is_shared(index, question, language):
    assert index.search(question, language=language) == ()


HOSTILE = [
    '"NEAR(',
    "*",
    "OR",
    "-",
    "AND NOT OR NEAR",
    "title: refund",
    "^refund",
    '"returns" OR "refund" *',
    'NEAR("refund" "days", 2)',
    "{title body}: refund -return",
    "'; DROP TABLE docs0; --",
    '""""',
    "refund*",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_fts5_syntax_in_a_customer_s_text_is_only_words(index, text):
    found = index.search(text, language="en")
    assert all(p.file == "returns.md" for p in found)
    # The index still answers afterwards.
    assert ids(index.search("Where is my parcel?", language="en")) == ["delivery.md#3"]


def test_a_question_wrapped_in_fts5_syntax_still_finds_its_answer(index):
    found = index.search('How do I "return" an item? NEAR( * OR - AND', language="en")
    assert ids(found)[:1] == ["returns.md#2"]


def test_only_the_start_of_a_very_long_message_is_read(index):
    long = "Where is my parcel? " + "Thank you so much! " * 200 + "Do you accept PayPal?"
    assert ids(index.search(long, language="en")) == ["delivery.md#3"]


def test_passages_for_reads_the_folder_of_the_settings(shop):
    assert ids(passages_for("Do you accept PayPal?", "en")) == ["payment.md#1"]
    assert passages_for("Do you sell parrots?", "en") == ()
