"""Header values decoded once, whatever the sender's client did to them.

Real mail carries raw 8-bit bytes in headers (Latin-1 and cp1252 from old clients, UTF-8 from new
ones), RFC 2047 encoded-words naming charsets Python does not know, and folded Message-ID lists.
Everything here is pure: a `email.message.Message` in, plain `str` values out.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from mailagent.types import Address

_MSGID = re.compile(r"<[^<>\s]+>")
_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: the declared charset if Python knows it, else UTF-8, else cp1252.

    cp1252 is the right last resort: it is what "unknown-8bit" and undeclared 8-bit text from
    Windows and older Mac clients almost always is, and it maps nearly every byte.
    """
    codec = _codec(charset)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str:
    """The codec to decode a declared charset with; "" when Python does not know it."""
    try:
        name = codecs.lookup((charset or "").strip().strip('"').lower()).name
    except LookupError:
        return ""
    # Windows clients label cp1252 text "iso-8859-1" (smart quotes, dashes, the euro sign), so
    # browsers read that label as windows-1252 (WHATWG Encoding Standard); so do we.
    return "cp1252" if name == "iso8859-1" else name


def _unescape(value: str) -> str:
    # The stdlib parser keeps raw 8-bit header bytes as lone surrogates; get the bytes back.
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return decode_bytes(value.encode("ascii", "surrogateescape"))
    return value


def decode_value(value: str) -> str:
    """One raw header value to text: 8-bit bytes and RFC 2047 encoded-words both decoded."""
    text = _unescape(str(value))
    if "=?" not in text:
        return _unfold(text)
    try:
        parts = decode_header(text)
    except Exception:  # a malformed encoded-word: keep the text as it came
        return _unfold(text)
    out = []
    for chunk, charset in parts:
        out.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return _unfold("".join(out))


def _unfold(text: str) -> str:
    return re.sub(r"\s*\r?\n\s*", " ", text).strip()


def header(msg: Message, name: str) -> str:
    """The first value of a header, decoded; "" when absent."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return decode_value(value)
    return ""


def headers(msg: Message, name: str) -> list[str]:
    return [decode_value(v) for k, v in msg.raw_items() if k.lower() == name.lower()]


def addresses(msg: Message, name: str) -> tuple[Address, ...]:
    values = headers(msg, name)
    return parse_addresses(", ".join(values)) if values else ()


def parse_addresses(value: str) -> tuple[Address, ...]:
    found = []
    for display, email in getaddresses([value]):
        email = email.strip().lower()
        if "@" not in email:
            bare = _ADDR.search(display)
            if not bare:
                continue
            email, display = bare.group(0).lower(), display.replace(bare.group(0), "")
        found.append(Address(email=email, name=display.strip().strip('"').strip()))
    return tuple(found)


def first_address(value: str) -> Address | None:
    found = parse_addresses(value)
    return found[0] if found else None


def message_ids(value: str) -> tuple[str, ...]:
    """Every `<id>` in a References or In-Reply-To value, in order, without duplicates."""
    seen: list[str] = []
    for mid in _MSGID.findall(value or ""):
        if mid not in seen:
            seen.append(mid)
    return tuple(seen)


def message_id(value: str) -> str:
    ids = message_ids(value)
    if ids:
        return ids[0]
    value = (value or "").strip()
    return f"<{value}>" if value and " " not in value else ""


def parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None
