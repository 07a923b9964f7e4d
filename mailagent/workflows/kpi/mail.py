"""The report as mail (HTML with inline SVG charts, and plain text), the one tool the workflow
has: sending it to REPORT_RECIPIENTS through the outbox or SMTP like every notice to staff. Also
the files a shadow run writes instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string

from mailagent.models import OutboundEmail
from mailagent.services.digest import digest_recipients
from mailagent.services.outbound import notice_send
from mailagent.workflows.kpi.charts import report_charts
from mailagent.workflows.kpi.report import report_groups
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.shape import Decision, Planned

# Its own kind, apart from the digest's: the last digest sent marks where the next one starts.
REPORT_KIND = OutboundEmail.Kind.REPORT
LINK_SALT = "portal.kpi-report.v1"
LINK_MAX_AGE_DAYS = 35  # a month of Mondays, and the week after


def report_recipients() -> list[str]:
    return list(settings.REPORT_RECIPIENTS or digest_recipients())


def report_link(run: WorkflowRun) -> str:
    """A link to this one report on the portal, signed so that a recipient without a staff
    login may read it (and only it) for LINK_MAX_AGE_DAYS days."""
    token = signing.dumps({"r": run.pk}, salt=LINK_SALT, compress=True)
    return f"{settings.PORTAL_BASE_URL}/kpi/r/{token}/"


def report_link_read(token: str) -> int | None:
    """The run a report link names, or None when it is forged or too old."""
    try:
        return int(signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE_DAYS * 86400)["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def report_subject(report: dict) -> str:
    return f"{settings.BUSINESS_NAME} weekly report, {report['week']} ({report['week_text']})"


def _context(run: WorkflowRun, report: dict) -> dict[str, Any]:
    return {
        "r": report,
        "groups": report_groups(report),
        "charts": report_charts(report),
        "business_name": settings.BUSINESS_NAME,
        "link": report_link(run) if run.pk else "",
        "shadow": run.mode == "shadow",
    }


def report_text(run: WorkflowRun) -> str:
    return render_to_string("portal/email/kpi_report.txt", _context(run, run.outputs))


def report_html(run: WorkflowRun) -> str:
    return render_to_string("portal/email/kpi_report.html", _context(run, run.outputs))


def report_send(planned: Planned, *, run: WorkflowRun, decision: Decision) -> dict[str, Any]:
    """Send the report to each recipient. Low risk: it only tells staff what the data says."""
    sent = []
    for recipient in planned.payload["to"]:
        mail = notice_send(
            kind=REPORT_KIND,
            to=[recipient],
            subject=report_subject(run.outputs),
            body=report_text(run),
            html=report_html(run),
        )
        sent.append({"to": recipient, "status": mail.status, "message_id": mail.message_id})
    return {"sent": sent}


def report_files(run: WorkflowRun, *, folder: Path) -> list[Path]:
    """A shadow run's report, as the mail would have been: HTML and plain text."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"kpi-report-{run.key}-{run.started_at:%Y%m%d-%H%M%S}"
    html, text = folder / f"{stem}.html", folder / f"{stem}.txt"
    html.write_text(report_html(run), encoding="utf-8")
    text.write_text(report_text(run), encoding="utf-8")
    return [html, text]
