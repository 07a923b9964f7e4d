"""bytes -> ParsedEmail. Pure: no database, no network, no clock.

mail-parser builds the message and reports its defects; the modules beside this one decode headers,
pick the body, recognise machines and unwrap staff forwards.
"""

from __future__ import annotations

import mailparser

from mailagent.errors import UnparseableEmail
from mailagent.parsing.authresults import sender_authenticated
from mailagent.parsing.automatic import automatic_reason
from mailagent.parsing.bodies import attachments, message_text, split_reply
from mailagent.parsing.forwards import (
    Forwarded,
    attached_original,
    inline_original,
    strip_forward_prefix,
)
from mailagent.parsing.headers import (
    addresses,
    first_address,
    header,
    message_id,
    message_ids,
    parse_date,
)
from mailagent.types import ParsedEmail, StaffDirectory


def parse_email(raw: bytes, *, staff: StaffDirectory) -> ParsedEmail:
    """Decode one message. Raises `UnparseableEmail` when there is nothing a person could answer."""
    if not raw or not raw.strip():
        raise UnparseableEmail("The message is empty.")
    try:
        parsed = mailparser.parse_from_bytes(raw)
    except Exception as exc:
        raise UnparseableEmail(f"The MIME structure could not be read: {exc}") from exc
    msg = parsed.message
    if not msg.keys():
        raise UnparseableEmail("The message has no header section.")

    sender = first_address(header(msg, "From")) or first_address(header(msg, "Sender"))
    if sender is None:
        raise UnparseableEmail("The message has no readable sender (From header).")
    subject = header(msg, "Subject")
    automatic = automatic_reason(msg, sender, subject)
    body = message_text(msg)

    forwarded: Forwarded | None = None
    from_staff = staff.is_staff(sender) and (
        not staff.authserv_id
        or sender_authenticated(msg, from_domain=sender.domain, authserv_id=staff.authserv_id)
    )
    embedded: Forwarded | None = None
    if not automatic:
        embedded = attached_original(msg, note=split_reply(body).text) or inline_original(body)
    if from_staff:
        forwarded = embedded

    split = split_reply(forwarded.text if forwarded else body)
    reply_to = addresses(msg, "Reply-To")
    return ParsedEmail(
        message_id=message_id(header(msg, "Message-ID")),
        in_reply_to=message_id(header(msg, "In-Reply-To")),
        references=message_ids(header(msg, "References")),
        sender=sender,
        to=addresses(msg, "To"),
        cc=addresses(msg, "Cc"),
        reply_to=reply_to[0] if reply_to else None,
        subject=_subject(subject, forwarded),
        date=parse_date(header(msg, "Date")),
        text=split.text,
        quoted=split.quoted,
        signature=split.signature,
        attachments=attachments(msg),
        customer=forwarded.sender if forwarded else sender,
        automatic=automatic,
        forwarded_by=sender if forwarded else None,
        from_staff=from_staff,
        # A forward nobody vouches for is not unwrapped, but what it carries still counts for risk.
        embedded_text=embedded.text if embedded and not forwarded else "",
        staff_note=forwarded.note if forwarded else "",
        original_message_id=forwarded.message_id if forwarded else "",
        defects=_defects(parsed),
    )


def _subject(subject: str, forwarded: Forwarded | None) -> str:
    if forwarded is None:
        return subject
    return forwarded.subject or strip_forward_prefix(subject)


def _defects(parsed: mailparser.MailParser) -> tuple[str, ...]:
    found: list[str] = []
    for entry in parsed.defects or []:
        if isinstance(entry, dict):
            for items in entry.values():
                found.extend(str(item) for item in items)
        else:
            found.append(str(entry))
    return tuple(found)
