"""Which currency an export's amounts are in, from the export itself. PURE.

An amount's currency is read, never assumed: from a currency column, from an ISO 4217 code in the
cell (`GBP 3,250.00`, `3.250,00 EUR`), from a symbol that names one currency (`£`, `€`, `₹`,
`US$`), or from a currency the report's title rows state ("All amounts in GBP", "Currency: EUR",
"Amounts are shown in Euro"). Only a cell that names none of these falls back to the default.

Which symbols name which currencies is babel's (CLDR's) locale data: every symbol any locale
writes for a currency still in use. A symbol that several currencies write is ambiguous: `$`
(27 dollars and pesos), `¥` (the yen, and the yuan in Chinese locales: they differ about twenty
times in value and in decimals, so a bare `¥` is never taken for either), `kr` (the Danish,
Norwegian and Swedish crowns), `Rs`, `K`. It names the currency the report or the row states, or
the default currency when that is one of them (a US business's `$` is its own dollar), and is
otherwise refused. Two symbols are settled by hand (`_SETTLED`), because the data lists a rare
second use beside a common one: `£` is sterling (the Falkland, Gibraltar and St Helena pounds are
pegged to it at par; a South Sudanese business sets its default currency to SSP) and `C$` is the
Canadian dollar (a Nicaraguan business sets NIO).

The tables are built once, on first use (reading every locale takes about a second, which a
process that never imports an export should not pay).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from babel import Locale, localedata
from babel.core import get_global
from babel.numbers import get_currency_name, get_currency_precision, list_currencies

from mailagent.parsing.values import UnreadableValue, shown

_SETTLED = {"£": "GBP", "C$": "CAD"}
# What people write for thousands and millions ("1.2M", "300K"), not the loti or the kyat.
_NOT_SYMBOLS = {"D", "E", "G", "K", "L", "M", "P", "Q", "S"}
_SPACES = "\u00a0\u202f\u2009"


@dataclass(frozen=True)
class Marker:
    """A currency symbol or ISO code written in an amount cell, and what it can mean."""

    text: str
    candidates: frozenset[str]
    is_code: bool = False

    def described(self) -> str:
        if self.is_code:
            return f"the {next(iter(self.candidates))} code"
        return f"the {self.text} symbol"


@dataclass(frozen=True)
class _Tables:
    codes: frozenset[str]  # every ISO 4217 code babel knows, past ones too
    current: frozenset[str]
    symbols: dict[str, frozenset[str]]
    names: dict[str, str]  # English name, singular and plural, case-folded -> code
    leading: re.Pattern[str]
    trailing: re.Pattern[str]
    leading_code: re.Pattern[str]
    trailing_code: re.Pattern[str]
    longest: int


def _visible(symbol: str) -> str:
    # CLDR wraps some symbols in direction marks; a cell never does.
    kept = "".join(ch for ch in symbol if unicodedata.category(ch) != "Cf")
    return " ".join(kept.translate({ord(s): " " for s in _SPACES}).split())


def _current_codes() -> frozenset[str]:
    return frozenset(
        code
        for entries in get_global("territory_currencies").values()
        for code, _start, end, tender in entries
        if end is None and tender
    )


def _symbol_table(current: frozenset[str], codes: frozenset[str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for identifier in localedata.locale_identifiers():
        for code, symbol in Locale.parse(identifier).currency_symbols.items():
            text = _visible(symbol)
            if code not in current or not text or text.upper() in codes or text in _NOT_SYMBOLS:
                continue
            found[text].add(code)
    # "Rs." is "Rs" and "kr." is "kr": a full stop does not make a symbol name fewer currencies.
    stems: dict[str, set[str]] = defaultdict(set)
    for symbol, found_codes in found.items():
        stems[symbol.rstrip(".")] |= found_codes
    return {symbol: frozenset(stems[symbol.rstrip(".")]) for symbol in found}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def tables() -> _Tables:
    codes = frozenset(list_currencies())
    current = _current_codes()
    symbols = _symbol_table(current, codes)
    names: dict[str, set[str]] = defaultdict(set)
    for code in current:
        for count in (1, 2):
            names[get_currency_name(code, count=count, locale="en").casefold()].add(code)
    words = _alternation(list(symbols))
    return _Tables(
        codes=codes,
        current=current,
        symbols=symbols,
        names={name: next(iter(c)) for name, c in names.items() if len(c) == 1},
        leading=re.compile(rf"^(?:{words})"),
        trailing=re.compile(rf"(?<![A-Za-z])(?:{words})$"),
        # A code must not run on into a word ("EURO").
        leading_code=re.compile(r"^[A-Za-z]{3}(?![A-Za-z])"),
        trailing_code=re.compile(r"(?<![A-Za-z])[A-Za-z]{3}$"),
        longest=max(3, *(len(s) for s in symbols)),
    )


def _marker(text: str, *, at_start: bool) -> Marker | None:
    """The ISO code, or else the symbol, that `text` starts (or ends) with."""
    found = (tables().leading_code if at_start else tables().trailing_code).search(text)
    if found is not None and found.group().upper() in tables().codes:
        code = found.group().upper()
        return Marker(found.group(), frozenset({code}), is_code=True)
    found = (tables().leading if at_start else tables().trailing).search(text)
    if found is not None:
        return Marker(found.group(), tables().symbols[found.group()])
    return None


def marker_split(text: str) -> tuple[Marker | None, str, str]:
    """`text` less a currency marker at its start or its end: (marker, before, after)."""
    flat = text.translate({ord(s): " " for s in _SPACES})
    lead = _marker(flat, at_start=True)
    if lead is not None:
        return lead, "", text[len(lead.text) :]
    # Only the end is searched: a search over a long cell would try every symbol at every place.
    trail = _marker(flat[-(tables().longest + 1) :], at_start=False)
    if trail is not None:
        return trail, text[: len(text) - len(trail.text)], ""
    return None, text, ""


def code_checked(code: str) -> str:
    """A currency column's value: an ISO 4217 code babel knows."""
    if code not in tables().codes:
        raise UnreadableValue(
            f"the currency {shown(code)} is not a three-letter ISO 4217 currency code"
        )
    return code


