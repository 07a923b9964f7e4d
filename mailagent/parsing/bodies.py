"""The readable text of a message, and the new text separated from quoted history and signatures.

The body is the first text/plain part outside attachments and forwarded messages, or the first
text/html part turned into text. Quote and signature separation is done by mail-parser-reply,
which knows the "On ... wrote:" and "From: ... Sent:" headers of the common clients in several
languages.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.errors import MessageError
from email.message import Message

import html2text
from mailparser_reply.parser import EmailMessage

from mailagent.parsing.headers import decode_bytes, decode_value
from mailagent.types import Attachment

_REPLY_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "sv", "da", "pl", "cs"]
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
# Lines that open a signature block by their shape, whatever follows them.
_SIGNATURE_MARKS = re.compile(r"^(--|__|sent from my |get outlook for )", re.IGNORECASE)


@dataclass(frozen=True)
class SplitText:
    text: str
    quoted: str
    signature: str


def _is_attachment(part: Message) -> bool:
    # Not `part.get(...)`: a header holding raw 8-bit bytes comes back as an `email.header.Header`,
    # not a str; the stdlib's own accessor reads both.
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def body_parts(msg: Message) -> Iterator[Message]:
    """Leaf parts of this message, not descending into attached messages."""
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if sub.get_content_type() == "message/rfc822":
                    yield sub
                else:
                    yield from body_parts(sub)
        return
    yield msg


def part_text(part: Message) -> str:
    """Decoded text of one leaf part. Never raises on bad transfer encodings or charsets."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return decode_bytes(payload, part.get_content_charset())


def html_to_text(html: str) -> str:
    # With tables ignored html2text glues neighbouring cells together ("OfficeElm Street");
    # a space before each closing cell tag keeps them apart.
    html = _CELL_END.sub(r" \g<0>", html)
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.protect_links = True
    converter.inline_links = False
    text = converter.handle(html)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_INVISIBLE = re.compile(r"<(style|script|head)\b|<!--", re.IGNORECASE)
