"""bytes -> ParsedEmail. Pure: no database, no network, no clock.

The standard library builds the message (mail-parser would build the same `Message` and then walk
every part again, decoding attachments nobody reads); the modules beside this one decode headers,
pick the body, recognise machines and unwrap staff forwards. Automatic mail is recognised from its
headers before any body work, and its body is kept as plain text without reply splitting: nobody
answers it, and splitting a newsletter costs more than the rest of its processing.
"""

from __future__ import annotations

import email
import re
from email.message import Message

from mailagent.errors import UnparseableEmail
from mailagent.parsing.authresults import sender_authenticated
from mailagent.parsing.automatic import automatic_reason
from mailagent.parsing.bodies import SplitText, attachments, message_text, split_reply
from mailagent.parsing.forwards import (
    Forwarded,
    attached_original,
    inline_block,
    inline_original,
    strip_forward_prefix,
    without_separators,
)
from mailagent.parsing.headers import (
    addresses,
    header,
    message_id,
    message_ids,
    parse_date,
)
from mailagent.parsing.senders import sender_check
from mailagent.types import ParsedEmail, StaffDirectory


def parse_email(raw: bytes, *, staff: StaffDirectory) -> ParsedEmail:
    """Decode one message. Raises `UnparseableEmail` when there is nothing a person could answer."""
    if not raw or not raw.strip():
        raise UnparseableEmail("The message is empty.")
    raw, repaired = _without_stray_header_lines(raw)
    try:
        msg = email.message_from_bytes(raw)
    except Exception as exc:  # RecursionError on absurdly nested multiparts, among others
        raise UnparseableEmail(f"The MIME structure could not be read: {exc}") from exc
    if not msg.keys():
        raise UnparseableEmail("The message has no header section.")

    check = sender_check(msg, own_domains=staff.domains)
    sender = check.sender
    if sender is None:
        raise UnparseableEmail("The message has no readable sender (From header).")
    subject = header(msg, "Subject")
    automatic = automatic_reason(msg, sender, subject)
    body = message_text(msg, quick_html=bool(automatic))

    forwarded: Forwarded | None = None
    sender_verified = bool(staff.authserv_id) and sender_authenticated(
        msg, from_domain=sender.domain, authserv_id=staff.authserv_id
    )
    # Staff trust reads the parsed address alone, and only from a From header that names one
    # mailbox cleanly and agrees with the envelope: never a display name, never a guess.
    from_staff = (
        check.clean and staff.is_staff(sender) and (not staff.authserv_id or sender_verified)
    )
    embedded: Forwarded | None = None
    if automatic:
        split = SplitText(body, "", "")
    else:
        split = split_reply(body)
        attached = attached_original(msg, note=split.text)
        embedded = attached or inline_original(body)
        if from_staff and embedded is not None:
            forwarded = embedded
            split = split_reply(forwarded.text)
        elif embedded is None and not from_staff and (block := _outsider_forward(body, subject)):
            # A forward whose From line names no address ("From: Aisha Rahman"): no sender to
            # trust, but what it carries is what the customer asks about.
            split = SplitText(block, split.quoted, split.signature)
        elif embedded is None:
            split = SplitText(without_separators(split.text), split.quoted, split.signature)
        elif attached or strip_forward_prefix(subject) != subject:
            # Someone outside forwards a message ("Fwd: my order"): what they forward is what
            # they are asking about, so the triage reads it too, after their own note. A reply
            # quoting our earlier mail under "-----Original Message-----" is not a forward.
            split = SplitText(
                "\n\n".join(t for t in (embedded.note, split_reply(embedded.text).text) if t),
                split.quoted,
                split.signature,
            )
            embedded = None
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
        sender_verified=sender_verified,
        # A forward nobody vouches for is not unwrapped, but what it carries still counts for risk.
        embedded_text=embedded.text if embedded and not forwarded else "",
        staff_note=forwarded.note if forwarded else "",
        original_message_id=forwarded.message_id if forwarded else "",
        defects=repaired + _defects(msg),
        suspicious=check.suspicious + (forwarded.problems if forwarded else ()),
    )


_HEADER_FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")
_ESSENTIAL = re.compile(
    rb"^(from|to|subject|date|message-id|sender|reply-to|mime-version|content-type)[ \t]*:", re.I
)


def _without_stray_header_lines(raw: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The message without lines in its header section that are no header at all.

    A stray line without a colon (a mangled relay stamp, an mbox `From ` line, a client's junk)
    ends the header section for the standard parser: every header after it, From included, is
    read as body, and the message looks senderless. Mail clients skip such a line and read on;
    so does this, but only where real headers (From, Subject, Date ...) follow it, so that a body
    that begins without a blank line keeps every line it has."""
    end = re.search(rb"\r?\n\r?\n", raw)
    head = raw[: end.start()] if end else raw
    lines = head.splitlines(keepends=True)
    stray = [
        i
        for i, line in enumerate(lines)
        if not _HEADER_FIELD.match(line) and line[:1] not in (b" ", b"\t")
    ]
    essential = [i for i, line in enumerate(lines) if _ESSENTIAL.match(line)]
    dropped = [i for i in stray if essential and i < essential[-1]]
    if not dropped:
        return raw, ()
    kept = b"".join(line for i, line in enumerate(lines) if i not in set(dropped))
    defect = (
        f"StrayHeaderLineDefect: {len(dropped)} line(s) in the header section were not headers "
        "and were skipped, as mail clients do"
    )
    return kept + raw[len(head) :], (defect,)


def _outsider_forward(body: str, subject: str) -> str:
    """The note and forwarded text of an outsider's "Fwd:" whose header block names no
    address, as the triage reads it; "" when it is not one."""
    if strip_forward_prefix(subject) == subject:
        return ""
    block = inline_block(body)
    if block is None:
        return ""
    note, _, text = block
    return "\n\n".join(t for t in (note, split_reply(text).text) if t)


def _subject(subject: str, forwarded: Forwarded | None) -> str:
    if forwarded is None:
        return subject
    return forwarded.subject or strip_forward_prefix(subject)


def _defects(msg: Message) -> tuple[str, ...]:
    """What the parser had to repair or guess, part by part ("StartBoundaryNotFoundDefect: ...")."""
    return tuple(
        f"{type(defect).__name__}: {defect.__doc__}"
        for part in msg.walk()
        for defect in part.defects
    )