def minor_digits(code: str) -> int:
    """Decimals the currency has (JPY 0, EUR 2, BHD 3)."""
    return get_currency_precision(code) if code in tables().codes else 2


_CUE = r"(?:\bcurrency\s*(?:[:=]|is)?\s*|\bin\s+(?:the\s+)?)"


@cache
def _stated_pattern() -> re.Pattern[str]:
    names = _alternation(list(tables().names))
    codes = _alternation(sorted(tables().current))
    # Symbols of letters ("Rs", "zł") are left out: a title's words would be read as them.
    single = [
        s for s, c in tables().symbols.items() if (len(c) == 1 or s in _SETTLED) and not s.isalpha()
    ]
    symbols = _alternation(single)
    return re.compile(
        rf"{_CUE}(?:(?-i:(?P<code>{codes})\b|(?P<symbol>{symbols})(?!\w))|(?P<name>{names})\b)",
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class Stated:
    """The currency an export's title rows state, if any."""

    code: str | None = None
    conflict: str = ""  # why no one currency is stated, when the title names several


def stated_currency(title_rows: list[list[str]]) -> Stated:
    """'All amounts in GBP', 'Currency: EUR', 'Amounts are shown in Euro' above the header."""
    found: list[str] = []
    for row in title_rows:
        for cell in row:
            for match in _stated_pattern().finditer(cell):
                code, name, symbol = match.group("code", "name", "symbol")
                if code is not None:
                    found.append(code.upper())
                elif name is not None:
                    found.append(tables().names[name.casefold()])
                else:
                    found.append(_SETTLED.get(symbol) or next(iter(tables().symbols[symbol])))
    unique = list(dict.fromkeys(found))
    if len(unique) > 1:
        return Stated(conflict=f"the report's title names several currencies ({', '.join(unique)})")
    return Stated(code=unique[0] if unique else None)


@dataclass(frozen=True)
class CurrencyRules:
    """What settles a row's currency beyond its own cells."""

    stated: Stated = field(default_factory=Stated)
    default: str = "USD"
    default_label: str = "DEFAULT_CURRENCY"
    column: str = ""  # the currency column's name as the header writes it, if there is one


def _from_markers(markers: list[Marker], rules: CurrencyRules) -> tuple[str, str] | None:
    """The one currency the cells' markers name, with where it came from; None if they name
    none."""
    if not markers:
        return None
    first = markers[0]
    for other in markers[1:]:
        if other.candidates.isdisjoint(first.candidates):
            raise UnreadableValue(
                f"the balance and the total are in different currencies ({first.text} and "
                f"{other.text})"
            )
    candidates = frozenset.intersection(*(m.candidates for m in markers))
    where = f"from {first.described()} in the amounts"
    if len(candidates) == 1:
        return next(iter(candidates)), where
    if rules.default in candidates:
        return rules.default, f"{where}, as {rules.default_label}"
    settled = _SETTLED.get(first.text)
    if settled in candidates:
        return settled, where
    names = ", ".join(sorted(candidates)[:6]) + (", ..." if len(candidates) > 6 else "")
    raise UnreadableValue(
        f"{first.described()} is used by several currencies ({names}) and the report does not "
        f"say which; {rules.default_label} is {rules.default}"
    )


def row_currency(column: str, markers: list[Marker], rules: CurrencyRules) -> tuple[str, str]:
    """A row's currency and where it came from (for the import summary). Raises
    `UnreadableValue` when it cannot be told: an ambiguous symbol with nothing to settle it, or
    cells, column and title that disagree."""
    stated = rules.stated.code
    if column:
        code = code_checked(column.upper())
        if stated and stated != code:
            raise UnreadableValue(
                f"the {rules.column} column says {code} but the report's title states {stated}"
            )
        _matched(code, f"the {rules.column} column", markers)
        return code, f"from the {rules.column} column"
    if stated:
        _matched(stated, "the report's title", markers)
        return stated, "stated in the report title"
    if rules.stated.conflict and not markers:
        raise UnreadableValue(rules.stated.conflict)
    read = _from_markers(markers, rules)
    if read is not None:
        return read
    return rules.default, f"the file names none: {rules.default_label}"


def _matched(code: str, source: str, markers: list[Marker]) -> None:
    for marker in markers:
        if code not in marker.candidates:
            raise UnreadableValue(
                f"{marker.described()} in the amount does not match {source} ({code})"
            )
