"""The draft validator: every fact a reply draft states is held against the business's records,
knowledge folder and settings before a person sees it (issue 14). PURE.

An invoice number, amount, date, count of days overdue, link, email address, phone number or bank
detail that the context does not hold fails the draft; the caller audits the reasons and has the
rules backend write a safe draft instead. The context is only what the business itself knows: the
customer's account as the records show it, the knowledge passages the draft was given,
PAYMENT_DETAILS, the business name and the caller's `allowed_text` (our address, the signature).
What the customer wrote is never evidence: a customer who quotes a made-up invoice number or
policy must get no confirmation of it, so their text is not read at all.

The facts are found by the finders every validator shares (`factfinders`, `datefinders`), in the
four drafting languages at once; a figure such as "1,234" is read as the draft's language reads
it. Each kind is compared in its own way: amounts by currency and value, dates by day, invoice
numbers case-blind, links without scheme or "www.", IBANs and phone numbers by their digits
(national or international), any of them also when the same words stand in a trusted text.

Not checked: claims about the business's own conduct ("we sent you a reminder on ..."; the
context holds no record of sent mail: `reminders.history_problems` does this for reminders), which
invoice a figure is said of (each figure only has to be one of the account's), amounts and dates
in words ("twelve hundred euros", "next Friday"), plain integers ("1042", "30 days"), and what no
figure carries (a name, a promise, a policy stated in words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from mailagent.agents.datefinders import Day, take_dates, take_days_overdue
from mailagent.agents.factfinders import (
    OWN,
    Money,
    Scan,
    own_numbers_pattern,
    take_figures,
    take_invoice_numbers,
    take_money,
    take_percentages,
    take_times,
)
from mailagent.types import Account, Passage, TriageContext
from mailagent.wording import DRAFT_LANGUAGES

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]\x00\x01]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = "com|net|org|info|biz|io|co|uk|de|fr|es|eu|ch|at|be|nl|it|us|ca|au|app|shop|store|online"
_DOMAIN = re.compile(
    rf"(?i)(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS}|site|me|ly|link|xyz)"
    r"(?:/[^\s<>\"')\]\x00\x01]*)?(?![\w-]|\.\w)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?\d{1,3})?\b")
_BIC = re.compile(
    r"\b(?:BIC|SWIFT)(?:\s*/\s*SWIFT)?(?:[- ]?(?i:code))?\s*[:#]?\s*"
    r"(?P<code>[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
)
_ACCOUNT = re.compile(
    r"\b(?i:account(?:\s+(?:number|no\.?|#))?|acct\.?(?:\s+no\.?)?|a/c(?:\s+no\.?)?|kontonummer"
    r"|konto(?:-?nr\.?)?|kto\.?(?:-?nr\.?)?|num[ée]ro\s+de\s+compte|n[uú]mero\s+de\s+cuenta"
    r"|routing(?:\s+number)?|aba|sort\s+code|bankleitzahl|blz|bsb)\s*[:#]?\s*"
    r"(?P<digits>\d{2,}(?:[ \u00a0-]\d{2,})*)(?![\w]|[.,]\d)"
)
_PHONE = re.compile(
    r"(?<![\w+.,/#\-\x01])(?:(?:\+|00)\d{1,3}[ \u00a0.\-/]?(?:\(0\)[ \u00a0.\-/]?)?)?"
    r"(?:\(\d{1,5}\)[ \u00a0.\-]?)?\d{1,12}(?:[ \u00a0.\-/]\d{1,12}){0,5}(?![\w]|[.,]\d)"
)
_SORT_CODE = re.compile(r"(?<![\w.,/#\-\x01])\d{2}-\d{2}-\d{2}(?![\w/-]|[.,]\d)")
_LONG_NUMBER = re.compile(r"(?<![\w.,/#\-\x01])\d{8,}(?![\w]|[.,]\d)")
_DIGIT_RUN = re.compile(r"\d[\d \-/\u00a0\u202f]*\d|\d")


@dataclass
class _Facts:
    """What one text states, by kind, each as written."""

    links: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    ibans: list[str] = field(default_factory=list)
    bank: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    dates: list[Day] = field(default_factory=list)
    overdue: list[tuple[str, int]] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def _is_phone(m: re.Match[str]) -> bool:
    written = m.group(0)
    digits = re.sub(r"\D", "", written)
    groups = len(re.findall(r"\d+", written))
    return 7 <= len(digits) <= 15 and (written[0] in "+(0" or groups >= 3)


def _six_digits(m: re.Match[str]) -> bool:
    return sum(c.isdigit() for c in m.group("digits")) >= 6


def _read(
    text: str, *, language: str, numbers: frozenset[str], currencies: frozenset[str]
) -> _Facts:
    """Every fact in `text`, the most specific kinds first: the digits of a link, an IBAN, one of
    the account's invoice numbers or a date are not read again as an amount or a phone number."""
    scan, facts = Scan(text), _Facts()
    facts.links = [m.group(0).rstrip(".,;:!?") for m in scan.take(_URL)]
    facts.emails = [m.group(0) for m in scan.take(_EMAIL)]
    facts.links += [m.group(0).rstrip(".,;:!?") for m in scan.take(_DOMAIN)]
    facts.ibans = [m.group(0) for m in scan.take(_IBAN)]
    facts.bank = [m.group("code") for m in scan.take(_BIC)]
    if own := own_numbers_pattern(numbers):
        scan.take(own, mark=OWN)
    facts.dates = take_dates(scan)
    facts.overdue = take_days_overdue(scan)
    take_percentages(scan)
    facts.money = take_money(scan, language=language, currencies=currencies)
    take_times(scan)
    facts.bank += [m.group("digits") for m in scan.take(_ACCOUNT, _six_digits)]
    facts.figures = take_figures(scan)
    facts.phones = [m.group(0) for m in scan.take(_PHONE, _is_phone)]
    facts.bank += [m.group(0) for m in scan.take(_SORT_CODE)]
    facts.numbers = take_invoice_numbers(scan)
    facts.bank += [m.group(0) for m in scan.take(_LONG_NUMBER)]
    return facts


