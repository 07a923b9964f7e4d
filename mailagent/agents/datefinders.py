"""Finding the dates a draft states, and how many days overdue it says an invoice is: written
the way any of the four drafting languages writes them (`wording.day_in`: "05 Mar 2026",
"5. März 2026", "5 mars 2026", "5 de marzo de 2026") or the way a person or a model might
("March 5, 2026", "2026-03-05", "05.03.2026", "05/03/2026"). PURE.

The companion of `factfinders` (amounts and invoice numbers), read through the same `Scan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mailagent.agents.factfinders import Scan


@dataclass(frozen=True)
class Day:
    """A date as found. `value` is None when it names no year ("5 March"): then only the day and
    the month can be held against the records."""

    literal: str
    day: int
    month: int
    value: date | None


# Month names in English, German, French and Spanish, as `day_in` and babel's medium format write
# them, with and without accents; abbreviations with a full stop.
_MONTH_NAMES = {
    1: "january jan. januar jänner janvier janv. enero ene.",
    2: "february feb. februar février fevrier févr. fevr. febrero",
    3: "march mar. märz maerz mär. mrz. mars marzo",
    4: "april apr. avril avr. abril abr.",
    5: "may mai mayo",
    6: "june jun. juni juin junio",
    7: "july jul. juli juillet juil. julio",
    8: "august aug. août aout agosto ago.",
    9: "september sep. sept. septembre septiembre setiembre",
    10: "october oct. oktober okt. octobre octubre",
    11: "november nov. novembre noviembre",
    12: "december dec. dezember dez. décembre decembre déc. diciembre dic.",
}
MONTHS = {name.rstrip("."): n for n, names in _MONTH_NAMES.items() for name in names.split()}
# Without a year a date needs its month's full name: "2 may apply" and "5 mar" are no dates.
_ABBREVIATIONS = frozenset(
    name.rstrip(".") for names in _MONTH_NAMES.values() for name in names.split() if "." in name
)
_MONTH = rf"(?i:{'|'.join(sorted(map(re.escape, MONTHS), key=len, reverse=True))})"
_DAY = r"\d{1,2}(?:st|nd|rd|th|er|º|°)?"
_DATE = re.compile(
    # "05 Mar 2026", "5. März 2026", "1er juillet 2026", "5 de marzo de 2026", "5th of March"
    rf"(?<![\w.,/\-\x01])(?P<d1>{_DAY})\.?\s*(?:(?i:de|of)\s+)?(?P<m1>{_MONTH})(?![^\W\d_])\.?"
    rf"(?:,?\s*(?:(?i:de|del)\s+)?(?P<y1>\d{{4}}))?(?![\w])"
    # "March 5, 2026", "Mar 5 2026"
    rf"|(?<![\w\x01])(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<y2>\d{{4}}))?(?![\w]|[.,]\d)"
    # "2026-03-05", "2026/03/05"
    rf"|(?<![\w.,/\-\x01])(?P<y3>\d{{4}})(?P<s3>[-/])(?P<m3>\d{{1,2}})(?P=s3)(?P<d3>\d{{1,2}})"
    rf"(?![\w]|[.,/\-]\d)"
    # "05.03.2026", "05/03/2026", "5-3-2026", "05.03.26"; not "5.3." (that is "EUR 3.01." too)
    rf"|(?<![\w.,/\-\x01])(?P<d4>\d{{1,2}})(?P<s4>[./-])(?P<m4>\d{{1,2}})(?P=s4)"
    rf"(?P<y4>\d{{4}}|(?<=[./])\d{{2}})(?![\w]|[.,/\-]\d)"
)


def _day(m: re.Match[str]) -> Day | None:
    literal = m.group(0).rstrip(",")
    if m.group("m1") or m.group("m2"):
        name = m.group("m1") or m.group("m2")
        day = int(re.match(r"\d+", m.group("d1") or m.group("d2")).group(0))
        month, year = MONTHS[name.lower()], m.group("y1") or m.group("y2")
        if not year and (name.lower() in _ABBREVIATIONS or name == "may"):
            return None
    elif m.group("y3"):
        day, month, year = int(m.group("d3")), int(m.group("m3")), m.group("y3")
    else:
        day, month, year = int(m.group("d4")), int(m.group("m4")), m.group("y4")
        if m.group("s4") == "/" and month > 12 >= day:
            day, month = month, day  # "03/25/2026": only a US reading makes it a date
    try:
        if not year:
            date(2024, month, day)  # a leap year: "29 February" is a date
            return Day(literal, day, month, None)
        full = int(year) + (2000 if len(year) == 2 else 0)
        return Day(literal, day, month, date(full, month, day))
    except ValueError:
        return None


def take_dates(scan: Scan) -> list[Day]:
    """Every date with its day written out: by month name in any of the four languages, ISO, or
    numeric day first ("05.03.2026", "05/03/2026"; month first only where the day cannot be
    first). A weekday or a month alone is no date."""
    return [d for m in scan.take(_DATE, lambda m: _day(m) is not None) if (d := _day(m))]


_OVERDUE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?<![\w.,])(\d+)\s+days?\s+(?:overdue|past\s+(?:its\s+|the\s+)?due|late)",
        r"overdue\s+(?:by|for)\s+(\d+)\s+days?",
        r"(?<![\w.,])(\d+)\s+tagen?\s+(?:überfällig|im\s+verzug|in\s+verzug|überschritten)",
        r"überfällig\s+seit\s+(\d+)\s+tagen",
        r"(?<![\w.,])(\d+)\s+jours?\s+de\s+retard",
        r"en\s+retard\s+de\s+(\d+)\s+jours?",
        r"échue?s?\s+depuis\s+(\d+)\s+jours?",
        r"(?<![\w.,])(\d+)\s+días?\s+(?:de\s+(?:retraso|atraso|demora)|vencid[ao]s?)",
        r"vencid[ao]s?\s+(?:desde\s+)?hace\s+(\d+)\s+días?",
    )
]


def take_days_overdue(scan: Scan) -> list[tuple[str, int]]:
    """Claims of how many days an invoice is overdue ("41 days overdue", "seit 41 Tagen
    überfällig", "41 jours de retard", "41 días de retraso"), as (literal, days)."""
    return [(m.group(0), int(m.group(1))) for p in _OVERDUE for m in scan.take(p)]
