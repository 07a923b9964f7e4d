"""Addresses as they go on the wire. PURE.

An internationalised address has two parts that travel differently:

- the domain (`bücher.example`) always has an ASCII form, its IDNA A-label
  (`xn--bcher-kva.example`, IDNA 2008 with the UTS 46 mapping browsers use), which every server
  accepts in RCPT TO and in headers;
- a non-ASCII local part (`jörg@`) has none: it can only be sent to a server that offers SMTPUTF8
  (RFC 6531), with the headers in UTF-8 (RFC 6532). Encoding it as an RFC 2047 encoded-word, as
  `email.policy.SMTP` does, makes an address no server delivers.
"""

from __future__ import annotations

from dataclasses import dataclass

import idna

from mailagent.errors import UnsafeHeader


class UnusableAddress(UnsafeHeader):
    """An address that cannot be written on the wire at all; the message says why."""


@dataclass(frozen=True)
class WireAddress:
    #: For RCPT TO and the To header: the local part as it is, the domain as its A-label when
    #: the local part is ASCII (no SMTPUTF8 needed then), else as written.
    envelope: str
    #: Only a server that offers SMTPUTF8 can take it.
    needs_smtputf8: bool


def wire_address(address: str) -> WireAddress:
    """How `address` is written for SMTP. Raises `UnusableAddress` when it cannot be."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at or not local or not domain:
        raise UnusableAddress(f"{address!r} is not an email address (it has no domain).")
    if any(ord(c) < 33 or c in "<>," for c in local + domain if c != " ") or " " in domain:
        raise UnusableAddress(f"{address!r} contains characters no mail server accepts.")
    if domain.isascii():
        ascii_domain = domain.lower()
    else:
        try:
            ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise UnusableAddress(
                f"The domain of {address!r} is not a valid internationalised domain ({exc})."
            ) from exc
    if local.isascii():
        return WireAddress(f"{local}@{ascii_domain}", needs_smtputf8=False)
    return WireAddress(f"{local}@{domain}", needs_smtputf8=True)
