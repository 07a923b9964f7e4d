"""Five weeks of one figure as a small bar chart, drawn as inline SVG by the mail and the page.
PURE: numbers in, geometry out.

The same shape as the metrics page's charts (`portal.charts`), but here, in the engine: the mail
is written by the engine, which never imports the portal. Colours are attributes, not styles:
mail clients drop stylesheets, and the portal's Content-Security-Policy refuses inline styles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM = 300, 120, 16, 20
PAST, CURRENT, AVERAGE = "#9fb3e6", "#2f5bd3", "#c0392b"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str
    fill: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    labels: tuple[tuple[float, str], ...]
    average_y: float | None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def label_y(self) -> int:
        return self.height - 5


def _number(value: str | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def figure_chart(row: dict) -> Chart:
    """The chart of one figure of a kept report (`report.report_build`'s rows)."""
    weeks = list(row["history"])
    values = [_number(row["history"][w]) for w in weeks]
    average = _number(row["average"])
    top = max([abs(v) for v in values if v is not None] + [abs(average or 0)]) or Decimal(1)
    room = Decimal(HEIGHT - TOP - BOTTOM)
    group = WIDTH / len(weeks)
    bars = []
    for i, value in enumerate(values):
        height = float(room * abs(value or 0) / top)
        bars.append(
            Bar(
                x=round(i * group + group * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(group * 0.7, 1),
                height=round(height, 1),
                text=f"{weeks[i]}: {'-' if value is None else value}",
                fill=CURRENT if i == len(values) - 1 else PAST,
            )
        )
    average_y = None
    if average is not None:
        average_y = round(HEIGHT - BOTTOM - float(room * abs(average) / top), 1)
    labels = tuple(
        (round(i * group + group / 2, 1), week.split("-")[-1]) for i, week in enumerate(weeks)
    )
    return Chart(title=row["name"], bars=tuple(bars), labels=labels, average_y=average_y)


def report_charts(report: dict) -> list[Chart]:
    """A chart for each of the week's biggest changes, in the order they are called out."""
    rows = {row["key"]: row for row in report["figures"]}
    return [figure_chart(rows[key]) for key in report["changes"] if key in rows]
