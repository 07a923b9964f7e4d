"""The CRM cleanup's checks. PURE: what the records say in, suggestions with their evidence out.

Each suggestion names what it is about in a fingerprint, so that a suggestion a person already
decided on is not made again; evidence is a list of sentences a person can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mailagent.workflows.crm.matching import (
    FREE_MAIL,
    Contact,
    address_key,
    duplicates_find,
    folded,
)


@dataclass(frozen=True)
class CustomerFacts:
    id: int
    name: str
    contact_name: str
    emails: tuple[str, ...]
    invoices: int = 0
    tickets: int = 0
    # Open invoices past their due date: (number, "USD 1,200.00", due date as text).
    overdue: tuple[tuple[str, str, str], ...] = ()
    # Addresses of the customer's own tickets, which no export may list.
    ticket_senders: tuple[str, ...] = ()


@dataclass(frozen=True)
class SenderFacts:
    """Someone who wrote in and is no customer's address."""

    email: str
    name: str
    ticket_ids: tuple[int, ...]
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class Bounce:
    address: str
    evidence: str


@dataclass(frozen=True)
class Suggested:
    kind: str
    fingerprint: str
    title: str
    evidence: tuple[str, ...]
    payload: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "title": self.title,
            "evidence": list(self.evidence),
            "payload": self.payload,
        }


def _described(c: CustomerFacts) -> str:
    who = f" ({c.contact_name})" if c.contact_name else ""
    addresses = ", ".join(c.emails) or "no address"
    return (
        f"{c.name}{who}: {addresses}; {c.invoices} invoice{'s' if c.invoices != 1 else ''}, "
        f"{c.tickets} ticket{'s' if c.tickets != 1 else ''}"
    )


def _survivor(a: CustomerFacts, b: CustomerFacts) -> tuple[CustomerFacts, CustomerFacts]:
    """The record with the most behind it stays; the older one when they tie."""
    ranked = sorted((a, b), key=lambda c: (-c.invoices, -c.tickets, c.id))
    return ranked[0], ranked[1]


def merges_suggest(customers: list[CustomerFacts]) -> list[Suggested]:
    contacts = [Contact(c.id, c.contact_name, c.name, c.emails) for c in customers]
    by_id = {c.id: c for c in customers}
    out = []
    for dup in duplicates_find(contacts):
        keep, absorb = _survivor(by_id[dup.a], by_id[dup.b])
        out.append(
            Suggested(
                kind="merge",
                fingerprint=f"merge:{dup.a}:{dup.b}",
                title=f"Merge {absorb.name} into {keep.name}",
                evidence=(
                    f"Likely the same: {'; '.join(dup.reasons)}.",
                    f"Stays: {_described(keep)}.",
                    f"Merged into it: {_described(absorb)}.",
                ),
                payload={"survivor_id": keep.id, "absorbed_id": absorb.id},
            )
        )
    return out


def _names_match(name: str, c: CustomerFacts) -> bool:
    wanted = folded(name)
    return bool(wanted) and wanted in {folded(c.contact_name), folded(c.name)}


def missing_emails_suggest(
    customers: list[CustomerFacts], senders: list[SenderFacts]
) -> list[Suggested]:
    out = []
    for c in customers:
        if c.emails:
            continue
        candidates = [(s, f"their ticket came from {s}") for s in c.ticket_senders]
        candidates += [
            (s.email, f'{s.email} wrote in as "{s.name}" (tickets {_ids(s.ticket_ids)})')
            for s in senders
            if _names_match(s.name, c)
        ]
        if candidates:
            email, why = candidates[0]
            out.append(
                Suggested(
                    kind="add_email",
                    fingerprint=f"add_email:{c.id}:{address_key(email)}",
                    title=f"Add {email} to {c.name}",
                    evidence=(f"{c.name} has no email address in the records.", f"{why}."),
                    payload={"customer_id": c.id, "email": email},
                )
            )
        elif not c.overdue:  # with overdue invoices, the unreachable check says more
            out.append(
                Suggested(
                    kind="follow_up",
                    fingerprint=f"no_email:{c.id}",
                    title=f"Find an email address for {c.name}",
                    evidence=(
                        f"{c.name} has no email address in the records, and no mail from them "
                        "names them.",
                    ),
                    payload={"customer_id": c.id},
                )
            )
    return out


def unreachable_suggest(
    customers: list[CustomerFacts], bounced: dict[str, Bounce]
) -> list[Suggested]:
    out = []
    for c in customers:
        if not c.overdue:
            continue
        working = [e for e in c.emails if address_key(e) not in bounced]
        if working:
            continue
        why = (
            [f"Every address bounced: {bounced[address_key(e)].evidence}." for e in c.emails]
            if c.emails
            else [f"{c.name} has no email address in the records."]
        )
        owed = [f"{number}: {amount}, due {due}" for number, amount, due in c.overdue]
        out.append(
            Suggested(
                kind="follow_up",
                fingerprint=f"unreachable:{c.id}:{','.join(n for n, _a, _d in c.overdue)}",
                title=f"{c.name} owes overdue invoices and no reminder can reach them",
                evidence=(*why, "Overdue: " + "; ".join(owed) + "."),
                payload={"customer_id": c.id},
            )
        )
    return out


