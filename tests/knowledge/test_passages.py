"""Files become passages a draft can quote: about one thing each, in the business's own words,
named by the headings above them, and with ids that stay put while the file is unchanged."""

from __future__ import annotations

from mailagent.knowledge.files import KnowledgeFile
from mailagent.knowledge.passages import MAX_PASSAGE_CHARS, passages_split
from tests.knowledge.conftest import SHOP


def split(text: str, path: str = "returns.md", language: str = "en"):
    markdown = not path.endswith(".txt")
    return passages_split(KnowledgeFile(path, text, language, markdown))


def test_markdown_is_cut_at_its_headings_and_each_passage_keeps_its_heading_path():
    passages = split(SHOP["returns.md"])
    assert [p.heading for p in passages] == [
        "Returns",
        "Returns › How to return an item",  # noqa: RUF001
        "Returns › Refund timing",  # noqa: RUF001
    ]
    assert [p.id for p in passages] == ["returns.md#1", "returns.md#2", "returns.md#3"]
    assert passages[2].text == (
        "We refund the purchase price to your original payment method within 5 working days of "
        "receiving\nthe returned item. Bank transfers can take a further 2 to 3 days to show on "
        "your statement."
    )
    assert all(p.language == "en" and p.file == "returns.md" for p in passages)


def test_a_hash_in_a_code_block_is_no_heading_and_an_underlined_line_is_one():
    text = (
        "Intro before any heading.\n\n"
        "Shipping\n========\n\nWe ship daily.\n\n"
        "```\n# not a heading\n```\n\n"
        "Costs\n-----\n\n- 4.90 EUR standard\n- 12 EUR express\n"
    )
    passages = split(text, "delivery.md")
    assert [(p.heading, p.text) for p in passages] == [
        ("", "Intro before any heading."),
        ("Shipping", "We ship daily.\n\n```\n# not a heading\n```"),
        ("Shipping › Costs", "- 4.90 EUR standard\n- 12 EUR express"),  # noqa: RUF001
    ]


def test_a_long_section_is_cut_between_paragraphs_and_keeps_every_word():
    paragraphs = [f"Paragraph {n}: " + "words about delivery " * 20 for n in range(12)]
    text = "# Delivery\n\n" + "\n\n".join(p.strip() for p in paragraphs) + "\n"
    passages = split(text, "delivery.md")
    assert len(passages) > 3
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.heading == "Delivery" for p in passages)
    joined = "\n\n".join(p.text for p in passages)
    assert joined == "\n\n".join(p.strip() for p in paragraphs)


def test_one_huge_paragraph_is_cut_between_sentences():
    sentence = "Returns are free within thirty days of delivery. "
    passages = split("# Returns\n\n" + sentence * 60)
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.text.endswith("delivery.") for p in passages)
    assert sum(p.text.count("Returns are free") for p in passages) == 60


def test_plain_text_is_cut_at_blank_lines_with_a_title_line_as_heading():
    passages = split(SHOP["hours.txt"], "hours.txt")
    assert [p.heading for p in passages] == ["Opening hours", "Opening hours"]
    assert passages[0].text.startswith("Our shop at Hauptstraße 5, Berlin, is open")
    assert passages[1].text.startswith("Customer service answers the phone")


def test_short_lines_of_facts_are_not_taken_for_headings():
    passages = split("Opening hours\n\nMon-Fri 9-18\n\nSat 10-14\n", "hours.txt")
    assert [(p.heading, p.text) for p in passages] == [
        ("", "Opening hours"),
        ("", "Mon-Fri 9-18"),
        ("", "Sat 10-14"),
    ]


def test_ids_are_stable_while_the_file_is_unchanged():
    assert split(SHOP["faq.md"], "faq.md") == split(SHOP["faq.md"], "faq.md")
    assert [p.id for p in split(SHOP["faq.md"], "faq.md")] == ["faq.md#1", "faq.md#2", "faq.md#3"]
