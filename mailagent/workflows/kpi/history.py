"""The reports written so far, for the portal's page: reads only."""

from __future__ import annotations

from mailagent.workflows.models import WorkflowRun

NAME = "kpi_report"


def report_runs() -> list[WorkflowRun]:
    """The latest finished report of each week, newest week first: the latest one written for
    real, or a shadow run's when there is none."""
    runs = WorkflowRun.objects.filter(workflow=NAME, status=WorkflowRun.Status.DONE)
    latest: dict[str, WorkflowRun] = {}
    for run in runs.order_by("-started_at", "-id"):
        kept = latest.get(run.key)
        if kept is None or (kept.mode == "shadow" and run.mode != "shadow"):
            latest[run.key] = run
    return sorted(latest.values(), key=lambda r: r.key, reverse=True)


def report_run(*, week: str | None = None, run_id: int | None = None) -> WorkflowRun | None:
    """One week's latest report, a report by its run's id, or (neither given) the newest."""
    runs = WorkflowRun.objects.filter(workflow=NAME, status=WorkflowRun.Status.DONE)
    if run_id is not None:
        return runs.filter(pk=run_id).first()
    reports = [r for r in report_runs() if week is None or r.key == week]
    return reports[0] if reports else None
