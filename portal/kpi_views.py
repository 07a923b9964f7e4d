"""The weekly KPI report on the portal, with its history: for staff (logged in, like the
metrics page), or for one report through the signed link its mail carries. GET only: the
report changes nothing, and neither does looking at it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mailagent.workflows.kpi.charts import report_charts
from mailagent.workflows.kpi.history import report_run, report_runs
from mailagent.workflows.kpi.mail import LINK_MAX_AGE_DAYS, report_link_read
from mailagent.workflows.kpi.report import report_groups
from mailagent.workflows.models import WorkflowRun
from portal.ratelimit import rate_limited


def _page(request: HttpRequest, run: WorkflowRun | None, *, staff: bool) -> HttpResponse:
    context = {
        "business_name": settings.BUSINESS_NAME,
        "run": run,
        "r": run.outputs if run else None,
        "charts": report_charts(run.outputs) if run else [],
        "groups": report_groups(run.outputs) if run else {},
        "history": report_runs() if staff else [],
        "staff": staff,
    }
    return render(request, "portal/kpi.html", context)


@staff_member_required
@require_GET
def kpi_latest(request: HttpRequest) -> HttpResponse:
    return _page(request, report_run(), staff=True)


@staff_member_required
@require_GET
def kpi_week(request: HttpRequest, week: str) -> HttpResponse:
    run = report_run(week=week)
    if run is None:
        raise Http404("No report for that week.")
    return _page(request, run, staff=True)


@require_GET
@rate_limited
def kpi_shared(request: HttpRequest, token: str) -> HttpResponse:
    run_id = report_link_read(token)
    run = report_run(run_id=run_id) if run_id is not None else None
    if run is None:
        context = {
            "title": "This link does not open a report",
            "text": f"Report links work for {LINK_MAX_AGE_DAYS} days and only as they were "
            "mailed. Staff can read every report, old ones too, on the portal after logging in.",
        }
        return render(request, "portal/problem.html", context, status=404)
    return _page(request, run, staff=False)
