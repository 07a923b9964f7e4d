"""Small bar charts drawn as inline SVG by the templates. PURE: numbers in, geometry out."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 640, 150, 14, 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    names: tuple[str, ...]  # one per series
    labels: tuple[tuple[float, str], ...]  # (x of the group's middle, text)
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def grouped_bars(
    title: str,
    labels: list[str],
    series: dict[str, list[float | None]],
    *,
    fmt: str = "{:g}",
) -> Chart:
    """One group of bars per label, one bar per series in each group, scaled to the largest."""
    names = tuple(series)
    top = max((v for values in series.values() for v in values if v), default=0) or 1
    group = WIDTH / max(len(labels), 1)
    bar_width = group * 0.8 / max(len(names), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for n, name in enumerate(names):
        for i, value in enumerate(series[name]):
            height = room * (value or 0) / top
            bars.append(
                Bar(
                    x=round(i * group + group * 0.1 + n * bar_width, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(height, 1),
                    series=n,
                    text="-" if value is None else fmt.format(value),
                )
            )
    middles = tuple((round(i * group + group / 2, 1), label) for i, label in enumerate(labels))
    return Chart(title=title, names=names, labels=middles, bars=tuple(bars))
