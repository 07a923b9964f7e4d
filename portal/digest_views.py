"""The digest's approve-all link and the staff metrics page. A GET only shows; a POST with the
CSRF token acts. Each view checks, calls one service and renders."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mailagent.services.batch_approvals import (
    BatchCheck,
    BatchState,
    batch_approve,
    batch_link_check,
)
from mailagent.services.metrics import WORKFLOWS, metrics_weekly
from portal.charts import grouped_bars
from portal.ratelimit import rate_limited

BATCH_PROBLEMS: dict[BatchState, tuple[int, str, str]] = {
    BatchState.TAMPERED: (
        400,
        "This link is not valid",
        "The link is incomplete or was changed. Open it again from the digest, copying the whole "
        "address. Nothing was approved.",
    ),
    BatchState.EXPIRED: (
        410,
        "This link has expired",
        "An approve-all link works for {hours} hours. Nothing was approved; use the links in the "
        "next digest, or each draft's own link.",
    ),
    BatchState.USED: (
        410,
        "This link has already been used",
        "An approve-all link works once. The drafts it listed are shown below as they are now; "
        "nothing was changed by opening this page.",
    ),
}


def _batch_problem(request: HttpRequest, check: BatchCheck) -> HttpResponse:
    status, title, text = BATCH_PROBLEMS[check.state]
    context = {
        "title": title,
        "text": text.format(hours=settings.APPROVE_ALL_MAX_AGE_HOURS),
        "state": check.state.value,
        "check": check,
    }
    return render(request, "portal/approve_all_problem.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited
def approve_all(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        check = batch_approve(token=token)
        if not check.ok:
            return _batch_problem(request, check)
        response = redirect("portal:approve_all_done", token=token)
        response.status_code = 303  # See Other: the browser GETs the outcome page
        return response
    check = batch_link_check(token=token)
    if not check.ok:
        return _batch_problem(request, check)
    return render(request, "portal/approve_all.html", {"check": check})


@require_GET
@rate_limited
def approve_all_done(request: HttpRequest, token: str) -> HttpResponse:
    check = batch_link_check(token=token)
    if check.state is BatchState.OK:
        return redirect("portal:approve_all", token=token)
    if check.state is not BatchState.USED:
        return _batch_problem(request, check)
    return render(request, "portal/approve_all_done.html", {"check": check})


@staff_member_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    try:
        weeks = min(max(int(request.GET.get("weeks", 8)), 1), 26)
    except ValueError:
        weeks = 8
    report = metrics_weekly(today=timezone.localdate(), weeks=weeks)
    labels = [w.split("-")[1] for w in report.weeks]

    def series(figure: str, scale: float = 1) -> dict[str, list[float | None]]:
        values = {
            w: [getattr(report.row(w, week), figure) for week in report.weeks] for w in WORKFLOWS
        }
        return {w: [None if v is None else v * scale for v in vs] for w, vs in values.items()}

    charts = [
        grouped_bars("Minutes saved", labels, series("minutes_saved")),
        grouped_bars("Drafts sent", labels, series("sent")),
        grouped_bars("Edited or rejected (%)", labels, series("error_rate", 100), fmt="{:.0f}%"),
        grouped_bars("Escalated (%)", labels, series("escalation_rate", 100), fmt="{:.0f}%"),
    ]
    weeks_rows = [
        (week, [report.row(w, week) for w in WORKFLOWS]) for week in reversed(report.weeks)
    ]
    context = {
        "report": report,
        "charts": charts,
        "weeks_rows": weeks_rows,
        "workflows": WORKFLOWS,
        "totals": [report.totals[w] for w in WORKFLOWS],
        "business_name": settings.BUSINESS_NAME,
        "minutes": {
            "reply": settings.MINUTES_SAVED_PER_REPLY,
            "reminder": settings.MINUTES_SAVED_PER_REMINDER,
            "triage": settings.MINUTES_SAVED_PER_TRIAGE,
        },
    }
    return render(request, "portal/metrics.html", context)
