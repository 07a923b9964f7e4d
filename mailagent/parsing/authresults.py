"""Is a message from staff really from staff? Read the business's own mail server's verdict.

A forward only counts as a staff forward when the sender is a staff address *and* the topmost
Authentication-Results header added by the business's own server (its authserv-id, the setting
TRUSTED_AUTHSERV_ID) says DMARC passed, or DKIM or SPF passed for a domain aligned with the From
domain. RFC 8601 section 7 warns that these headers can be forged: only the one stamped by our own
server, above anything the sender added, is read. `authres` parses the header grammar (comments,
quoting, property types), which is easy to get subtly wrong by hand.
"""

from __future__ import annotations

from email.message import Message

import authres

from mailagent.parsing.headers import decode_value


def domains_aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489 3.1): the same domain or one a subdomain of the other."""
    domain, from_domain = domain.lower().strip(". "), from_domain.lower().strip(". ")
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or domain.endswith("." + from_domain)
        or from_domain.endswith("." + domain)
    )


def _ours(msg: Message, authserv_id: str) -> authres.AuthenticationResultsHeader | None:
    """The topmost Authentication-Results header stamped with our authserv-id, if any."""
    for name, value in msg.raw_items():
        if name.lower() != "authentication-results":
            continue
        try:
            header = authres.AuthenticationResultsHeader.parse_value(decode_value(value))
        except Exception:  # noqa: S112 - a malformed header proves nothing; keep looking
            continue
        if (header.authserv_id or "").lower() == authserv_id.lower():
            return header
    return None


def sender_authenticated(msg: Message, *, from_domain: str, authserv_id: str) -> bool:
    header = _ours(msg, authserv_id)
    if header is None:
        return False
    for result in header.results:
        method, verdict = (result.method or "").lower(), (result.result or "").lower()
        if verdict != "pass":
            continue
        props = {
            (p.type or "").lower() + "." + (p.name or "").lower(): p.value or ""
            for p in result.properties
        }
        if method == "dmarc":
            checked = props.get("header.from", from_domain)
            if domains_aligned(checked, from_domain):
                return True
        elif method == "dkim":
            if domains_aligned(
                props.get("header.d", "")
                or props.get("header.i", "").lstrip("@").rpartition("@")[2],
                from_domain,
            ):
                return True
        elif method == "spf":
            mailfrom = props.get("smtp.mailfrom", "") or props.get("smtp.helo", "")
            if domains_aligned(mailfrom.rpartition("@")[2], from_domain):
                return True
    return False
