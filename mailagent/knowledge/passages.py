"""Splitting knowledge files into passages: the pieces a draft may quote.

A passage must be small enough to be about one thing (a retrieval that returns a whole "policies"
file tells a draft nothing) and must keep its text exactly as the business wrote it, because that
is what a draft may quote. Markdown is cut at its headings, as CommonMark reads them (markdown-it:
a "#" inside a code block is no heading, an underlined line is one), and each passage keeps the
path of headings above it (HEADING_SEPARATOR joins "Returns" and "Refund timing"), which says
what it is about better than its first sentence. A section longer than MAX_PASSAGE_CHARS is cut
again between its blocks (paragraphs, lists, tables), and a block longer than that between lines,
then sentences.
Plain text is cut at blank lines; a short line standing alone without a full stop is read as the
heading of the paragraphs under it.

Ids are "<file>#<n>", n counting the file's passages from 1: the same while the file is unchanged.
PURE: text in, passages out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from mailagent.knowledge.files import KnowledgeFile
from mailagent.types import Passage

#: A passage is cut again above this many characters.
MAX_PASSAGE_CHARS = 1200
#: Between the headings of a passage's path: a right-pointing angle quote, as breadcrumbs use.
HEADING_SEPARATOR = " › "  # noqa: RUF001
#: A plain-text line standing alone, at most this long and without closing punctuation, is a
#: heading for the paragraphs under it.
MAX_TEXT_HEADING_CHARS = 80

_PARSER = MarkdownIt("commonmark")
_BLOCKS = {"fence", "code_block", "html_block", "hr"}
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class _Section:
    heading: str
    #: The section's top-level blocks, each as its original text.
    blocks: tuple[str, ...]


def passages_split(file: KnowledgeFile) -> tuple[Passage, ...]:
    """The file's passages in reading order, numbered from 1."""
    sections = _markdown_sections(file.text) if file.markdown else _text_sections(file.text)
    passages: list[Passage] = []
    for section in sections:
        for text in _packed(section.blocks, MAX_PASSAGE_CHARS):
            passages.append(
                Passage(
                    id=f"{file.path}#{len(passages) + 1}",
                    file=file.path,
                    heading=section.heading,
                    text=text,
                    language=file.language,
                )
            )
    return tuple(passages)


def _markdown_sections(text: str) -> list[_Section]:
    lines = text.split("\n")
    tokens = _PARSER.parse(text)
    sections: list[_Section] = []
    path: list[tuple[int, str]] = []
    blocks: list[str] = []

    def close() -> None:
        if blocks:
            heading = HEADING_SEPARATOR.join(title for _, title in path)
            sections.append(_Section(heading=heading, blocks=tuple(blocks)))
            blocks.clear()

    for n, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        if token.type == "heading_open":
            close()
            level = int(token.tag[1:])
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, _plain(tokens[n + 1]) or "(untitled)"))
        elif (token.type.endswith("_open") or token.type in _BLOCKS) and (
            block := "\n".join(lines[start:end]).strip()
        ):
            blocks.append(block)
    close()
    return sections


def _plain(inline) -> str:
    """A heading's words without Markdown's marks: "**Returns** `EU`" reads "Returns EU"."""
    parts = [
        child.content
        for child in inline.children or ()
        if child.type in ("text", "code_inline", "html_inline")
    ]
    return " ".join("".join(parts).split())


def _text_sections(text: str) -> list[_Section]:
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
    sections: list[_Section] = []
    heading = ""
    for n, paragraph in enumerate(paragraphs):
        following = paragraphs[n + 1] if n + 1 < len(paragraphs) else None
        # A title line only when text follows it: "Opening hours" over "Mon-Fri 9-17" over
        # "Sat 10-14" is three lines of facts, not three headings.
        if _looks_like_heading(paragraph) and following and not _looks_like_heading(following):
            heading = paragraph
            continue
        # Each paragraph of a plain-text file is its own passage: in an FAQ, one question each.
        sections.append(_Section(heading=heading, blocks=(paragraph,)))
    return sections


def _looks_like_heading(paragraph: str) -> bool:
    return (
        "\n" not in paragraph
        and len(paragraph) <= MAX_TEXT_HEADING_CHARS
        and not paragraph.endswith((".", "!", "?", ":", ";", ","))
    )


def _packed(blocks: tuple[str, ...], cap: int) -> list[str]:
    """Consecutive blocks joined (by a blank line) into passages of at most `cap` characters;
    a block longer than `cap` is cut between lines, then sentences, then words."""
    pieces = [piece for block in blocks for piece in _cut(block, cap)]
    packed: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 2 + len(piece) > cap:
            packed.append(current)
            current = piece
        else:
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        packed.append(current)
    return packed


def _cut(block: str, cap: int) -> list[str]:
    if len(block) <= cap:
        return [block]
    for separator, splitter in (("\n", block.split("\n")), (" ", _SENTENCE_END.split(block))):
        if len(splitter) > 1:
            return _joined([p for part in splitter for p in _cut(part, cap)], separator, cap)
    words = block.split(" ")
    if len(words) > 1:
        return _joined(words, " ", cap)
    return [block[i : i + cap] for i in range(0, len(block), cap)]


def _joined(parts: list[str], separator: str, cap: int) -> list[str]:
    joined: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(separator) + len(part) > cap:
            joined.append(current)
            current = part
        else:
            current = f"{current}{separator}{part}" if current else part
    return [*joined, current] if current else joined
