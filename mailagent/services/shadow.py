"""Shadow mode on past mail: what the agent would have done with the last N messages and with the
current invoices. It reads, decides and reports; it stores nothing as pending and sends nothing.

Nothing here writes to the database or hands anything to a mail transport; the report is two
files (HTML for people, CSV for spreadsheets).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from mailagent.agents.base import triage_backend
from mailagent.agents.reminders import Action, reminder_plan, reminder_text
from mailagent.csvsafe import safe_writer
from mailagent.errors import UserInputError
from mailagent.integrations.sources import MailSource
from mailagent.models import Customer, Invoice
from mailagent.parsing.email import parse_email
from mailagent.services.lookups import customer_lookup
from mailagent.services.processing.decide import proposal_assess
from mailagent.services.processing.place import staff_directory, triage_context
from mailagent.services.reminders import customer_facts, reminder_schedule
from mailagent.types import ParsedEmail, TriageContext


@dataclass(frozen=True)
class ShadowRow:
    workflow: str
    key: str
    who: str
    subject: str
    outcome: str
    category: str = ""
    risk: str = ""
    needs_person: bool = False
    why: str = ""
    draft: str = ""


@dataclass
class ShadowReport:
    source: str
    created_at: datetime
    rows: list[ShadowRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.outcome] = out.get(row.outcome, 0) + 1
        return out


def shadow_run(*, source: MailSource, last: int, today: date) -> ShadowReport:
    report = ShadowReport(source=source.name, created_at=timezone.now())
    keys = list(source.keys())[-last:] if last > 0 else []
    settled: list[ShadowRow | tuple[str, ParsedEmail, TriageContext]] = []
    for message in source.fetch(keys):
        try:
            parsed = parse_email(message.raw, staff=staff_directory())
        except UserInputError as exc:
            settled.append(ShadowRow("reply", message.key, "?", "", "quarantine", why=str(exc)))
            continue
        settled.append(_settle(message.key, parsed))
    # Only the model calls run side by side; database reads stay on this thread.
    backend = triage_backend(settings.AGENT_MODEL)
    with ThreadPoolExecutor(max_workers=max(1, settings.MODEL_CONCURRENCY)) as pool:
        report.rows += list(pool.map(lambda item: _decide(item, backend), settled))
    report.rows += _reminder_rows(today)
    return report


def _settle(key: str, parsed: ParsedEmail) -> ShadowRow | tuple[str, ParsedEmail, TriageContext]:
    """A row for mail no agent would touch, or what the agent would be given."""
    who, subject = parsed.customer.email, parsed.subject
    if parsed.is_automatic or parsed.sender.email == settings.AGENT_EMAIL.lower():
        return ShadowRow("reply", key, who, subject, "ignore (automatic)", why=parsed.automatic)
    if parsed.forwarded_by is None and parsed.from_staff:
        return ShadowRow("reply", key, who, subject, "leave for a person", why="from staff")
    _customer, account = customer_lookup(who)
    return key, parsed, triage_context(parsed, ticket=None, account=account)


def _decide(item, backend) -> ShadowRow:
    if isinstance(item, ShadowRow):
        return item
    key, parsed, context = item
    proposal = backend.triage(context)
    assessment = proposal_assess(proposal, parsed)
    drafted = assessment.may_draft
    return ShadowRow(
        "reply",
        key,
        parsed.customer.email,
        parsed.subject,
        "draft a reply" if drafted else "escalate to a person",
        category=proposal.category.value,
        risk=assessment.tier.value,
        needs_person=not drafted,
        why="; ".join(assessment.reasons),
        draft=proposal.draft_body if drafted else "",
    )


def _reminder_rows(today: date) -> list[ShadowRow]:
    rows = []
    schedule = reminder_schedule()
    customers = Customer.objects.filter(invoices__status=Invoice.Status.OPEN).distinct()
    for customer in customers.order_by("name"):
        plan = reminder_plan(customer_facts(customer), today=today, schedule=schedule)
        text = ""
        if plan.action is Action.DRAFT:
            text = reminder_text(
                plan,
                customer_name=customer.contact_name or customer.name,
                business=settings.BUSINESS_NAME,
                today=today,
            )
        rows.append(
            ShadowRow(
                "reminder",
                customer.name,
                ", ".join(customer.emails) or "(no email)",
                f"{plan.stage} reminder" if plan.stage else "",
                {
                    "draft": "draft a reminder",
                    "skip": "nothing",
                    "escalate": "escalate to a person",
                }[plan.action.value],
                risk="medium" if plan.action is not Action.SKIP else "",
                needs_person=plan.action is Action.ESCALATE,
                why=plan.reason,
                draft=text,
            )
        )
    return rows


COLUMNS = ("workflow", "key", "who", "subject", "outcome", "category", "risk", "needs_person",
           "why", "draft")  # fmt: skip


def shadow_write(report: ShadowReport, *, folder: Path) -> tuple[Path, Path]:
    """Write the report as HTML and CSV; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"shadow-{report.created_at:%Y%m%d-%H%M%S}"
    buffer = io.StringIO()
    # Names, subjects and drafts come from outside: no cell may run as a spreadsheet formula.
    writer = safe_writer(buffer)
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow([getattr(row, c) for c in COLUMNS])
    csv_path, html_path = folder / f"{stem}.csv", folder / f"{stem}.html"
    csv_path.write_text(buffer.getvalue(), encoding="utf-8")
    html = render_to_string(
        "portal/shadow_report.html",
        {"report": report, "business_name": settings.BUSINESS_NAME},
    )
    html_path.write_text(html, encoding="utf-8")
    return html_path, csv_path
