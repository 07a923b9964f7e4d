"""The week's report as it is kept on its run and shown everywhere: in the mail, on the portal
page, in the admin. PURE: values in, a JSON-ready dict out (money as strings, to the cent).

Rendering reads only this dict, so a report shown again months later says exactly what it said
the Monday it was written, whatever the data has become since.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import Decimal

from mailagent.amounts import money
from mailagent.workflows.kpi.compare import Compared, biggest_changes, shown
from mailagent.workflows.kpi.facts import Facts
from mailagent.workflows.kpi.figures import (
    AgingRow,
    DecisionCounts,
    Figure,
    Value,
    aging_on,
    figures_for,
    week_values,
)
from mailagent.workflows.kpi.narrative import (
    Waiting,
    needs_a_person,
    what_changed,
    what_to_watch,
    why_it_changed,
)
from mailagent.workflows.kpi.weeks import Week

HISTORY = 5  # the report's week and the four before it


def weeks_ending(week: Week) -> list[Week]:
    return [week.before(n) for n in range(HISTORY - 1, -1, -1)]


def _kept(value: Value) -> str | int | None:
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _window(figure: Figure, week: Week) -> str:
    if figure.window == "week":
        return week.text
    if figure.window == "end":
        return f"at the end of {week.sunday:%a} {week.sunday.day} {week.sunday:%b %Y}"
    return f"{figure.window} ({week.sunday:%a} {week.sunday.day} {week.sunday:%b %Y})"


def _figure_row(row: Compared, week: Week, weeks: list[Week]) -> dict:
    figure = row.figure
    return {
        "key": figure.key,
        "name": figure.name,
        "group": figure.group,
        "unit": figure.unit,
        "currency": figure.currency,
        "source": figure.source,
        "window": _window(figure, week),
        "history": {w.label: _kept(v) for w, v in zip(weeks, row.history, strict=True)},
        "this": _kept(row.this),
        "last": _kept(row.last),
        "average": _kept(row.average),
        "this_text": shown(row.this, figure),
        "last_text": shown(row.last, figure),
        "average_text": shown(row.average, figure),
        "change": f"{row.change:+.0%}" if row.change is not None else "",
        "for_the_better": row.for_the_better,
    }


def _aging_rows(aging: dict[str, list[AgingRow]]) -> list[dict]:
    out = []
    for currency, rows in aging.items():
        top = max((r.amount for r in rows), default=Decimal(0)) or Decimal(1)
        total = sum((r.amount for r in rows), Decimal("0.00"))
        out.append(
            {
                "currency": currency,
                "total": str(total),
                "total_text": money(total, currency),
                "buckets": [
                    {
                        "label": r.label,
                        "amount": str(r.amount),
                        "amount_text": money(r.amount, currency),
                        "count": r.count,
                        "percent": round(r.amount * 100 / top),
                    }
                    for r in rows
                ],
            }
        )
    return out


def report_build(
    *,
    week: Week,
    facts: Facts,
    decisions: dict[str, DecisionCounts],
    waiting: Waiting,
    tz: tzinfo,
    revenue_means: str,
    aging_buckets: tuple[tuple[str, int, int | None], ...],
) -> dict:
    weeks = weeks_ending(week)
    values = {
        w.label: week_values(facts, w, tz=tz, decisions=decisions.get(w.label, DecisionCounts()))
        for w in weeks
    }
    rows = [
        Compared(figure, tuple(values[w.label].get(figure.key) for w in weeks))
        for figure in figures_for(facts, revenue_means=revenue_means)
    ]
    aging = aging_on(facts, week.sunday, buckets=aging_buckets)
    return {
        "week": week.label,
        "week_text": week.text,
        "monday": week.monday.isoformat(),
        "sunday": week.sunday.isoformat(),
        "weeks": [w.label for w in weeks],
        "compared_with": f"last week ({weeks[-2].label}) and the four weeks before this one "
        f"({weeks[0].label} to {weeks[-2].label})",
        "figures": [_figure_row(r, week, weeks) for r in rows],
        "changes": [r.figure.key for r in biggest_changes(rows)],
        "aging": _aging_rows(aging),
        "aging_as_of": week.sunday.isoformat(),
        "what_changed": what_changed(rows),
        "why": why_it_changed(rows, facts.currencies()),
        "watch": what_to_watch(rows, aging),
        "needs_person": needs_a_person(waiting, aging),
    }


def report_groups(report: dict) -> dict[str, list[dict]]:
    """A kept report's figures by group ("Money", "Support", ...), in the report's order."""
    groups: dict[str, list[dict]] = {}
    for row in report["figures"]:
        groups.setdefault(row["group"], []).append(row)
    return groups
