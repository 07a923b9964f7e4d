"""Who sent a message, and whether the headers that say so agree. PURE.

The customer of a ticket, the address a reply goes to and staff trust all come from here, so this
reads the sender the way mail servers do (`headers.address_field`) and then cross-checks it:

- `From` must name one mailbox, cleanly. Several addresses, a name hiding a line break or another
  address, or a value that can be read two ways are reasons to distrust it.
- `Sender` (who actually sent it, RFC 5322 3.6.2) and `Return-Path` (the SMTP envelope sender
  stamped by the receiving server) must belong to the From address's domain (relaxed alignment, as
  DMARC reads it). Forgers set From and leave the envelope theirs.

  Two envelope rewrites are normal and not held against a message: Sender Rewriting Scheme
  (`SRS0=hash=tt=original.example=local@forwarder`), which a forwarding mailbox applies, and an
  envelope in one of the business's own domains (its own server forwarded the mail). An empty
  envelope (`<>`) belongs to bounces and auto-replies, which the automatic-mail rules settle
  before anyone drafts; on a person's message it is a reason to distrust it.

A suspicious sender is never staff, and its message gets no draft: a person looks first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from mailagent.parsing.authresults import domains_aligned
from mailagent.parsing.headers import address_field, raw_values
from mailagent.types import Address

_NULL_ENVELOPE = "<>"
_SRS = re.compile(r"^srs0[=+-][^=]*=[^=]*=([^=]+)=|^srs1[=+-].*?==[^=]*=[^=]*=([^=]+)=", re.I)


@dataclass(frozen=True)
class SenderCheck:
    sender: Address | None
    #: The From header named one mailbox in clean syntax: the address may be trusted as staff.
    clean: bool = False
    #: Reasons a person should look before anyone answers.
    suspicious: tuple[str, ...] = ()


def sender_check(msg: Message, *, own_domains: frozenset[str] = frozenset()) -> SenderCheck:
    """The sender of `msg`, read from its raw headers, and what is wrong with the headers."""
    from_field = address_field("From", raw_values(msg, "From"))
    sender_field = address_field("Sender", raw_values(msg, "Sender"))
    sender = from_field.first
    problems = list(from_field.problems)
    if sender is None:
        # No usable From: the Sender header is the next best answer (RFC 5322 3.6.2), and a
        # message whose author is unclear is one a person reads first.
        sender = sender_field.first
        if sender is not None:
            problems.append("the From header names no address; the Sender header is used")
        return SenderCheck(sender, clean=False, suspicious=tuple(problems))
    problems += sender_field.problems
    if sender_field.first and not domains_aligned(sender_field.first.domain, sender.domain):
        problems.append(
            f"the Sender header ({sender_field.first.email}) is not of the From address's domain"
        )
    envelope = _envelope(msg)
    if envelope == _NULL_ENVELOPE:
        # RFC 5321 4.5.5: only delivery reports and auto-replies are sent from the null sender;
        # a person's message from it is someone hiding where it came from.
        problems.append("the envelope sender is empty (<>), as only bounces and auto-replies are")
    elif envelope and not _envelope_fits(envelope, sender.domain, own_domains):
        problems.append(
            f"the envelope sender (Return-Path {envelope}) is not of the From address's domain"
        )
    return SenderCheck(
        sender, clean=from_field.clean and not problems, suspicious=tuple(dict.fromkeys(problems))
    )


def _envelope(msg: Message) -> str:
    """The envelope sender the receiving server recorded: the topmost Return-Path, "" if none."""
    values = raw_values(msg, "Return-Path")
    if not values:
        return ""
    if values[0].strip() == _NULL_ENVELOPE:
        return _NULL_ENVELOPE
    found = address_field("Return-Path", values[:1]).first
    return found.email if found else ""


def _envelope_fits(envelope: str, from_domain: str, own_domains: frozenset[str]) -> bool:
    local, _, domain = envelope.rpartition("@")
    if domains_aligned(domain, from_domain) or any(domains_aligned(domain, d) for d in own_domains):
        return True
    srs = _SRS.match(local)
    if srs:
        return domains_aligned(srs.group(1) or srs.group(2) or "", from_domain)
    return False
