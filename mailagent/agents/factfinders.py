"""Finding the facts a draft states: amounts and invoice numbers (dates: `datefinders`), written
the way any of the four drafting languages writes them (`wording.money_in`: "EUR 1,234.50",
"1.234,50 EUR", "1 234,50 EUR") or the way a person or a model might ("€1,234.50", "$420",
"420 euros", "Rechnung 4711", "facture n° 4711", "#1042"). PURE.

Every validator reads drafts with these finders (`reminders.reminder_problems` and
`draftcheck.draft_problems`), so one rule decides what counts as an amount, a date or an invoice
number in every draft. A draft is read once, kind by kind, through a `Scan`: what one finder takes
is blanked out, so the next one does not read it again (the digits of a date are not an amount,
those of an amount not an invoice number). The caller chooses the order, the most specific first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

from mailagent.textpatterns import LiteralFilter

#: What a taken span becomes; the account's own invoice numbers leave their own mark, so that
#: "invoices INV-1042 and 9999" still reads as a list of invoice numbers.
HOLE = "\x00"
OWN = "\x01"

# Test codes, precious metals, drawing rights and ISO 4217's code for "no currency" are never
# a customer's money ("XXX 12" is no amount).
_NOT_MONEY = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA"}
CURRENCY_CODES = frozenset(c for c in list_currencies() if c not in _NOT_MONEY and c != "XXX")

#: Currencies a bare "$" may stand for: read as the account's only one of these, else USD.
DOLLARS = frozenset(
    {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "BSD", "BBD", "BZD", "BMD", "BND"}
    | {"FJD", "JMD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD", "GYD", "KYD"}
)
_SYMBOLS = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "JP¥": "JPY",
    "CN¥": "CNY",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "$": "$",
    "¥": "¥",
}
_WORDS = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "$",
    "dollars": "$",
    "dólar": "$",
    "dólares": "$",
    "pound": "GBP",
    "pounds": "GBP",
    "pfund": "GBP",
    "livres sterling": "GBP",
    "libras": "GBP",
    "yen": "JPY",
    "franken": "CHF",
    "francs suisses": "CHF",
}

_SPACES = "\u00a0\u202f\u2009 "
# A figure: thousands grouped by plain spaces ("1 234,50", as a French writer types it), or digits
# with any of the other marks between them, however placed: "EUR 1,2050.00" is read (as 12,050)
# and so refused, where a stricter pattern would not see it at all.
_NUMBER = (
    r"(?:\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?!\d)"
    r"|\d(?:[\d.,'\u2019\u00a0\u202f\u2009]*\d)?)"
)


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WORD = rf"(?i:{_alternatives(_WORDS)})(?![^\W\d_])"
_START = r"(?<![\w.,/#\-\x01])"


@lru_cache(maxsize=4)
def _money_pattern(codes: frozenset[str]) -> re.Pattern[str]:
    mark = rf"{_alternatives(_SYMBOLS)}|(?:{_alternatives(codes)})(?![A-Za-z])"
    return re.compile(
        # "EUR 1,234.50", "€1,234.50", "-€5", "EUR -5.00"
        rf"{_START}(?P<s1>[-\u2212])?(?P<c1>{mark})\s?(?P<s2>[-\u2212])?(?P<n1>{_NUMBER})"
        rf"(?!\d|[.,]\d)"
        # "1.234,50 EUR", "1 234,50 €", "420 euros"; not "1042 EUR 1,234.50", whose code is the
        # next figure's
        rf"|{_START}(?P<s3>[-\u2212])?(?P<n2>{_NUMBER})\s?(?P<c2>{mark}|{_WORD})"
        rf"(?!\s?[-\u2212]?\d)"
    )


def patterns_compile() -> None:
    """Compile the money pattern for every currency code now (it is compiled at first use):
    called before the processing workers fork, so that they share it."""
    _money_pattern(CURRENCY_CODES)


# A figure with decimals or grouped thousands and no currency: "1,234.50", "1.234,50", "860.00".
_FIGURE = re.compile(
    rf"{_START}-?(?:\d{{1,3}}(?P<g>[,.'\u2019\u00a0\u202f\u2009])\d{{3}}(?:(?P=g)\d{{3}})*"
    rf"(?:[.,]\d+)?"
    rf"|\d+(?:[.,]\d+)*[.,]\d{{2,3}})(?![\w]|[.,]\d)"
)


@dataclass(frozen=True)
class Money:
    """An amount with its currency, as found: `figure` is the number as written, with its sign."""

    literal: str
    currency: str
    value: Decimal
    figure: str


@lru_cache(maxsize=512)
def _literals(pattern: str, flags: int) -> LiteralFilter:
    """What every match of a finder's pattern contains (`textpatterns.LiteralFilter`): a time
    needs a ":", an address an "@", a sort code a "-". Most drafts hold none of what most
    finders need, and are not scanned for them. Keyed by the pattern's text and flags: a
    string's hash is kept, a compiled pattern's is computed from all its code."""
    return LiteralFilter([re.compile(pattern, flags)])


class Scan:
    """A text read kind by kind: each `take` blanks out what it found (keeping every offset), so
    the finders after it no longer see it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(
        self,
        pattern: re.Pattern[str],
        keep: Callable[[re.Match[str]], bool] = lambda match: True,
        *,
        mark: str = HOLE,
    ) -> list[re.Match[str]]:
        if not _literals(pattern.pattern, pattern.flags).may_match(self.text):
            return []  # it cannot match anywhere in the text: nothing to take or blank out
        taken = [m for m in pattern.finditer(self.text) if keep(m)]
        parts, last = [], 0
        for m in taken:
            parts += [self.text[last : m.start()], mark * (m.end() - m.start())]
            last = m.end()
        self.text = "".join([*parts, self.text[last:]])
        return taken


