"""How a draft writes a fact in each language the rules backend drafts in. PURE.

Every amount carries its ISO currency code and that currency's own number of decimals, every date
its month by name, so that the draft validator (`agents.draftcheck`) can find each figure and date
in a draft and hold it against the records. English writes them as the reminders always have
("EUR 1,234.50", "05 Mar 2026"); German, French and Spanish as their readers do, from babel's CLDR
data ("1.234,50 EUR", "5. März 2026"; "1 234,50 EUR", "5 mars 2026"; "1.234,50 EUR",
"5 de marzo de 2026"). French groups thousands with a no-break space (U+00A0), so a line is never
broken inside an amount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_precision

from mailagent.amounts import money

#: The languages the rules backend writes drafts in, by code, with their English names.
DRAFT_LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}

_NARROW_SPACES = str.maketrans({"\u202f": "\u00a0", " ": "\u00a0"})


def money_in(amount: Decimal, currency: str, language: str) -> str:
    """An amount as a draft in `language` writes it: 'EUR 1,234.50', '1.234,50 EUR'."""
    if language not in DRAFT_LANGUAGES or language == "en":
        return money(amount, currency)
    places = get_currency_precision(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    number = format_decimal(amount, format=pattern, locale=language, decimal_quantization=True)
    return f"{number.translate(_NARROW_SPACES)}\u00a0{currency}"


def day_in(value: date, language: str) -> str:
    """A date as a draft in `language` writes it: '05 Mar 2026', '5. März 2026'."""
    if language not in DRAFT_LANGUAGES or language == "en":
        return f"{value:%d %b %Y}"
    return format_date(value, format="long", locale=language)
