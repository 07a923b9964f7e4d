"""A business's knowledge folder is written by hand: a bad file is skipped with a message that
names it and says what to do, and every other file is still indexed."""

from __future__ import annotations

import pytest

from mailagent.knowledge.files import MAX_FILE_BYTES, folder_read, language_of
from mailagent.knowledge.index import knowledge_build
from tests.knowledge.conftest import SHOP, folder_write

GOOD = {"returns.md": SHOP["returns.md"], "hours.txt": SHOP["hours.txt"]}


def index_of(root, extra):
    return knowledge_build(folder_write(root, {**GOOD, **extra}), default_language="en")


BAD = [
    (
        {
            "prices.md": "Prices\n\nThe Oak Table costs 449 EUR, caf\xe9 chairs 89.".encode(
                "latin-1"
            )
        },
        "knowledge/prices.md: not UTF-8 (byte 0xe9 at 40, line 3): save it as UTF-8",
    ),
    (
        {"faq.md": b"\xef\xbb\xbfPayment\n\nWe accept Visa and Ma\xdftercard."},
        "knowledge/faq.md: not UTF-8 (byte 0xdf at 33, line 3): save it as UTF-8",
    ),
    ({"notes.md": "   \n\n\t\n"}, "knowledge/notes.md: empty: write the facts in it, or delete it"),
    ({"notes.md": b""}, "knowledge/notes.md: empty: write the facts in it, or delete it"),
    (
        {"scan.md": b"%PDF-1.7\n\x00\x01\x02binary"},
        "knowledge/scan.md: not text (it holds binary data): save the facts as Markdown or plain "
        "text",
    ),
    (
        {"odd.txt": "text\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11"},
        "knowledge/odd.txt: not text (it holds binary data): save the facts as Markdown or plain "
        "text",
    ),
    (
        {"sub/log.txt": "x" * (MAX_FILE_BYTES + 1)},
        "knowledge/sub/log.txt: too large (2.0 MB; the limit is 2 MB): split it into smaller files",
    ),
    (
        {"titles.md": "# Returns\n\n## Refunds\n"},
        "knowledge/titles.md: no text under its headings: write some",
    ),
]


@pytest.mark.parametrize(("files", "message"), BAD)
def test_a_bad_file_is_skipped_by_name_with_what_to_do_and_the_rest_is_indexed(
    tmp_path, files, message
):
    index = index_of(tmp_path / "knowledge", files)
    assert index.messages() == [message]
    assert [f.path for f in index.files] == ["hours.txt", "returns.md"]
    assert index.search("When will I get my refund?", language="en")[0].file == "returns.md"


def test_each_skipped_file_is_logged_once_when_the_index_is_built(tmp_path, caplog):
    caplog.set_level("WARNING", logger="mailagent.knowledge")
    index_of(tmp_path / "knowledge", {"a.md": "", "b.md": b"\xff\xfe"})
    warnings = [r.getMessage() for r in caplog.records if r.name == "mailagent.knowledge"]
    assert warnings == [
        "Knowledge file skipped: knowledge/a.md: empty: write the facts in it, or delete it",
        "Knowledge file skipped: knowledge/b.md: not UTF-8 (byte 0xff at 0, line 1): save it as "
        "UTF-8",
    ]


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    bom = "\ufeff# Rücksendung\n\nSie können jeden Artikel zurückgeben.\n".encode()
    index = index_of(tmp_path / "knowledge", {"ruecksendung.de.md": bom})
    assert index.skipped == ()
    passage = index.search("Kann ich den Artikel zurückgeben?", language="de")[0]
    assert passage.heading == "Rücksendung"
    assert passage.text == "Sie können jeden Artikel zurückgeben."


def test_other_files_are_ignored_not_reported_as_errors_and_hidden_ones_are_not_read(tmp_path):
    root = folder_write(
        tmp_path / "knowledge",
        {
            **GOOD,
            "logo.png": b"\x89PNG\r\n\x1a\n\x00",
            "prices.xlsx": b"PK\x03\x04",
            "returns.md~": "backup",
            ".secret.md": "Our margin is 80 %.",
            ".git/notes.md": "internal",
            "archive/.hidden/old.md": "old prices",
            "FAQ.MD": "Can I pay by PayPal? Yes.",
        },
    )
    reading = folder_read(root, default_language="en")
    assert [f.path for f in reading.files] == ["FAQ.MD", "hours.txt", "returns.md"]
    assert reading.ignored == ("logo.png", "prices.xlsx", "returns.md~")
    assert reading.skipped == ()


def test_a_missing_folder_reads_as_missing_and_gives_no_passages(tmp_path):
    index = knowledge_build(tmp_path / "nowhere", default_language="en")
    assert not index.exists
    assert index.search("Can I return it?", language="en") == ()


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("returns.de.md", "de"),
        ("policies/livraison.fr.markdown", "fr"),
        ("faq.ES.txt", "es"),
        ("returns.md", "en"),
        ("prices.v2.md", "en"),
        ("prices.old.md", "en"),
        ("notes.xx.md", "en"),
    ],
)
def test_the_language_of_a_file_comes_from_its_name_else_the_default(name, language):
    assert language_of(name, default="en") == language
