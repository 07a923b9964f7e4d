"""The reminder agent's decisions and words. PURE: facts and today's date in, a plan out.

One email per customer covers all their overdue invoices, net of open credits, with each number,
amount, due date and days overdue exactly as in the data. The tone escalates with the oldest
overdue invoice (friendly, firm, final), each stage once; after the final notice there are no more
drafts, only an escalation to a person. A customer never reminded before starts at most at the
firm stage: a final notice always follows an earlier reminder. Nobody is chased who is paid up,
disputing, in credit, paused, or was reminded less than the minimum gap ago.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

STAGES = ("friendly", "firm", "final")


class Action(StrEnum):
    DRAFT = "draft"
    SKIP = "skip"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class InvoiceFacts:
    number: str
    currency: str
    balance: Decimal
    due_date: date
    is_credit: bool = False
    disputed: bool = False
    paused: bool = False

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    emails: tuple[str, ...]
    invoices: tuple[InvoiceFacts, ...]
    paused_reason: str = ""
    last_stage: str = ""  # the stage of the last reminder sent
    last_sent_on: date | None = None
    pending_draft: bool = False


@dataclass(frozen=True)
class Schedule:
    """Days overdue (of the oldest invoice) at which each stage starts, and the minimum gap."""

    friendly: int = 3
    firm: int = 14
    final: int = 30
    min_gap_days: int = 7

    def stage_for(self, days: int) -> str:
        if days >= self.final:
            return "final"
        if days >= self.firm:
            return "firm"
        if days >= self.friendly:
            return "friendly"
        return ""


@dataclass(frozen=True)
class Plan:
    action: Action
    reason: str
    stage: str = ""
    overdue: tuple[InvoiceFacts, ...] = ()
    credits: tuple[InvoiceFacts, ...] = ()
    currency: str = ""
    total: Decimal = Decimal("0")


def reminder_plan(customer: CustomerFacts, *, today: date, schedule: Schedule) -> Plan:
    """What to do for one customer today, and why."""
    open_items = [i for i in customer.invoices if not i.paused]
    overdue = tuple(
        sorted(
            (
                i
                for i in open_items
                if not i.is_credit and i.balance > 0 and i.days_overdue(today) > 0
            ),
            key=lambda i: (i.due_date, i.number),
        )
    )
    credits = tuple(i for i in open_items if i.is_credit and i.balance < 0)
    if not overdue:
        return Plan(Action.SKIP, "nothing overdue")
    if customer.paused_reason:
        return Plan(Action.SKIP, f"reminders paused: {customer.paused_reason}")
    disputed = [i.number for i in customer.invoices if i.disputed]
    if disputed:
        return Plan(Action.SKIP, f"disputed: {', '.join(disputed)}")
    currencies = {i.currency for i in overdue + credits}
    if len(currencies) > 1:
        return Plan(
            Action.ESCALATE, f"invoices in several currencies ({', '.join(sorted(currencies))})"
        )
    currency = currencies.pop()
    total = sum((i.balance for i in overdue + credits), Decimal("0"))
    if total <= 0:
        return Plan(Action.SKIP, f"credits cover what is overdue (net {currency} {total:,.2f})")
    if customer.pending_draft:
        return Plan(Action.SKIP, "a reminder is already waiting for approval")
    days = overdue[0].days_overdue(today)
    stage = schedule.stage_for(days)
    if not stage:
        return Plan(Action.SKIP, f"oldest invoice only {days} day(s) overdue")
    if customer.last_sent_on and (today - customer.last_sent_on).days < schedule.min_gap_days:
        gap = (today - customer.last_sent_on).days
        return Plan(Action.SKIP, f"reminded {gap} day(s) ago (minimum gap {schedule.min_gap_days})")
    plan = dict(overdue=overdue, credits=credits, currency=currency, total=total)
    if customer.last_stage == "final":
        return Plan(Action.ESCALATE, "the final notice went unanswered", stage="final", **plan)
    if customer.last_stage and STAGES.index(stage) <= STAGES.index(customer.last_stage):
        stage = STAGES[STAGES.index(customer.last_stage) + 1]
    elif not customer.last_stage and stage == "final":
        # A final notice follows an earlier reminder; someone first chased long after the due
        # date gets a firm one, and the final notice after the minimum gap.
        stage = "firm"
    if not customer.emails:
        return Plan(Action.ESCALATE, "no email address on file", stage=stage, **plan)
    return Plan(Action.DRAFT, f"{stage} reminder, {days} days overdue", stage=stage, **plan)


def money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


_OPENING = {
    "friendly": (
        "This is a friendly reminder that the following {invoices} now past due. If you have "
        "already paid, thank you, and please ignore this message."
    ),
    "firm": (
        "Our records show the following {invoices} still unpaid, the oldest now more than two "
        "weeks past due. Please arrange payment, or let us know if there is a problem we can "
        "help with."
    ),
    "final": (
        "This is a final notice about the following {invoices} unpaid, the oldest now more than "
        "a month past due. Please pay the balance now, or reply to this email today to discuss it."
    ),
}
_SUBJECT = {
    "friendly": "Payment reminder",
    "firm": "Second reminder: payment overdue",
    "final": "Final notice: payment overdue",
}


def reminder_subject(plan: Plan, *, business: str) -> str:
    numbers = ", ".join(i.number for i in plan.overdue)
    label = "invoice" if len(plan.overdue) == 1 else "invoices"
    return f"{_SUBJECT[plan.stage]}: {label} {numbers} ({business})"


def reminder_text(plan: Plan, *, customer_name: str, business: str, today: date) -> str:
    """The reminder email. Every figure comes from the data, formatted one way."""
    phrase = "invoice is" if len(plan.overdue) == 1 else "invoices are"
    lines = [f"Dear {customer_name},", "", _OPENING[plan.stage].format(invoices=phrase), ""]
    for inv in plan.overdue:
        lines.append(
            f"  Invoice {inv.number}: {money(inv.balance, inv.currency)}, due "
            f"{inv.due_date:%d %b %Y}, {inv.days_overdue(today)} days overdue"
        )
    for credit in plan.credits:
        lines.append(
            f"  Credit {credit.number}: {money(credit.balance, credit.currency)}, "
            f"dated {credit.due_date:%d %b %Y}"
        )
    lines += ["", f"  Total now due: {money(plan.total, plan.currency)}", ""]
    lines += [
        "If anything here looks wrong, reply to this email and a person will look into it.",
        "",
        "Kind regards,",
        business,
    ]
    return "\n".join(lines)


_AMOUNT = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])")


def reminder_problems(
    text: str, plan: Plan, *, other_numbers: frozenset[str] = frozenset()
) -> list[str]:
    """Why a reminder must not be saved: an invoice number or amount in the text that is not
    exactly one of this customer's, or one of theirs that is missing."""
    problems = []
    allowed = {abs(i.balance) for i in plan.overdue + plan.credits} | {plan.total}
    allowed |= {i.balance for i in plan.credits}
    for found in _AMOUNT.findall(text):
        if Decimal(found.replace(",", "")) not in allowed:
            problems.append(f"amount {found} is not one of the customer's balances or the total")
    for inv in plan.overdue + plan.credits:
        if not re.search(rf"(?<![\w-]){re.escape(inv.number)}(?![\w-])", text):
            problems.append(f"invoice {inv.number} is missing")
        elif money(inv.balance, inv.currency) not in text:
            problems.append(f"invoice {inv.number} does not show its balance exactly")
    ours = {i.number for i in plan.overdue + plan.credits}
    for number in sorted(other_numbers - ours):
        if re.search(rf"(?<![\w-]){re.escape(number)}(?![\w-])", text):
            problems.append(f"invoice {number} belongs to someone else")
    if money(plan.total, plan.currency) not in text:
        problems.append("the total due is missing or wrong")
    return problems
