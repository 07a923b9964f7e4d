"""Names and text in whatever charset the sender's client used come out as the letters the sender
typed: "José Muñoz", "Café", curly quotes, the euro sign."""

from __future__ import annotations

import pytest

from mailagent.parsing.headers import decode_bytes
from tests.parsing.eml import parse

# Spelled out: these are exactly the characters a wrong charset turns into control codes or "?".
APOSTROPHE, EN_DASH, OPEN_QUOTE, CLOSE_QUOTE = "\u2019", "\u2013", "\u201c", "\u201d"


def test_raw_latin1_bytes_in_headers_are_decoded():
    parsed = parse("latin1-8bit.eml")
    assert parsed.sender.name == "José Muñoz"
    assert parsed.sender.email == "jose@cafeluna.example"
    assert parsed.subject == "Pedido para el Café Luna"


def test_body_labelled_iso_8859_1_but_written_in_cp1252_keeps_its_curly_quotes():
    text = parse("latin1-8bit.eml").text
    assert text.startswith(
        f"We{APOSTROPHE}d like 20 sleeves of the {OPEN_QUOTE}kraft{CLOSE_QUOTE} cups "
        "for Café Luna, € prices"
    )
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_windows_1252_encoded_words_and_quoted_printable_body():
    parsed = parse("cp1252-quoted-printable.eml")
    assert parsed.sender.name == "Renée François"
    assert parsed.subject == f"Café au lait cups {EN_DASH} order {OPEN_QUOTE}SO-20501{CLOSE_QUOTE}"
    assert parsed.text == (
        f"Bonjour, the café au lait cups arrived {EN_DASH} thank you. "
        f"We{APOSTROPHE}ll need the same again in January."
    )


def test_unknown_8bit_body_and_subject_are_read_as_cp1252():
    parsed = parse("unknown-8bit.eml")
    assert parsed.subject == f"W-9 form for year{EN_DASH}end"
    assert (
        parsed.text
        == f"We{APOSTROPHE}re closing the books on December 15 {EN_DASH} could you send your W-9?"
    )


def test_encoded_words_in_a_charset_python_does_not_know_are_still_read():
    parsed = parse("unknown-charset-word.eml")
    assert parsed.sender.name == "José Muñoz"
    assert parsed.subject == "Café order"
    assert parsed.text == "Plain ASCII body."


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("Café".encode(), "utf-8", "Café"),
        ("Café".encode(), None, "Café"),
        ("Café".encode("latin-1"), None, "Café"),
        ("Café".encode("latin-1"), "utf-8", "Café"),
        (b"\x93quoted\x94", "ISO-8859-1", f"{OPEN_QUOTE}quoted{CLOSE_QUOTE}"),
        (b"\x93quoted\x94", '"latin1"', f"{OPEN_QUOTE}quoted{CLOSE_QUOTE}"),
        ("Grüße".encode("iso-8859-15"), "iso-8859-15", "Grüße"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        ("Café".encode(), "x-no-such-charset", "Café"),
    ],
)
def test_bytes_are_decoded_from_the_declared_charset_or_the_best_guess(data, charset, text):
    assert decode_bytes(data, charset) == text
