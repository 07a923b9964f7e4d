"""Likely duplicates among contacts. PURE: records in, pairs with their evidence out.

A record is one contact: a person's name (may be empty), the company it belongs to, and its
addresses. Two records are the same contact when

- they share an address (case and a `+tag` aside);
- both name a person, the names are the same person's (each word within a typo of the other's,
  in any order, accents and case aside) and something else agrees: the same company domain,
  the same company, or the same mailbox name at another provider. A name alone is not enough:
  two John Smiths at gmail.com are two people;
- one of them names no person and the companies are the same (legal forms aside), at the same
  domain or with nothing that disagrees.

Different people at the same company stay apart: their names differ. Only records that share an
address, a company domain, a company name or a mailbox name are ever compared (blocking), so the
work grows with the size of those groups, not with the square of the whole list.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Providers where a shared domain says nothing about who someone works for.
FREE_MAIL = _listed(
    "gmail.com googlemail.com yahoo.com yahoo.co.uk hotmail.com hotmail.co.uk outlook.com "
    "live.com msn.com icloud.com me.com aol.com gmx.de gmx.net web.de t-online.de orange.fr "
    "free.fr laposte.net wanadoo.fr libero.it proton.me protonmail.com mail.com yandex.ru"
)
_LEGAL_FORMS = _listed(
    "ltd limited inc incorporated llc llp plc co company corp corporation gmbh ag kg sa sarl "
    "sas srl spa bv nv oy ab as aps the and"
)
# Letters NFKD leaves whole; the last is the dotless i of Turkish names.
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th", "\u0131": "i"}
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['\u2019`]")  # O'Brien (typed or typeset) is OBrien
_LARGEST_BLOCK = 400  # a group bigger than this (a shared helpdesk domain) is not compared whole


@dataclass(frozen=True)
class Contact:
    id: int
    person: str
    company: str
    emails: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    a: int
    b: int
    reasons: tuple[str, ...]


def folded(text: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: 'José  GARCÍA-López' ->
    'jose garcia lopez'."""
    text = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text.casefold().translate(_FOLD)))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def address_key(email: str) -> str:
    """An address as mail servers treat it: case aside, a '+tag' aside."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else ""


def company_key(company: str) -> str:
    # Single letters are a legal form's pieces ("S.A.", "B.V.") or initials that come and go.
    words = [w for w in folded(company).split() if w not in _LEGAL_FORMS and len(w) > 1]
    return " ".join(words)


def _mailbox_key(address: str) -> str:
    """'john.smith72' of john.smith72@gmail.com, read without its dots and dashes."""
    return re.sub(r"[._-]", "", address.partition("@")[0])


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


@dataclass(frozen=True)
class _Prepared:
    contact: Contact
    words: tuple[str, ...]
    company: str
    addresses: frozenset[str]
    domains: frozenset[str]  # company domains only
    mailboxes: frozenset[str]


def _prepare(contact: Contact) -> _Prepared:
    addresses = frozenset(a for a in map(address_key, contact.emails) if a)
    return _Prepared(
        contact=contact,
        words=tuple(sorted(folded(contact.person).split())),
        company=company_key(contact.company),
        addresses=addresses,
        domains=frozenset(d for d in map(_domain, addresses) if d not in FREE_MAIL),
        mailboxes=frozenset(m for m in map(_mailbox_key, addresses) if len(m) >= 6),
    )


def _close(a: str, b: str) -> bool:
    """The same word, give or take a typo: one slip in a short word, two in a long one."""
    if a == b:
        return True
    if min(len(a), len(b)) <= 3:
        return False
    allowed = 1 if max(len(a), len(b)) <= 7 else 2
    return OSA.distance(a, b, score_cutoff=allowed) <= allowed


def same_person(a: Sequence[str], b: Sequence[str]) -> bool:
    """Every word of the shorter name matches a different word of the longer (order aside, one
    middle name may be missing); a single word matches only a single word."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if (len(short) == 1 and len(long) > 1) or len(long) - len(short) > 1:
        return False
    if "".join(short) == "".join(long):  # "Anne Marie" and "Annemarie"
        return True
    free = list(long)
    for word in short:
        match = next((w for w in free if _close(word, w)), None)
        if match is None:
            return False
        free.remove(match)
    return True


def _same_company(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a == b or ratio(a, b) >= 92)


def _one_free(x: _Prepared, y: _Prepared) -> bool:
    """A mailbox name says something only where a person picks it: at a free provider. The
    same 'john.smith' at two companies is two namesakes."""
    return not (x.domains and y.domains)


def _companies_differ(x: _Prepared, y: _Prepared) -> bool:
    return bool(x.company) and bool(y.company) and not _same_company(x.company, y.company)


def _agreement(x: _Prepared, y: _Prepared) -> list[str]:
    found = []
    if x.domains & y.domains:
        found.append(f"the same company domain ({sorted(x.domains & y.domains)[0]})")
    if _same_company(x.company, y.company):
        found.append("the same company")
    if x.mailboxes & y.mailboxes and _one_free(x, y) and not _companies_differ(x, y):
        found.append("the same mailbox name at another provider")
    return found


def duplicate_reasons(x: _Prepared, y: _Prepared) -> tuple[str, ...]:
    """Why two records are the same contact; () when they are not."""
    shared = x.addresses & y.addresses
    if shared:
        return (f"the same address ({sorted(shared)[0]})",)
    if x.words and y.words:
        if not same_person(x.words, y.words):
            return ()
        agree = _agreement(x, y)
        return ("the same person's name, spelled differently", *agree) if agree else ()
    if not _same_company(x.company, y.company):
        return ()
    if x.domains and y.domains and not x.domains & y.domains:
        return ()
    return ("the same company name", *(["the same domain"] if x.domains & y.domains else []))


def _blocks(prepared: Iterable[_Prepared]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        keys = {f"@{a}" for a in p.addresses}
        keys |= {f"d:{d}" for d in p.domains} | {f"m:{m}" for m in p.mailboxes}
        if p.company:
            keys.add(f"c:{p.company}")
            keys |= {f"c1:{w}" for w in p.company.split()[:1] if len(w) >= 4}
        for key in keys:
            blocks[key].append(index)
    return blocks


def _sub_blocks(members: list[int], prepared: list[_Prepared]) -> Iterable[list[int]]:
    """A very large group compared by name initial within it, so that it stays linear-ish."""
    if len(members) <= _LARGEST_BLOCK:
        yield members
        return
    by_initial: dict[str, list[int]] = defaultdict(list)
    for i in members:
        for word in prepared[i].words or ("",):
            by_initial[word[:1]].append(i)
    yield from by_initial.values()


def duplicates_find(contacts: Sequence[Contact]) -> list[Duplicate]:
    """Every pair of records that are likely the same contact, each with its reasons, in the
    order of their ids."""
    prepared = [_prepare(c) for c in contacts]
    seen: set[tuple[int, int]] = set()
    found = []
    for members in _blocks(prepared).values():
        for group in _sub_blocks(members, prepared):
            for i, j in combinations(group, 2):
                pair = (i, j) if i < j else (j, i)
                if pair in seen:
                    continue
                seen.add(pair)
                reasons = duplicate_reasons(prepared[pair[0]], prepared[pair[1]])
                if reasons:
                    a, b = sorted((contacts[pair[0]].id, contacts[pair[1]].id))
                    found.append(Duplicate(a, b, reasons))
    return sorted(found, key=lambda d: (d.a, d.b))