@lru_cache(maxsize=2048)
def _read_trusted(
    text: str, language: str, numbers: frozenset[str], currencies: frozenset[str]
) -> _Facts:
    """`_read` of a trusted text (a passage, the payment details, the signature): the same few
    texts back most drafts, so each is read once per account's numbers. Read only: never
    changed by the caller."""
    return _read(text, language=language, numbers=numbers, currencies=currencies)


@dataclass(frozen=True)
class _Records:
    """What the customer's account allows a draft to say."""

    numbers: frozenset[str]
    currencies: frozenset[str]
    amounts: frozenset[tuple[str, Decimal]]
    dates: frozenset[date]
    overdue_days: frozenset[int]

    @classmethod
    def of(cls, account: Account | None, today: date | None) -> _Records:
        invoices = account.invoices if account else ()
        days = {d for d in (today, account.as_of if account else None) if d}
        dates = {d for i in invoices for d in (i.due_date, i.issue_date, i.paid_on) if d} | days
        open_invoices = [i for i in (account.open_items if account else ()) if not i.is_credit]
        return cls(
            numbers=frozenset(i.number.casefold() for i in invoices),
            currencies=frozenset(i.currency for i in invoices),
            amounts=frozenset(_amounts(account, today)),
            dates=frozenset(dates),
            overdue_days=frozenset(i.days_overdue(d) for i in open_invoices for d in days),
        )


def _amounts(account: Account | None, today: date | None) -> set[tuple[str, Decimal]]:
    """Each item's balance, total and what was paid or credited off it (signed and not), and per
    currency the open invoices, alone and net of open credits, and so for those overdue."""
    if account is None:
        return set()
    found = set()
    for i in account.invoices:
        figures = [i.balance] + ([i.total, i.total - i.balance] if i.total is not None else [])
        found |= {(i.currency, f) for f in figures} | {(i.currency, abs(f)) for f in figures}
    due = today or account.as_of
    for currency in {i.currency for i in account.open_items}:
        items = [i for i in account.open_items if i.currency == currency]
        credits = [i for i in items if i.is_credit]
        groups = [[i for i in items if not i.is_credit]]
        if due:
            groups.append([i for i in groups[0] if i.due_date < due])
        for group in filter(None, groups):  # nothing overdue is no figure to quote
            gross = sum((i.balance for i in group), Decimal(0))
            net = gross + sum((c.balance for c in credits), Decimal(0))
            found |= {(currency, gross), (currency, net), (currency, abs(net))}
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def _link_key(link: str) -> str:
    link = re.sub(r"(?i)^https?://", "", link.casefold())
    return link.removeprefix("www.").rstrip("/")


def _iban_key(iban: str) -> str:
    """The IBAN without spaces; a word caught after it (one that breaks the ISO 13616 check) is
    cut off."""
    compact = re.sub(r"\s", "", iban)
    for end in range(len(compact), 14, -1):
        candidate = compact[:end]
        number = int("".join(str(int(c, 36)) for c in candidate[4:] + candidate[:4]))
        if number % 97 == 1:
            return candidate
    return compact


@dataclass(frozen=True)
class _Trusted:
    """What the knowledge passages, the payment details and the caller's own text state."""

    text: str
    facts: _Facts
    digit_runs: tuple[str, ...]

    @classmethod
    def of(cls, texts: list[tuple[str, str]], *, records: _Records) -> _Trusted:
        merged = _Facts()
        for text, language in texts:
            read = _read_trusted(text, language, records.numbers, records.currencies)
            for name in vars(merged):
                getattr(merged, name).extend(getattr(read, name))
        whole = "\n".join(text for text, _ in texts)
        runs = tuple(re.sub(r"\D", "", m.group(0)) for m in _DIGIT_RUN.finditer(whole))
        return cls(_squash(whole), merged, runs)

    def says(self, literal: str) -> bool:
        """The same words stand in a trusted text, as a whole token."""
        said = re.escape(_squash(literal))
        return re.search(rf"(?<![\w/-]){said}(?![\w/-])", self.text) is not None

    def has_digits(self, written: str) -> bool:
        """A bank or account number whose digits stand in a trusted text, however grouped."""
        digits = re.sub(r"\D", "", written)
        return bool(digits) and any(digits in run for run in self.digit_runs)

    def has_phone(self, written: str) -> bool:
        """The same phone number, national or international ("020 7946 0000", "+44 20 ...")."""
        digits = re.sub(r"\D", "", written).lstrip("0")
        for phone in self.facts.phones:
            known = re.sub(r"\D", "", phone).lstrip("0")
            shorter, longer = sorted((digits, known), key=len)
            if len(shorter) >= 7 and longer.endswith(shorter):
                return True
        return False


