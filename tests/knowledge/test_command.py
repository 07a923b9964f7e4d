"""`manage.py knowledge` shows a business its folder as the agent reads it, and what a question
would find; it fails only when the folder is missing, saying which setting to change."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.knowledge.conftest import folder_write


def run(*args: str) -> str:
    out = StringIO()
    call_command("knowledge", *args, stdout=out)
    return out.getvalue()


def test_it_lists_the_indexed_files_with_passages_and_language_and_every_skipped_file(shop):
    folder_write(
        shop, {"prices-2019.md": "Alte Preise: 12 \xe9".encode("latin-1"), "logo.png": b"x"}
    )
    output = run()
    assert f"Knowledge folder {shop} (files without a language in their name: en)" in output
    assert "8 files indexed, 17 passages:" in output
    assert "  returns.md          en  3 passages\n" in output
    assert "  lieferung.de.md     de  2 passages\n" in output
    assert "  payment.md          en  1 passage\n" in output
    assert (
        "1 file skipped:\n  knowledge/prices-2019.md: not UTF-8 (byte 0xe9 at 16, line 1): "
        "save it as UTF-8\n"
    ) in output
    assert "1 file ignored (only .md, .markdown and .txt are read):\n  logo.png\n" in output


def test_search_prints_the_passages_found_with_their_scores(shop):
    output = run("--search", "Wie lange dauert die Lieferung nach Österreich?", "--language", "de")
    assert "Search (de): Wie lange dauert die Lieferung nach Österreich?" in output
    first = output.split("Search (de):", 1)[1].splitlines()[1]
    assert first.startswith("1. lieferung.de.md#1  [de]  score ")
    assert first.endswith("  Lieferung › Lieferzeiten")  # noqa: RUF001
    assert "nach Österreich und in die Schweiz" in output


def test_search_says_so_when_nothing_answers(shop):
    output = run("--search", "Do you sell parrots?")
    assert "Search (en): Do you sell parrots?" in output
    assert "No passage is relevant enough" in output
    assert "1. " not in output


def test_a_missing_folder_fails_and_names_the_setting(settings, tmp_path):
    settings.KNOWLEDGE_DIR = tmp_path / "nowhere"
    with pytest.raises(CommandError, match="does not exist: set KNOWLEDGE_DIR"):
        run()


def test_a_missing_folder_exits_non_zero_and_a_folder_with_bad_files_does_not(shop, tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    folder_write(shop, {"empty.md": ""})
    runs = {
        name: subprocess.run(
            [sys.executable, "manage.py", "knowledge"],
            cwd=root,
            env={**env, "KNOWLEDGE_DIR": str(folder)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        for name, folder in (("missing", tmp_path / "nowhere"), ("bad file", shop))
    }
    assert runs["missing"].returncode != 0
    assert "set KNOWLEDGE_DIR" in runs["missing"].stderr
    assert runs["bad file"].returncode == 0, runs["bad file"].stderr
    assert "knowledge/empty.md: empty" in runs["bad file"].stdout
