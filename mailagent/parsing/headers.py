"""Header values decoded once, whatever the sender's client did to them.

Real mail carries raw 8-bit bytes in headers (Latin-1 and cp1252 from old clients, UTF-8 from new
ones), RFC 2047 encoded-words naming charsets Python does not know, and folded Message-ID lists.
Everything here is pure: a `email.message.Message` in, plain `str` values out.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from email import _header_value_parser as _hvp
from email.header import decode_header
from email.message import Message
from email.utils import parsedate_to_datetime

from mailagent.types import Address

_MSGID = re.compile(r"<[^<>\s]+>")
# The lookbehind lets a match start only where a run of address characters starts: without it a
# long word with no "@" is scanned again from every one of its characters (quadratic).
_ADDR = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE
)
_ANGLE = re.compile(r"<\s*([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)\s*>", re.UNICODE)
_ESCAPED = re.compile("[\udc80-\udcff]+")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: the declared charset if Python knows it, else UTF-8, else cp1252.

    cp1252 is the right last resort: it is what "unknown-8bit" and undeclared 8-bit text from
    Windows and older Mac clients almost always is, and it maps nearly every byte.
    """
    codec = _codec(charset)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeError:  # UnicodeDecodeError, and the plain UnicodeError of punycode/idna
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str:
    """The codec to decode a declared charset with; "" when Python does not know it."""
    label = (charset or "").strip().strip("\"'").lower()
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # unknown, or a label holding a NUL
        name = _LABELS.get(label, "")
        if not name:
            return ""
    else:
        # rot13, hex, base64, zlib ... are codecs too, but not text encodings.
        if not info._is_text_encoding:
            return ""
        name = info.name
    return _SUPERSETS.get(name, name)


# Labels mail clients write that Python's codec registry does not know.
_LABELS = {"ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "x-sjis": "cp932", "x-gbk": "gbk"}
# Mail is decoded as browsers and mail clients decode it (the WHATWG Encoding Standard): a label
# stands for the superset its senders actually write. Windows clients label cp1252 text
# "iso-8859-1" (smart quotes, dashes, the euro sign); Chinese mail labelled gb2312 holds
# characters only GBK and GB18030 have; Korean mail labelled euc-kr is cp949 (Unified Hangul);
# Japanese shift_jis is Microsoft's cp932 (NEC and IBM extensions). Each superset decodes every
# byte sequence the narrower label allows to the same characters, so nothing read right before
# reads differently now.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}


def _unescape(value: str) -> str:
    # The stdlib parser keeps raw 8-bit header bytes as lone surrogates; get the bytes back.
    if not _ESCAPED.search(value):
        return value
    try:
        return decode_bytes(value.encode("ascii", "surrogateescape"))
    except UnicodeEncodeError:
        # Decoded text beside raw bytes: an address parser's name, where one encoded-word was in
        # a charset Python knows and another was not. Each run of raw bytes is decoded alone.
        return _ESCAPED.sub(
            lambda run: decode_bytes(run.group().encode("ascii", "surrogateescape")), value
        )


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


def raw_values(msg: Message, name: str) -> list[str]:
    """Every value of a header as it came, unfolded but with no encoded-word decoded yet."""
    return [
        _FOLD.sub(" ", _unescape(str(v))) for k, v in msg.raw_items() if k.lower() == name.lower()
    ]


@dataclass(frozen=True)
class AddressField:
    """The addresses of one address header, and what about the header should worry a person.

    `problems` are reasons to distrust the header (it names several mailboxes, a name hides a line
    break or another address, the list could be read two ways): such a sender is never staff and
    gets no draft. `malformed` says the header broke the syntax in a way that still leaves one
    clear address (old clients write `Ivy Smith ivy@example.com`): it is kept as a defect, but
    the address is not trusted as staff either."""

    addresses: tuple[Address, ...] = ()
    problems: tuple[str, ...] = ()
    malformed: bool = False

    @property
    def first(self) -> Address | None:
        return self.addresses[0] if self.addresses else None

    @property
    def clean(self) -> bool:
        return bool(self.addresses) and not self.problems and not self.malformed


def address_field(name: str, values: list[str]) -> AddressField:
    """An address header read the way mail servers read it: the raw value is split into mailboxes
    first (RFC 5322) and only then are display names decoded (RFC 2047). Decoding first, as
    `email.utils.getaddresses` over a decoded value does, lets an encoded-word smuggle a second
    address or a line break into the list, and lets `=?utf-8?q?maria=40ourdomain?=` read as
    maria@ourdomain.

    The parser is the one behind `email.headerregistry` (policy.default). The registry's own
    `Address` refuses a display name holding CR or LF with a ValueError, and such a name is exactly
    the attack this must read, so the parsed tokens are taken directly."""
    found: list[Address] = []
    problems: list[str] = []
    malformed = False
    for value in values:
        mailboxes, trouble, bad_syntax = _mailboxes_of(value)
        malformed = malformed or bad_syntax
        problems += [f"the {name} header {t}" for t in trouble]
        found += mailboxes
    unique = tuple(dict.fromkeys(found))
    if len({a.email for a in unique}) > 1:
        listed = ", ".join(a.email for a in unique[:4])
        problems.append(f"the {name} header names {len(unique)} addresses ({listed})")
    if len(values) > 1:
        problems.append(f"the message has {len(values)} {name} headers")
    return AddressField(unique, tuple(dict.fromkeys(problems)), malformed)


# A mailbox's mail repeats the same few values (its own address in To, a customer's From and
# Return-Path in every message of a thread), and the address parser is the costliest step of
# reading headers. Values are plain strings and the results frozen: safe to share.
@functools.lru_cache(maxsize=4096)
def _mailboxes_of(value: str) -> tuple[tuple[Address, ...], tuple[str, ...], bool]:
    found, trouble, malformed = _mailboxes(value)
    return tuple(found), tuple(trouble), malformed


def _mailboxes(value: str) -> tuple[list[Address], list[str], bool]:
    """The mailboxes of one raw value, what is suspicious about them, and whether the syntax was
    broken. A value the parser cannot make sense of falls back to the addresses it plainly holds
    in raw, undecoded text (so an encoded-word never becomes an address)."""
    try:
        parsed, rest = _hvp.get_address_list(_ENCODED_WORD_CHARSET.sub(_superset_label, value))
        boxes = list(parsed.all_mailboxes)
    except Exception:  # the parser's own errors on hostile input: read the raw text instead
        parsed, rest, boxes = None, value, []
    trouble: list[str] = []
    found: list[Address] = []
    invalid = bool(rest.strip())
    for box in boxes:
        try:
            address = _address(box)
            name = _unescape(box.display_name or "")
        except Exception:  # the stdlib's tokens raise on shapes it half-parsed (`::;<`, `=??Q??=`)
            address = None
        if box.token_type == "invalid-mailbox" or address is None:  # noqa: S105 - a parser token
            invalid = True
            continue
        trouble += _name_trouble(address, name)
        found.append(address)
    if len(found) == 1 and not invalid:
        # A comment or a stray word can carry an address too: `evil@x.example (boss@ours)`.
        trouble += _name_trouble(found[0], value)
    if not invalid:
        return found, list(dict.fromkeys(trouble)), False
    plain = _plain_addresses(value)
    if not plain:
        return found, [*trouble, "could not be read as an address"], True
    if len(plain) > 1 or (found and {a.email for a in found} != {plain[0].email}):
        trouble.append("can be read as more than one address")
    return plain[:1], list(dict.fromkeys(trouble + _name_trouble(plain[0], value))), True


_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)((?:\*[^?]*)?\?[bBqQ]\?)")