_BLOCK_END = re.compile(r"<(?:br|/p|/div|/tr|/h\d|/li|/table)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"[ \t\xa0]+")


def html_to_plain(markup: str) -> str:
    """A quick rendering of HTML as text: tags dropped, blocks on their own lines. For mail
    nobody answers (newsletters, notifications), where html2text's care costs milliseconds."""
    text = _BLOCK_END.sub("\n", _without_invisible(markup))
    text = html.unescape(_TAG.sub(" ", text))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _without_invisible(markup: str) -> str:
    """Style sheets, scripts, the head and comments removed. In one pass: an unclosed `<style`
    runs to the end (as in a browser) instead of being searched for again and again."""
    lower, kept, position = markup.lower(), [], 0
    while found := _INVISIBLE.search(markup, position):
        kept.append(markup[position : found.start()])
        closing = "-->" if found.group(1) is None else f"</{found.group(1).lower()}"
        end = lower.find(closing, found.end())
        if end < 0:
            return " ".join(kept)
        position = lower.find(">", end) + 1 or len(markup)
        kept.append(" ")
    kept.append(markup[position:])
    return "".join(kept)


def message_text(msg: Message, *, quick_html: bool = False) -> str:
    """The body a person reads: plain text if the sender gave one, else the HTML as text
    (`quick_html`: by `html_to_plain`, for mail that is kept but never answered)."""
    plain = html = None
    for part in body_parts(msg):
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or _is_attachment(part):
            continue
        if ctype == "text/plain" and plain is None:
            plain = part_text(part)
        elif ctype == "text/html" and html is None:
            html = part_text(part)
    if plain and plain.strip():
        return plain.replace("\r\n", "\n").strip()
    if html:
        return html_to_plain(html) if quick_html else html_to_text(html)
    return ""


def attachments(msg: Message) -> tuple[Attachment, ...]:
    found = []
    for part in body_parts(msg):
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            inner_msg = inner[0] if isinstance(inner, list) and inner else None
            subject = decode_value(inner_msg.get("Subject", "")) if inner_msg else ""
            found.append(Attachment(f"{subject or 'message'}.eml", ctype, _size_of(inner_msg)))
        elif _is_attachment(part):
            filename = _filename(part) or "attachment"
            try:
                size = len(part.get_payload(decode=True) or b"")
            except Exception:
                size = 0
            found.append(Attachment(filename, ctype, size))
    return tuple(found)


def _filename(part: Message) -> str:
    """The attachment's name as its sender wrote it. Clients write raw UTF-8 or Latin-1 bytes in
    `filename="ciële.txt"` (not RFC 2231), which `get_filename` turns into U+FFFD; the raw
    header value is decoded the way every other header is, then its parameter read."""
    try:
        name = part.get_filename() or ""
    except (ValueError, LookupError, UnicodeError):  # an RFC 2231 charset that is no charset
        name = "\ufffd"
    if "\ufffd" in name or any("\udc80" <= c <= "\udcff" for c in name):
        for key, value in part.raw_items():
            if key.lower() in ("content-disposition", "content-type"):
                decoded = Message()
                decoded[key] = decode_value(value)
                try:
                    name = decoded.get_filename() or name
                except (ValueError, LookupError, UnicodeError):
                    continue
                if "\ufffd" not in name:
                    break
    return "" if name == "\ufffd" else decode_value(name)


def _size_of(message: Message | None) -> int:
    """Bytes of an attached message. Flattening it can fail on a charset Python does not know
    (`unknown-8bit`) or on a header value the generator takes for an embedded header
    (`HeaderParseError`); the size is then the sum of its parts' raw payloads."""
    if message is None:
        return 0
    try:
        return len(message.as_bytes())
    except (LookupError, UnicodeError, ValueError, MessageError):
        return sum(
            len(str(part.get_payload())) for part in message.walk() if not part.is_multipart()
        )


def split_reply(text: str) -> SplitText:
    """New text, quoted history and signature of one body."""
    if not text.strip():
        return SplitText("", "", "")
    long_lines: list[str] = []
    split = _split_reply(_LONG_LINE.sub(lambda m: _hide(m, long_lines), text))
    if not long_lines:
        return split

    def put_back(part: str) -> str:
        return _PLACEHOLDER.sub(lambda m: long_lines[int(m[1])], part)

    return SplitText(put_back(split.text), put_back(split.quoted), put_back(split.signature))


# mail-parser-reply's header patterns (`^On\s(?:.+?\s?.+?)\s?wrote:$` and its kin in other
# languages) backtrack quadratically over a long line: 16 KB on one line took seconds. No reply
# header is that long, so such lines are hidden behind a short placeholder while the library
# reads the text, and put back after; their quote markers stay visible.
_LONG_LINE = re.compile(r"^((?:> ?)*)([^\n]{400,})$", re.MULTILINE)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def _hide(found: re.Match, hidden: list[str]) -> str:
    hidden.append(found[2])
    return f"{found[1]}\ue000{len(hidden) - 1}\ue001"


def _split_reply(text: str) -> SplitText:
    message = _reply_message(text).read()
    if not message.replies:
        return SplitText(text.strip(), "", "")
    latest = message.replies[0]
    quoted = "\n\n".join(r.full_body for r in message.replies[1:] if r.full_body)
    body = latest.full_body
    signature = _real_signature(latest.signatures, message.SIGNATURE_REGEX)
    if signature and body.endswith(signature):
        body = body[: -len(signature)]
    for disclaimer in latest.disclaimers:
        body = body.replace(disclaimer, "")
    new_text = _drop_quote_lines(body)
    return SplitText(new_text or body.strip(), quoted, signature)


def _reply_message(text: str) -> EmailMessage:
    # keep_hyphen_lists: by default the library takes a "- item" line for a "-Name" signature and
    # drops a customer's whole bulleted order list from the new text.
    message = EmailMessage(text=text, languages=list(_REPLY_LANGUAGES), keep_hyphen_lists=True)
    # The library builds (and logs) its three patterns anew for every message; they depend only
    # on the arguments above, so they are built once.
    message._header_regex, message._disclaimers_regex, message._signature_regex = _reply_patterns()
    return message


def reply_patterns_compile() -> None:
    """Build the reply splitter's patterns now (they are built at first use): called before the
    processing workers fork, so that they share them."""
    _reply_patterns()


@functools.cache
def _reply_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    built = EmailMessage(text="", languages=list(_REPLY_LANGUAGES), keep_hyphen_lists=True)
    return built.HEADER_REGEX, built.DISCLAIMERS_REGEX, built.SIGNATURE_REGEX


def _real_signature(signature: str, pattern: re.Pattern[str]) -> str:
    """The signature, starting at a real sign-off line.

    The library cuts at the first line starting with a sign-off word, so "Thanks, the parts
    arrived. But the invoice is wrong..." would vanish into the signature. A sign-off stands on
    a short line of its own ("Thanks,", "Best regards, Ann"); anything longer is new text, and
    the search goes on below it.
    """
    while signature:
        first, _, rest = signature.partition("\n")
        if _is_sign_off(first):
            return signature
        # The leading newline lets the library's "not at the start" sign-off rule match line one.
        found = pattern.search("\n" + rest)
        signature = found.group().strip() if found else ""
    return ""


def _is_sign_off(line: str) -> bool:
    line = line.strip().lstrip("> ")
    if _SIGNATURE_MARKS.match(line) or line.startswith("_" * 32):
        return True
    words = line.split()
    if len(words) > 4:
        return False
    # "Thanks, got it." is a sentence; "Best regards." and "Thanks," are sign-offs.
    return len(words) <= 2 or not line.endswith((".", "?", "!", ":"))


def _drop_quote_lines(text: str) -> str:
    """Trailing `>` lines are history the client pasted under the reply."""
    lines = text.rstrip().split("\n")
    while lines and lines[-1].lstrip().startswith(">"):
        lines.pop()
    return "\n".join(lines).strip()


def csv_attachments(msg: Message) -> list[tuple[str, bytes]]:
    """CSV files attached to a message (by name or type), with their decoded bytes: what an
    accounting package sends when it mails a report."""
    found = []
    for part in body_parts(msg):
        if part.get_content_type() == "message/rfc822":
            continue
        filename = decode_value(part.get_filename() or "")
        is_csv = filename.lower().endswith(".csv") or part.get_content_type() in (
            "text/csv",
            "application/csv",
        )
        if not is_csv:
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # noqa: S112 - a broken part is not a file; the importer never sees it
            continue
        found.append((filename or "attachment.csv", data))
    return found