def dollar_for(currencies: Iterable[str]) -> str:
    """What a bare "$" means for an account: its only dollar currency, else USD."""
    dollars = {c for c in currencies if c in DOLLARS}
    return dollars.pop() if len(dollars) == 1 else "USD"


def _currency(mark: str, currencies: frozenset[str]) -> str:
    code = _SYMBOLS.get(mark) or _WORDS.get(mark.lower()) or mark
    if code == "$":
        return dollar_for(currencies)
    if code == "¥":
        return "CNY" if "CNY" in currencies and "JPY" not in currencies else "JPY"
    return code


def figure_value(figure: str, *, language: str, currency: str = "") -> Decimal:
    """The value of a written figure. Where both separators appear, or one is followed by other
    than three digits, the figure says which is the decimal mark. "1,234" and "1.234" are read as
    the draft's language reads them (English: "." is the decimal mark; German, French, Spanish:
    ","), except in a currency with no decimals (JPY), where they can only group thousands."""
    sign = -1 if figure[:1] in "-\u2212" else 1
    digits = figure.lstrip("-\u2212")
    seps = [c for c in digits if not c.isdigit()]
    if not seps:
        return sign * Decimal(digits)
    last = seps[-1]
    head, _, tail = digits.rpartition(last)
    mark = "." if language == "en" else ","
    if last in _SPACES + "'\u2019":
        decimal = False
    elif len(set(seps)) > 1:
        decimal = True
    elif seps.count(last) > 1:
        decimal = False
    elif len(tail) != 3:
        decimal = True
    else:
        decimal = last == mark and not (currency and get_currency_precision(currency) == 0)
    if not decimal:
        return sign * Decimal(re.sub(r"\D", "", digits))
    whole = re.sub(r"\D", "", head) or "0"
    return sign * Decimal(f"{whole}.{tail}")


def take_money(
    scan: Scan,
    *,
    language: str,
    currencies: Iterable[str] = (),
    codes: frozenset[str] = CURRENCY_CODES,
) -> list[Money]:
    """Every amount written with a currency code, symbol or word, before or after the figure.
    `currencies` (the account's) decides what "$" and "¥" stand for."""
    held = frozenset(currencies)
    found = []
    for m in scan.take(_money_pattern(codes)):
        number = m.group("n1") or m.group("n2")
        minus = "-" if (m.group("s1") or m.group("s2") or m.group("s3")) else ""
        currency = _currency(m.group("c1") or m.group("c2"), held)
        value = figure_value(minus + number, language=language, currency=currency)
        found.append(Money(m.group(0), currency, value, minus + number))
    return found


def take_figures(scan: Scan) -> list[str]:
    """Figures with decimals or grouped thousands left without a currency (take money first)."""
    return [m.group(0) for m in scan.take(_FIGURE)]


# Times and ranges of hours: figures that are neither amounts nor dates.
_TIMES = re.compile(
    r"(?<![\w.,])\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
    r"|(?<![\w.,])\d{1,2}h\d{2}(?!\d)"
    r"|(?<![\w.,])\d{1,2}\.\d{2}\s?(?:[-\u2013\u2014]|to|bis|à|a)\s?\d{1,2}\.\d{2}(?![\d]|[.,]\d)"
    r"|(?<![\w.,])\d{1,2}\.\d{2}(?=\s?(?i:am|pm|a\.m\.|p\.m\.|uhr|h)\b)"
)
_PERCENTAGES = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|(?i:per\s?cent|percent|prozent|pour\s?cent|por\s?ciento))"
)


def take_percentages(scan: Scan) -> None:
    """Blank out percentages ("2.5 %", "5 Prozent"). Before the amounts: in "ab 2.500 USD 8 %"
    the 8 is no dollar figure."""
    scan.take(_PERCENTAGES)


