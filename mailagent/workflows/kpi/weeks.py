"""ISO weeks, as the report names them ("2026-W48": Monday 23 to Sunday 29 November). PURE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from mailagent.errors import UserInputError

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


class BadWeek(UserInputError):
    """A --week that names no ISO week."""


@dataclass(frozen=True, order=True)
class Week:
    monday: date

    @classmethod
    def of(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.isoweekday() - 1))

    @classmethod
    def parse(cls, text: str) -> Week:
        """'2026-W48' (or '2026W48'). Raises `BadWeek` for anything else."""
        found = _WEEK.match(text or "")
        if found is None:
            raise BadWeek(f"{text!r} is not an ISO week: write it like 2026-W48.")
        year, number = int(found.group(1)), int(found.group(2))
        try:
            return cls(date.fromisocalendar(year, number, 1))
        except ValueError:
            raise BadWeek(f"{year} has no week {number}: write it like 2026-W48.") from None

    @property
    def label(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def before(self, weeks: int = 1) -> Week:
        return Week(self.monday - timedelta(weeks=weeks))

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """From Monday 00:00 to the next Monday 00:00, in the business's time zone."""
        start = datetime.combine(self.monday, time.min, tzinfo=tz)
        return start, datetime.combine(self.monday + timedelta(weeks=1), time.min, tzinfo=tz)

    def contains(self, day: date) -> bool:
        return self.monday <= day <= self.sunday

    @property
    def text(self) -> str:
        """'Mon 23 to Sun 29 Nov 2026'."""
        first = f"{self.monday:%a} {self.monday.day}"
        if self.monday.month != self.sunday.month:
            first += f" {self.monday:%b}"
        if self.monday.year != self.sunday.year:
            first += f" {self.monday.year}"
        return f"{first} to {self.sunday:%a} {self.sunday.day} {self.sunday:%b %Y}"


def last_complete_week(today: date) -> Week:
    """The report's week by default: the one that ended before today's."""
    return Week.of(today).before()
