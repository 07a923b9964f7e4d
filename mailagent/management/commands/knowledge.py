"""`python manage.py knowledge [--search TEXT [--language de]]`: check the knowledge folder.

Lets a business see its folder as the agent sees it: which files are indexed (passages and
language of each), which were skipped and what to do about them, which were ignored; and, with
`--search`, which passages a message would get, with their scores, or that it would get none.
Fails only when the folder does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailagent.knowledge import KnowledgeIndex, knowledge_index

#: How much of each passage `--search` shows.
PREVIEW_CHARS = 300


class Command(BaseCommand):
    help = "Show what the knowledge folder (KNOWLEDGE_DIR) indexes and skips; try a search."

    def add_arguments(self, parser):
        parser.add_argument("--search", help="a customer's question: show the passages it gets")
        parser.add_argument(
            "--language",
            help="the language the question is written in (default: KNOWLEDGE_LANGUAGE)",
        )
        parser.add_argument("--limit", type=int, default=3, help="passages to show at most")

    def handle(self, *args, search: str | None, language: str | None, limit: int, **options):
        index = knowledge_index(recheck=True)
        if not index.exists:
            raise CommandError(
                f"The knowledge folder {index.reading.root} does not exist: set KNOWLEDGE_DIR to "
                "the folder that holds your Markdown or text files."
            )
        self._describe(index)
        if search is not None:
            self._search(index, search, (language or settings.KNOWLEDGE_LANGUAGE).lower(), limit)

    def _describe(self, index: KnowledgeIndex) -> None:
        total = sum(f.passages for f in index.files)
        self.stdout.write(
            f"Knowledge folder {index.reading.root} (files without a language in their name: "
            f"{index.default_language})"
        )
        self.stdout.write(
            f"{_count(len(index.files), 'file')} indexed, {_count(total, 'passage')}:"
        )
        width = max((len(f.path) for f in index.files), default=0)
        for file in index.files:
            count = _count(file.passages, "passage")
            self.stdout.write(f"  {file.path:<{width}}  {file.language}  {count}")
        if index.skipped:
            self.stdout.write(self.style.WARNING(f"{_count(len(index.skipped), 'file')} skipped:"))
            for message in index.messages():
                self.stdout.write(self.style.WARNING(f"  {message}"))
        if index.reading.ignored:
            self.stdout.write(
                f"{_count(len(index.reading.ignored), 'file')} ignored (only .md, .markdown "
                "and .txt are read):"
            )
            for path in index.reading.ignored:
                self.stdout.write(f"  {path}")

    def _search(self, index: KnowledgeIndex, text: str, language: str, limit: int) -> None:
        passages = index.search(text, language=language, limit=limit)
        self.stdout.write(f"\nSearch ({language}): {text}")
        if not passages:
            self.stdout.write(
                "No passage is relevant enough: a draft for it would quote nothing from the "
                "knowledge folder."
            )
        for n, passage in enumerate(passages, 1):
            where = f"{passage.id}  [{passage.language}]"
            heading = f"  {passage.heading}" if passage.heading else ""
            self.stdout.write(
                self.style.SUCCESS(f"{n}. {where}  score {passage.score:.2f}{heading}")
            )
            preview = passage.text[:PREVIEW_CHARS] + (
                "..." if len(passage.text) > PREVIEW_CHARS else ""
            )
            for line in preview.splitlines():
                self.stdout.write(f"     {line}")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