def bounced_suggest(customers: list[CustomerFacts], bounced: dict[str, Bounce]) -> list[Suggested]:
    out = []
    for c in customers:
        for email in c.emails:
            bounce = bounced.get(address_key(email))
            if bounce is None:
                continue
            out.append(
                Suggested(
                    kind="remove_bounced",
                    fingerprint=f"bounced:{c.id}:{address_key(email)}",
                    title=f"Remove {email} from {c.name}: mail to it bounced",
                    evidence=(f"{bounce.evidence}.",),
                    payload={"customer_id": c.id, "email": email},
                )
            )
    return out


def _ids(ids: tuple[int, ...]) -> str:
    return ", ".join(f"#{i}" for i in ids)


def senders_suggest(customers: list[CustomerFacts], senders: list[SenderFacts]) -> list[Suggested]:
    by_domain: dict[str, list[CustomerFacts]] = {}
    for c in customers:
        for domain in {e.rpartition("@")[2].lower() for e in c.emails}:
            if domain not in FREE_MAIL:
                by_domain.setdefault(domain, []).append(c)
    out = []
    for s in senders:
        wrote = f"{s.email} wrote {len(s.ticket_ids)} ticket(s) ({_ids(s.ticket_ids)}): " + (
            "; ".join(f'"{subject}"' for subject in s.subjects[:3])
        )
        domain = s.email.rpartition("@")[2].lower()
        known = by_domain.get(domain, [])
        named = [c for c in customers if _names_match(s.name, c)]
        match = (known or named)[:1]
        if match:
            c = match[0]
            why = (
                f"{c.name}'s addresses are at {domain}"
                if known
                else f'they sign as "{s.name}", the name of {c.name}'
            )
            out.append(
                Suggested(
                    kind="link_sender",
                    fingerprint=f"link_sender:{address_key(s.email)}:{c.id}",
                    title=f"Add {s.email} to {c.name} and file their tickets under it",
                    evidence=(f"{wrote}.", f"Not yet a customer's address; {why}."),
                    payload={"customer_id": c.id, "email": s.email, "ticket_ids": s.ticket_ids},
                )
            )
            continue
        out.append(
            Suggested(
                kind="new_customer",
                fingerprint=f"new_customer:{address_key(s.email)}",
                title=f"Make {s.name or s.email} a customer",
                evidence=(f"{wrote}.", "No customer has this address, its domain or this name."),
                payload={"email": s.email, "name": s.name, "ticket_ids": s.ticket_ids},
            )
        )
    return out


def suggestions_for(
    *,
    customers: list[CustomerFacts],
    senders: list[SenderFacts],
    bounced: dict[str, Bounce],
) -> list[Suggested]:
    """Every check's suggestions, merges first."""
    linked = senders_suggest(customers, senders)
    # A sender who signs with the name of a customer without an address: one suggestion, the
    # one that also files their tickets under the customer.
    covered = {
        (s.payload["customer_id"], s.payload["email"])
        for s in linked
        if s.payload.get("customer_id")
    }
    missing = [
        s
        for s in missing_emails_suggest(customers, senders)
        if (s.payload["customer_id"], s.payload.get("email")) not in covered
    ]
    return [
        *merges_suggest(customers),
        *bounced_suggest(customers, bounced),
        *unreachable_suggest(customers, bounced),
        *missing,
        *linked,
    ]


# An SMTP refusal as the delivery step records it: "a@b.example: 550 5.1.1 No such user".
_REFUSED = re.compile(r"([^\s;:<>]+@[^\s;:<>]+): (5\d\d)\b([^;]*)")
# A delivery report's per-recipient fields (RFC 3464 section 2.3).
_FINAL_RECIPIENT = re.compile(r"^Final-Recipient:\s*rfc822;\s*<?([^\s>]+)>?", re.I | re.M)
_FAILED = re.compile(r"^Action:\s*failed", re.I | re.M)


def refused_addresses(error: str) -> list[tuple[str, str]]:
    """The addresses an SMTP server refused for good, with its reply, from a send's error."""
    return [(a, f"{code}{rest}".strip()) for a, code, rest in _REFUSED.findall(error)]


def report_failed_recipients(text: str) -> list[str]:
    """The recipients a delivery status report says failed (none when it reports a delay)."""
    if not _FAILED.search(text):
        return []
    return _FINAL_RECIPIENT.findall(text)
