"""The weekly KPI report (low risk: it runs on its own, and it changes nothing).

- trigger: Mondays at 08:00 in TIME_ZONE (`registry.WORKFLOWS`), for the week just ended, and
  `python manage.py kpi_report [--week YYYY-Www]`;
- context: the accounting data the imports keep, the tickets, the audit trail's decisions and
  minutes saved, and the shop's order exports in SALES_EXPORT_DIR (`sources`), each figure with
  its source and time window (`figures`);
- action: this week against last week and the four-week average, the three biggest changes
  called out, and four parts kept apart: what changed, why it might have (a guess), what to
  watch, what needs a person (`compare`, `narrative`, `report`);
- tools: one, `send_report` (low risk): the mail to REPORT_RECIPIENTS (`mail`);
- approval and audit: the shared runner (`mailagent.workflows.runner`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from mailagent.services.digest import AGING
from mailagent.workflows.kpi.mail import report_files, report_recipients, report_send
from mailagent.workflows.kpi.report import report_build, weeks_ending
from mailagent.workflows.kpi.sources import decision_counts, facts_read, waiting_now
from mailagent.workflows.kpi.weeks import Week, last_complete_week
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_scheduled
from mailagent.workflows.shape import Outcome, Planned

NAME = "kpi_report"
TOOLS = {"send_report": report_send}


def scheduled() -> int | None:
    """The schedule's entry (a public dotted path: rename with care)."""
    return workflow_scheduled(name=NAME)


def options_for(*, now: datetime) -> dict[str, Any]:
    return {"week": last_complete_week(timezone.localdate(now)).label}


def shadow_options(*, today: date, last: int) -> list[dict[str, Any]]:
    """The last `last` complete weeks, oldest first."""
    newest = last_complete_week(today)
    return [{"week": newest.before(n).label} for n in range(max(last, 1) - 1, -1, -1)]


def gather(*, now: datetime, options: Mapping[str, Any]) -> Outcome:
    week = Week.parse(str(options["week"]))
    tz = timezone.get_current_timezone()
    weeks = weeks_ending(week)
    facts, sales = facts_read(weeks=weeks, tz=tz)
    report = report_build(
        week=week,
        facts=facts,
        decisions=decision_counts(weeks, tz=tz),
        waiting=waiting_now(week=week, tz=tz, now=now, problems=sales.refused),
        tz=tz,
        revenue_means="; ".join(sales.means),
        aging_buckets=AGING,
    )
    to = report_recipients()
    return Outcome(
        key=week.label,
        summary=f"{week.label}: " + " ".join(report["what_changed"][:1]),
        inputs={
            "week": week.label,
            "window": f"{week.text}, in {tz}",
            "compared_with": report["compared_with"],
            "invoices": len(facts.invoices),
            "part_payments": len(facts.part_payments),
            "tickets": len(facts.tickets),
            "sales_exports": sales.files,
            "sales_exports_refused": sales.refused,
        },
        outputs=report,
        planned=[
            Planned("send_report", f"email the {week.label} report to {', '.join(to)}", {"to": to})
        ]
        if to
        else [],
        problems=[f"Sales export {p}" for p in sales.refused],
    )


def shadow_files(run: WorkflowRun, *, folder: Path) -> list[Path]:
    return report_files(run, folder=folder)