def take_times(scan: Scan) -> None:
    """Blank out times ("09:00-17:30", "9.30 am"), which would be read as bare figures. After the
    amounts: in "EUR 12.50-15.00" both are prices."""
    scan.take(_TIMES)


_REF = r"(?=[A-Za-z0-9/_.-]*\d)[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)*"
_KEYWORD = (
    r"(?i:invoices?|credit\s+notes?|credit\s+memos?|rechnung(?:en|snummer)?|gutschrift(?:en)?"
    r"|factures?|avoirs?|facturas?|notas?\s+de\s+cr[ée]dito|abonos?)(?![^\W\d_])"
)
_NUMBER_WORD = r"(?i:number|nummer|numéro|número|no\.?|nr\.?|n[°º]\.?|n\.º|núm\.?|num\.?)"
_AND = r"\s*(?:,|&|(?i:and|und|et|y|or|oder|ou|o)(?![^\W\d_]))\s*"
# "the invoice 5 days ago": a count, not an invoice number.
_UNIT = re.compile(
    r"\s+(?i:days?|weeks?|months?|tagen?|wochen|monate?n?|jours?|semaines?|mois|días?|semanas?"
    r"|mes(?:es)?)\b"
)
_KEYED = re.compile(
    rf"(?<![\w])(?:{_KEYWORD})\s*(?:{_NUMBER_WORD}\s*)?[:#]?\s*"
    rf"(?P<refs>(?:{_REF}|\x01+)(?:{_AND}(?:{_REF}|\x01+))*)"
)
_ONE_REF = re.compile(rf"(?<![\w\x01])(?:{_REF})(?![\w\x01])")
_HASHED = re.compile(rf"(?<![\w&])#\s?(?P<ref>{_REF})(?![\w/-])")
# "INV-1042", "CN-0007", "F-2026/0042", "RE2026-001"; and digits only: "2026-0042".
_SHAPED = re.compile(
    r"(?<![\w/.#\-\x01])(?P<ref>[A-Za-z]{1,8}[-_/.]?\d[A-Za-z0-9]*(?:[-_/.][A-Za-z0-9]+)*)"
    r"(?![\w/-]|\.\w)"
    r"|(?<![\w/.,#\-\x01])(?P<digits>(?:\d{4,}[-/]\d{3,}|\d{2,3}[-/]\d{4,})(?:[-/]\d+)*)"
    r"(?![\w/-]|[.,]\d)"
)


def own_numbers_pattern(numbers: Iterable[str]) -> re.Pattern[str] | None:
    """The account's invoice numbers that are more than digits, written exactly (any case): taken
    first, so that no other finder reads "F-2026/0042" as a date or "CN-0007" as a stranger.
    Numbers of digits only are left to the finders, which accept them: "EUR 1042" is an amount."""
    shaped = sorted({n for n in numbers if not n.isdigit()}, key=len, reverse=True)
    if not shaped:
        return None
    return re.compile(
        rf"(?<![\w/.\-])(?:{'|'.join(map(re.escape, shaped))})(?![\w/-]|\.\w)", re.IGNORECASE
    )


def _shaped(m: re.Match[str]) -> bool:
    if m.group("digits"):
        return True
    ref = m.group("ref")
    letters = re.match(r"[A-Za-z]+", ref).group(0)
    separated = bool(re.match(r"[A-Za-z]+[-_/.]", ref))
    digits = sum(c.isdigit() for c in ref)
    if separated and letters.isupper():
        return True
    return digits >= 3 and (separated or any(c.isupper() for c in letters))


def take_invoice_numbers(scan: Scan) -> list[str]:
    """Everything written as an invoice or credit-note number: after "invoice", "Rechnung",
    "facture n°", "factura", "credit note" (each of a list: "invoices 1042 and 1051"), after "#",
    or shaped like one: letters and digits ("INV-1042", "CN-0007", "F-2026/0042") or digits
    joined by "-" or "/" ("2026-0042"). Take the account's own numbers, dates, amounts and phone
    numbers first."""
    found, text = [], scan.text
    for m in scan.take(_KEYED):
        refs = [r.group(0) for r in _ONE_REF.finditer(m.group("refs"))]
        if refs and _UNIT.match(text, m.end()):
            refs.pop()
        found += [r for r in refs if not r.isdigit() or len(r) >= 2]
    found += [m.group("ref") for m in scan.take(_HASHED)]
    found += [m.group("ref") or m.group("digits") for m in scan.take(_SHAPED, _shaped)]
    return found


def mentions(number: str, text: str) -> bool:
    """`text` names the invoice `number` as a whole token ("1042" is not in "10420")."""
    return re.search(rf"(?<![\w-]){re.escape(number)}(?![\w-])", text) is not None