def draft_problems(
    text: str,
    context: TriageContext,
    *,
    passages: tuple[Passage, ...] | None = None,
    allowed_text: str = "",
) -> list[str]:
    """Every reason the draft must not be shown as written; an empty list when every fact in it
    is the business's. `passages` are those the draft was given (by default the context's);
    `allowed_text` is more text the business vouches for. See the module for what is checked.
    By default the draft was given the context's passages and its procedures (what the folder
    says the business does next)."""
    language = context.language if context.language in DRAFT_LANGUAGES else "en"
    records = _Records.of(context.account, context.today)
    given = (*context.passages, *context.procedures) if passages is None else passages
    own = [context.payment_details, allowed_text, context.business_name]
    if context.account:
        own.append(context.account.customer_name)
    trusted = _Trusted.of(
        [(p.text, p.language) for p in given] + [(t, language) for t in own if t],
        records=records,
    )
    facts = _read(text, language=language, numbers=records.numbers, currencies=records.currencies)
    problems = (
        _contact_problems(facts, trusted, records)
        + _money_problems(facts, trusted, records)
        + _date_problems(facts, trusted, records)
        + _number_problems(facts, trusted, records)
    )
    return list(dict.fromkeys(problems))


def _contact_problems(facts: _Facts, trusted: _Trusted, records: _Records) -> list[str]:
    where = "is not in the knowledge folder or settings"
    links = {_link_key(link) for link in trusted.facts.links}
    links |= {_link_key(e.rpartition("@")[2]) for e in trusted.facts.emails}
    emails = {e.casefold() for e in trusted.facts.emails}
    ibans = {_iban_key(i) for i in trusted.facts.ibans}
    problems = [f"the link {link} {where}" for link in facts.links if _link_key(link) not in links]
    problems += [f"the address {e} {where}" for e in facts.emails if e.casefold() not in emails]
    problems += [f"the IBAN {i} {where}" for i in facts.ibans if _iban_key(i) not in ibans]
    problems += [
        f"the bank detail {detail} {where}"
        for detail in facts.bank
        if not (trusted.says(detail) or trusted.has_digits(detail) or detail in records.numbers)
    ]
    problems += [
        f"the phone number {phone} {where}"
        for phone in facts.phones
        if not (trusted.says(phone) or trusted.has_phone(phone))
    ]
    return problems


def _money_problems(facts: _Facts, trusted: _Trusted, records: _Records) -> list[str]:
    vouched = {(m.currency, m.value) for m in trusted.facts.money}
    problems = []
    for m in facts.money:
        if (m.currency, m.value) in records.amounts | vouched or trusted.says(m.literal):
            continue
        elsewhere = sorted({c for c, v in records.amounts if v == m.value and c != m.currency})
        hint = f" (the records have that figure in {', '.join(elsewhere)})" if elsewhere else ""
        problems.append(f"{_plain(m.literal)} is not one of the customer's amounts{hint}")
    problems += [
        f"the amount {_plain(figure)} is written without its currency"
        for figure in facts.figures
        if not trusted.says(figure)
    ]
    return problems


def _date_problems(facts: _Facts, trusted: _Trusted, records: _Records) -> list[str]:
    known = records.dates | {d.value for d in trusted.facts.dates if d.value}
    days = {(d.day, d.month) for d in known} | {(d.day, d.month) for d in trusted.facts.dates}
    problems = [
        f"the date {_plain(d.literal)} is not in the records"
        for d in facts.dates
        if not (d.value in known if d.value else (d.day, d.month) in days)
        and not trusted.says(d.literal)
    ]
    counts = records.overdue_days | {n for _, n in trusted.facts.overdue}
    problems += [
        f"{_plain(said)!r}: no invoice of the customer's is {n} days overdue"
        for said, n in facts.overdue
        if n not in counts and not trusted.says(said)
    ]
    return problems


def _number_problems(facts: _Facts, trusted: _Trusted, records: _Records) -> list[str]:
    return [
        f"invoice {number} is not in the customer's records"
        for number in facts.numbers
        if number.casefold() not in records.numbers and not trusted.says(number)
    ]


def _plain(literal: str) -> str:
    """A finding as a reason shows it: no-break spaces as plain ones."""
    return re.sub(r"\s+", " ", literal)
