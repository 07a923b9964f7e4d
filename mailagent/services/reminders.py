"""Reminder drafts for overdue invoices, one per customer, validated before they are saved.

`reminders_run` is what `python manage.py remind` and the weekday schedule call. It decides per
customer with the pure `reminder_plan`, writes the draft, checks every number in it with
`reminder_problems`, and only then saves it to wait for approval like any other draft.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from mailagent.agents.reminders import (
    Action,
    CustomerFacts,
    InvoiceFacts,
    Plan,
    Schedule,
    SentReminder,
    reminder_plan,
    reminder_problems,
    reminder_subject,
    reminder_text,
)
from mailagent.conf import Mode
from mailagent.models import Customer, Draft, Invoice, OutboundEmail, Ticket
from mailagent.services.audit import AGENT, audit_record
from mailagent.services.drafts import draft_create
from mailagent.types import Category, Tier


@dataclass(frozen=True)
class CustomerResult:
    customer: str
    action: str
    reason: str
    draft_id: int | None = None


def reminder_schedule() -> Schedule:
    return Schedule(
        friendly=settings.REMINDER_FRIENDLY_DAYS,
        firm=settings.REMINDER_FIRM_DAYS,
        final=settings.REMINDER_FINAL_DAYS,
        min_gap_days=settings.REMINDER_MIN_GAP_DAYS,
        first_contact_escalate_days=settings.REMINDER_FIRST_CONTACT_ESCALATE_DAYS,
    )


def customer_facts(customer: Customer) -> CustomerFacts:
    open_invoices = customer.invoices.filter(
        status__in=[Invoice.Status.OPEN, Invoice.Status.DISPUTED]
    )
    invoices = tuple(
        InvoiceFacts(
            number=i.number,
            currency=i.currency,
            balance=i.balance,
            due_date=i.due_date,
            is_credit=i.kind == Invoice.Kind.CREDIT,
            disputed=i.status == Invoice.Status.DISPUTED,
            paused=i.reminders_paused,
        )
        for i in open_invoices
    )
    # Only what the mail server accepted counts as sent: a reminder deferred, failed or of unknown
    # delivery is no earlier letter the next one may speak of.
    sent = customer.drafts.filter(
        kind=Draft.Kind.REMINDER, status=Draft.Status.SENT, sent_at__isnull=False
    ).order_by("sent_at")
    history = tuple(
        SentReminder(stage=d.reminder_stage, sent_on=timezone.localdate(d.sent_at)) for d in sent
    )
    return CustomerFacts(
        name=customer.name,
        emails=tuple(customer.emails),
        invoices=invoices,
        paused_reason=customer.paused_reason if customer.reminders_paused else "",
        history=history,
        pending_draft=customer.drafts.filter(
            kind=Draft.Kind.REMINDER,
            status__in=[*Draft.IN_FLIGHT, Draft.Status.PENDING, Draft.Status.APPROVED],
        ).exists(),
    )


def reminders_run(*, today: date) -> list[CustomerResult]:
    """Draft whatever reminders are due today; say per customer what was done and why.

    With REMINDER_MODE=shadow it only records what it would have done; with off, nothing."""
    if settings.REMINDER_MODE is Mode.OFF:
        return []
    schedule = reminder_schedule()
    started = timezone.now()
    results = []
    customers = Customer.objects.filter(invoices__status=Invoice.Status.OPEN).distinct()
    for customer in customers.order_by("name"):
        plan = reminder_plan(customer_facts(customer), today=today, schedule=schedule)
        if settings.REMINDER_MODE is Mode.SHADOW and plan.action is not Action.SKIP:
            results.append(_shadow(customer, plan, today=today))
        elif plan.action is Action.DRAFT:
            results.append(_draft(customer, plan, today=today, started=started))
        elif plan.action is Action.ESCALATE:
            results.append(_escalate(customer, plan))
        else:
            results.append(CustomerResult(customer.name, "skipped", plan.reason))
    return results


def _draft(customer: Customer, plan: Plan, *, today: date, started: datetime) -> CustomerResult:
    body = reminder_text(
        plan,
        customer_name=customer.contact_name or customer.name,
        business=settings.BUSINESS_NAME,
        today=today,
    )
    subject = reminder_subject(plan, business=settings.BUSINESS_NAME)
    others = frozenset(Invoice.objects.exclude(customer=customer).values_list("number", flat=True))
    problems = reminder_problems(f"{subject}\n{body}", plan, other_numbers=others)
    if problems:
        # Not saved: a person writes this one, with the reason in front of them.
        audit_record(
            action="reminder.invalid",
            obj=customer,
            summary=f"Reminder not saved: {'; '.join(problems)}"[:500],
            problems=problems,
            text=body,
        )
        reason = f"the reminder draft failed its checks: {'; '.join(problems)}"
        return _escalate(customer, replace(plan, action=Action.ESCALATE, reason=reason[:480]))
    with transaction.atomic():
        draft = draft_create(
            ticket=None,
            kind=Draft.Kind.REMINDER,
            to=list(customer.emails),
            subject=subject,
            body=body,
            risk=Tier.MEDIUM,
            actor=AGENT,
            triggered_at=started,
        )
        draft.customer, draft.reminder_stage = customer, plan.stage
        draft.save(update_fields=["customer", "reminder_stage"])
        numbers = [i.number for i in plan.overdue + plan.credits]
        draft.invoices.set(Invoice.objects.filter(number__in=numbers))
        audit_record(
            action="reminder.drafted",
            obj=draft,
            summary=f"{plan.stage.capitalize()} reminder to {customer.name}: {plan.reason}",
            checked=numbers,
            totals={currency: str(total) for currency, total in plan.totals},
            earlier_reminders=[str(r.sent_on) for r in plan.history],
        )
    return CustomerResult(customer.name, f"drafted {plan.stage}", plan.reason, draft.pk)


def _shadow(customer: Customer, plan: Plan, *, today: date) -> CustomerResult:
    text = ""
    if plan.action is Action.DRAFT:
        text = reminder_text(
            plan,
            customer_name=customer.contact_name or customer.name,
            business=settings.BUSINESS_NAME,
            today=today,
        )
    audit_record(
        action=f"shadow.would_{'remind' if text else 'escalate'}",
        obj=customer,
        summary=f"REMINDER_MODE=shadow: would {plan.action} ({plan.reason})"[:500],
        recommended=text,
        stage=plan.stage,
    )
    return CustomerResult(customer.name, f"shadow: would {plan.action}", plan.reason)


def _escalate(customer: Customer, plan: Plan) -> CustomerResult:
    """No more drafts: a person takes over, and the sequence pauses until they resume it."""
    from mailagent.services.outbound import notice_send

    with transaction.atomic():
        ticket = Ticket.objects.create(
            subject=f"Overdue account needs a person: {customer.name}",
            customer_email=customer.emails[0] if customer.emails else "",
            customer_name=customer.name,
            customer=customer,
            status=Ticket.Status.ESCALATED,
            category=Category.INVOICE_QUESTION,
            risk=Tier.MEDIUM,
            needs_human=True,
            human_reason=plan.reason,
            summary=f"{customer.name}: {plan.reason}",
        )
        customer.reminders_paused = True
        customer.paused_reason = f"escalated to a person: {plan.reason}"
        customer.save(update_fields=["reminders_paused", "paused_reason", "updated_at"])
        audit_record(
            action="reminder.escalated",
            obj=ticket,
            summary=f"{customer.name}: {plan.reason}",
            overdue=[i.number for i in plan.overdue],
            totals={currency: str(total) for currency, total in plan.totals},
        )
    context = {
        "customer": customer,
        "plan": plan,
        "ticket": ticket,
        "portal": settings.PORTAL_BASE_URL,
    }
    transaction.on_commit(
        lambda: notice_send(
            kind=OutboundEmail.Kind.ESCALATION,
            to=list(settings.APPROVER_EMAILS),
            subject=f"[Needs a person] Overdue account: {customer.name}",
            body=render_to_string("portal/email/reminder_escalation.txt", context),
            ticket=ticket,
        ),
        robust=True,
    )
    return CustomerResult(customer.name, "escalated", plan.reason)


def customer_reply_pause(*, customer: Customer, reason: str) -> None:
    """A customer answered: stop chasing them until a person resumes it."""
    if customer.reminders_paused:
        return
    customer.reminders_paused, customer.paused_reason = True, reason[:500]
    customer.save(update_fields=["reminders_paused", "paused_reason", "updated_at"])
    audit_record(action="reminder.paused", obj=customer, summary=reason[:500])


def reminders_pause_set(
    *, obj: Customer | Invoice, paused: bool, actor: str, reason: str = ""
) -> bool:
    """Pause or resume reminders for a customer or one invoice. False when nothing changed."""
    if obj.reminders_paused == paused:
        return False
    obj.reminders_paused = paused
    fields = ["reminders_paused", "updated_at"]
    if isinstance(obj, Customer):
        obj.paused_reason = (reason or f"paused by {actor}")[:500] if paused else ""
        fields.append("paused_reason")
    obj.save(update_fields=fields)
    audit_record(
        action="reminder.paused" if paused else "reminder.resumed",
        obj=obj,
        actor=actor,
        summary=f"Reminders {'paused' if paused else 'resumed'} for {obj}"
        + (f": {reason}" if reason else ""),
    )
    return True