def _superset_label(found: re.Match) -> str:
    """An encoded-word's charset label as the superset `decode_bytes` would use, so that a
    display name decoded by the address parser reads like a Subject decoded here."""
    codec = _codec(found.group(1))
    return f"=?{codec or found.group(1)}{found.group(2)}"


def _address(box) -> Address | None:
    local, domain = (box.local_part or ""), (box.domain or "").strip().rstrip(".").lower()
    if not local or not domain or _CONTROL.search(local) or any(c in "<> " for c in domain):
        return None
    email = box.addr_spec.strip().lower()
    return Address(email=email[:-1] if email.endswith(".") else email, name=_clean_name(box))


def _clean_name(box) -> str:
    name = _unescape(box.display_name or "")
    return " ".join(_CONTROL.sub(" ", name).split()).strip('"').strip()


def _name_trouble(address: Address, name: str) -> list[str]:
    trouble = []
    if _CONTROL.search(name):
        trouble.append("hides a line break or control character in a name")
    for other in _ADDR.findall(name):
        if other.lower().rstrip(".") != address.email:
            trouble.append(f"writes the name as another address ({other.lower()})")
            break
    return trouble


def _plain_addresses(value: str) -> list[Address]:
    """The addresses a raw value plainly holds: its `<angle addresses>`, or else its bare ones."""
    for pattern in (_ANGLE, _ADDR):
        candidates = dict.fromkeys(m.lower().rstrip(".") for m in pattern.findall(value))
        if candidates:
            return [Address(email=c) for c in candidates]
    return []


def addresses(msg: Message, name: str) -> tuple[Address, ...]:
    return address_field(name, raw_values(msg, name)).addresses


def parse_addresses(value: str) -> tuple[Address, ...]:
    """Addresses in text that is already decoded: a `From:` line of a forward quoted in a body."""
    return address_field("From", [value]).addresses if value else ()


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
