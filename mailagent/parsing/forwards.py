"""Staff forwards unwrapped, so that the ticket's customer is the original sender.

Two shapes occur: the original attached whole as `message/rfc822` (Outlook "Forward as
attachment", Thunderbird's default), and the inline forward, where the client pastes a header block
under a separator line. The separators below are those of Gmail, Outlook, Apple Mail and
Thunderbird.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message

from mailagent.parsing.bodies import body_parts, message_text
from mailagent.parsing.headers import (
    address_field,
    first_address,
    header,
    message_id,
    parse_date,
    raw_values,
)
from mailagent.types import Address

_SEPARATOR = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Forwarded message|Original Message|Forwarded Message|"
    r"Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)\s*-{2,}"
    r"|Begin forwarded message:|_{20,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_LINE = re.compile(
    r"^[ \t>]*(From|Von|De|Date|Sent|Datum|To|An|Cc|Subject|Betreff|Objet)"
    r"\s*:\s*(.*)$",
    re.IGNORECASE,
)
_MAILTO = re.compile(r"\[mailto:([^\]]+)\]", re.IGNORECASE)
_FWD_PREFIX = re.compile(r"^\s*((fwd?|fw|wg|tr|rv)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Forwarded:
    sender: Address
    subject: str
    text: str
    note: str
    message_id: str = ""
    date: datetime | None = None
    references: tuple[str, ...] = ()
    #: What is suspicious about the forwarded message's own From header.
    problems: tuple[str, ...] = ()


def without_separators(text: str) -> str:
    """Text with forward separator lines taken out: a separator alone is nothing to answer."""
    return _SEPARATOR.sub("", text).strip()


def strip_forward_prefix(subject: str) -> str:
    return _FWD_PREFIX.sub("", subject or "").strip()


def attached_original(msg: Message, note: str) -> Forwarded | None:
    """The first message attached whole, if it has a sender."""
    for part in body_parts(msg):
        if part.get_content_type() != "message/rfc822":
            continue
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            continue
        sender = address_field("From", raw_values(inner, "From"))
        if sender.first is None:
            continue
        return Forwarded(
            sender=sender.first,
            problems=tuple(f"in the forwarded message, {p}" for p in sender.problems),
            subject=header(inner, "Subject"),
            text=message_text(inner),
            note=note,
            message_id=message_id(header(inner, "Message-ID")),
            date=parse_date(header(inner, "Date")),
        )
    return None


def inline_original(text: str) -> Forwarded | None:
    """An inline forward: separator, header block, blank line, original body; None when its
    From line names no address (see `inline_block` for what it forwards all the same)."""
    block = inline_block(text)
    if block is None:
        return None
    note, fields, body = block
    sender = _sender_of(fields.get("from", ""))
    if sender is None:
        return None
    return Forwarded(
        sender=sender,
        subject=fields.get("subject", ""),
        text=body,
        note=note,
        date=parse_date(fields.get("date", "")),
    )


def inline_block(text: str) -> tuple[str, dict[str, str], str] | None:
    """An inline forward's (note above it, header fields, original body), whoever sent it: a
    forward from a phone or a webmail often names its sender without an address ("From: Aisha
    Rahman"), and what it carries is still what the customer asks about."""
    match = _SEPARATOR.search(text)
    if not match:
        return None
    note = text[: match.start()].strip()
    lines = text[match.end() :].lstrip("\n").split("\n")
    fields: dict[str, str] = {}
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - the index is read after the loop
        found = _HEADER_LINE.match(line)
        if found:
            fields.setdefault(_field_name(found.group(1)), found.group(2).strip())
        # Apple Mail quotes the whole forward, so the blank line after the headers is a bare ">".
        elif _unquote(line).strip() == "" and fields:
            break
        elif fields:
            # A header value wrapped onto the next line by the client.
            last = list(fields)[-1]
            fields[last] = f"{fields[last]} {line.strip()}"
    if "from" not in fields:
        return None
    body = "\n".join(_unquote(line) for line in lines[index + 1 :]).strip()
    return note, fields, body


def _field_name(label: str) -> str:
    label = label.lower()
    return {
        "von": "from",
        "de": "from",
        "sent": "date",
        "datum": "date",
        "an": "to",
        "betreff": "subject",
        "objet": "subject",
    }.get(label, label)


def _sender_of(value: str) -> Address | None:
    mailto = _MAILTO.search(value)
    if mailto:
        name = value[: mailto.start()].strip().strip('"')
        return Address(email=mailto.group(1).strip().lower(), name=name)
    return first_address(value)


def _unquote(line: str) -> str:
    return line[1:].lstrip(" ") if line.startswith(">") else line
