"""This week against last week and against the four weeks before it; the three biggest changes.
PURE: figures' values in, comparisons and sentences out.

The four-week average is of the four weeks before the report's week, so that the week is never
compared with itself. A change is ranked by its size against that average; a figure that was
zero throughout the four weeks and is not now counts as a change of 100%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mailagent.amounts import money
from mailagent.workflows.kpi.figures import DAYS, HOURS, MINUTES, MONEY, Figure, Value

CALLED_OUT = 3
MIN_CHANGE = Decimal("0.05")  # smaller moves than 5% of the average are not called out


@dataclass(frozen=True)
class Compared:
    figure: Figure
    history: tuple[Value, ...]  # the four weeks before, then this week

    @property
    def this(self) -> Value:
        return self.history[-1]

    @property
    def last(self) -> Value:
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def mean(self) -> Decimal | None:
        """The four weeks' exact mean (None when none of them has a value)."""
        known = [Decimal(str(v)) for v in self.history[:-1] if v is not None]
        return sum(known, Decimal(0)) / len(known) if known else None

    @property
    def average(self) -> Decimal | None:
        """The mean as the report shows it: to the cent for money, to a tenth otherwise."""
        if self.mean is None:
            return None
        places = Decimal("0.01") if self.figure.unit == MONEY else Decimal("0.1")
        return self.mean.quantize(places, rounding=ROUND_HALF_UP)

    @property
    def change(self) -> Decimal | None:
        """This week against the average, as a share (0.25 is 25% up); None when either is
        missing, or the average is zero."""
        if self.this is None or not self.mean:
            return None
        return (Decimal(str(self.this)) - self.mean) / abs(self.mean)

    @property
    def score(self) -> float:
        """How big a change this is, for ranking; 0 when nothing moved."""
        if self.this is None or self.mean is None:
            return 0.0
        if self.change is not None:
            step = abs(Decimal(str(self.this)) - self.mean)
            if abs(self.change) < MIN_CHANGE or (self.figure.unit != MONEY and step < 1):
                return 0.0
            return float(abs(self.change))
        return 1.0 if self.this else 0.0

    @property
    def direction(self) -> str:
        if self.this is None or self.mean is None:
            return ""
        this = Decimal(str(self.this))
        return "up" if this > self.mean else "down" if this < self.mean else ""

    @property
    def for_the_better(self) -> bool | None:
        if not self.figure.better or not self.direction:
            return None
        return self.direction == self.figure.better


def shown(value: Value, figure: Figure) -> str:
    """A value as people read it: 'USD 1,234.50', '12', '5.5 h', '41.3 days', '95 min'."""
    if value is None:
        return "-"
    if figure.unit == MONEY:
        return money(Decimal(str(value)), figure.currency)
    if figure.unit == HOURS:
        return f"{Decimal(str(value)).quantize(Decimal('0.1'))} h"
    if figure.unit == DAYS:
        return f"{Decimal(str(value)).quantize(Decimal('0.1'))} days"
    if figure.unit == MINUTES:
        minutes = Decimal(str(value))
        return f"{minutes.normalize():f} min" if minutes < 90 else f"{minutes / 60:.1f} h"
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:.1f}"


def change_text(row: Compared) -> str:
    """'Collected (USD): USD 4,210.00 this week, up 68% on the four-week average (USD 2,500.00);
    last week USD 3,100.00.'"""
    figure, this = row.figure, shown(row.this, row.figure)
    last = shown(row.last, figure)
    if row.change is None:
        if row.average is None:
            return f"{figure.name}: {this} this week; no earlier weeks to compare."
        return f"{figure.name}: {this} this week, against none in the four weeks before."
    if not row.direction:
        return f"{figure.name}: {this} this week, as on average; last week {last}."
    percent = f"{abs(row.change):.0%}"
    average = shown(row.average, figure)
    return (
        f"{figure.name}: {this} this week, {row.direction} {percent} on the four-week average "
        f"({average}); last week {last}."
    )


def biggest_changes(rows: list[Compared], *, count: int = CALLED_OUT) -> list[Compared]:
    moved = [r for r in rows if r.score > 0]
    return sorted(moved, key=lambda r: -r.score)[:count]


def by_key(rows: list[Compared]) -> dict[str, Compared]:
    return {r.figure.key: r for r in rows}


def moved(row: Compared | None, direction: str, *, by: float = 0.2) -> bool:
    """Whether `row` moved `direction` by at least `by` of its four-week average."""
    if row is None or row.direction != direction:
        return False
    return row.change is None or abs(row.change) >= Decimal(str(by))
