"""The index follows the folder: an edited, added or removed file shows in the passages after
the next look at the folder (at most every CHECK_INTERVAL_SECONDS, or at once when forced), and an
unchanged folder is never read again. A forked worker answers from its own connection."""

from __future__ import annotations

import os

from mailagent.knowledge import CHECK_INTERVAL_SECONDS, knowledge_index, passages_for
from mailagent.knowledge.watch import FolderWatch
from tests.knowledge.conftest import SHOP, folder_write

PAYPAL = "Do you accept PayPal?"
CHEQUE = "Do you accept cheques?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def edit_payment(root, text: str) -> None:
    path = root / "payment.md"
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # a later mtime, whatever the file system's clock resolution
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_an_edited_file_shows_after_the_interval_and_not_before(tmp_path):
    root = folder_write(tmp_path / "knowledge", SHOP)
    clock = Clock()
    watch = FolderWatch(root, default_language="en", clock=clock)
    assert watch.index().search(PAYPAL, language="en")[0].file == "payment.md"
    edit_payment(root, "# Payment\n\nWe accept cheques and cash only.\n")

    clock.now += CHECK_INTERVAL_SECONDS - 1
    assert "PayPal" in watch.index().search(PAYPAL, language="en")[0].text
    assert watch.builds == 1

    clock.now += 1
    # The new text answers the PayPal question too: it says what is accepted instead.
    assert watch.index().search(PAYPAL, language="en")[0].text == "We accept cheques and cash only."
    assert watch.index().search(CHEQUE, language="en")[0].text == "We accept cheques and cash only."
    assert watch.builds == 2


def test_an_unchanged_folder_is_not_read_again(tmp_path):
    root = folder_write(tmp_path / "knowledge", SHOP)
    clock = Clock()
    watch = FolderWatch(root, default_language="en", clock=clock)
    first = watch.index()
    for _ in range(3):
        clock.now += CHECK_INTERVAL_SECONDS
        assert watch.index() is first
    assert watch.index(recheck=True) is first
    assert watch.builds == 1


def test_added_and_removed_files_show_at_a_forced_check(shop):
    assert passages_for("Do you offer a warranty on lamps?", "en") == ()
    folder_write(shop, {"warranty.md": "# Warranty\n\nAll lamps have a 2-year warranty.\n"})
    (shop / "payment.md").unlink()
    assert passages_for(PAYPAL, "en")  # not looked at yet
    knowledge_index(recheck=True)
    assert passages_for(PAYPAL, "en") == ()
    assert passages_for("Do you offer a warranty on lamps?", "en")[0].file == "warranty.md"


def test_a_forced_check_rebuilds_after_an_edit_and_an_unforced_one_waits(shop):
    before = knowledge_index()
    edit_payment(shop, "# Payment\n\nWe accept cheques and cash only.\n")
    assert knowledge_index() is before
    after = knowledge_index(recheck=True)
    assert after is not before
    assert after.search(CHEQUE, language="en")[0].file == "payment.md"


def test_another_folder_in_the_settings_is_read_at_once(shop, tmp_path, settings):
    assert passages_for(PAYPAL, "en")
    settings.KNOWLEDGE_DIR = folder_write(tmp_path / "other", {"hours.txt": SHOP["hours.txt"]})
    assert passages_for(PAYPAL, "en") == ()
    assert passages_for("Are you open on Saturday?", "en")[0].file == "hours.txt"


def test_a_forked_worker_answers_from_its_own_connection(shop):
    parent = passages_for(PAYPAL, "en")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it finds, then leave without running pytest's exit
        try:
            found = passages_for(PAYPAL, "en")
            os.write(write, ",".join(p.id for p in found).encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1000).decode()
    os.waitpid(pid, 0)
    assert answer == ",".join(p.id for p in parent) == "payment.md#1"
    assert passages_for(PAYPAL, "en") == parent  # the parent's connection still works
