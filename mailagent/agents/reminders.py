"""The reminder agent's decisions and words. PURE: facts and today's date in, a plan out.

One email per customer covers all their overdue invoices, net of open credits, with each number,
amount, due date and days overdue exactly as in the data, and a total per currency (amounts in two
currencies are never added up). The tone escalates with the oldest overdue invoice (friendly,
firm, final), each stage once; after the final notice there are no more drafts, only an
escalation to a person. A customer never reminded before starts at most at the firm stage: a
final notice always follows an earlier reminder. Nobody is chased who is paid up, disputing, in
credit, paused, or was reminded less than the minimum gap ago.

What a reminder says about the business's own conduct is true: "second", "again", "as we wrote
on ..." appear only when an earlier reminder was sent (accepted by the mail server) and is on the
record with its date (`CustomerFacts.history`). A first contact is worded as one, however long
the invoice is overdue; one past `Schedule.first_contact_escalate_days` goes to a person first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel.numbers import list_currencies

from mailagent.amounts import money

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
class SentReminder:
    """A reminder that went out: the server accepted it, and the record says when."""

    stage: str
    sent_on: date


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    emails: tuple[str, ...]
    invoices: tuple[InvoiceFacts, ...]
    paused_reason: str = ""
    #: The reminders sent to this customer, oldest first. Only these may be spoken of.
    history: tuple[SentReminder, ...] = ()
    pending_draft: bool = False

    @property
    def last_stage(self) -> str:
        return self.history[-1].stage if self.history else ""

    @property
    def last_sent_on(self) -> date | None:
        return self.history[-1].sent_on if self.history else None


@dataclass(frozen=True)
class Schedule:
    """Days overdue (of the oldest invoice) at which each stage starts, and the minimum gap."""

    friendly: int = 3
    firm: int = 14
    final: int = 30
    min_gap_days: int = 7
    #: A customer never reminded before whose oldest invoice is this many days overdue is a
    #: person's call: a first letter that late is a conversation, not a form.
    first_contact_escalate_days: int = 90

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
    #: What is due, per currency, net of that currency's credits: never a sum across currencies.
    totals: tuple[tuple[str, Decimal], ...] = ()
    #: The reminders sent before this one, oldest first: all that the text may claim.
    history: tuple[SentReminder, ...] = ()

    @property
    def first_contact(self) -> bool:
        return not self.history


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
    overdue, credits, totals, covered = _per_currency(overdue, credits)
    if not totals:
        return Plan(Action.SKIP, f"credits cover what is overdue ({'; '.join(covered)})")
    if customer.pending_draft:
        return Plan(Action.SKIP, "a reminder is already waiting for approval")
    days = overdue[0].days_overdue(today)
    stage = schedule.stage_for(days)
    if not stage:
        return Plan(Action.SKIP, f"oldest invoice only {days} day(s) overdue")
    if customer.last_sent_on and (today - customer.last_sent_on).days < schedule.min_gap_days:
        gap = (today - customer.last_sent_on).days
        return Plan(Action.SKIP, f"reminded {gap} day(s) ago (minimum gap {schedule.min_gap_days})")
    plan = dict(overdue=overdue, credits=credits, totals=totals, history=customer.history)
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
    if not customer.history and days >= schedule.first_contact_escalate_days:
        return Plan(
            Action.ESCALATE,
            f"never reminded before and the oldest invoice is {days} days overdue (a first "
            f"contact from {schedule.first_contact_escalate_days} days is a person's call)",
            stage=stage,
            **plan,
        )
    before = f"{len(customer.history)} sent before" if customer.history else "a first contact"
    return Plan(
        Action.DRAFT, f"{stage} reminder, {days} days overdue, {before}", stage=stage, **plan
    )


def _per_currency(overdue, credits):
    """Overdue invoices and credits grouped by currency; a currency whose credits cover what is
    overdue in it drops out (a euro credit never pays a dollar invoice)."""
    kept_overdue, kept_credits, totals, covered = [], [], [], []
    for currency in sorted({i.currency for i in overdue}):
        due = [i for i in overdue if i.currency == currency]
        offsets = [c for c in credits if c.currency == currency]
        net = sum((i.balance for i in due + offsets), Decimal("0"))
        if net <= 0:
            covered.append(f"net {money(net, currency)}")
            continue
        kept_overdue += due
        kept_credits += offsets
        totals.append((currency, net))
    order = {i: n for n, i in enumerate(overdue)}
    kept_overdue.sort(key=order.__getitem__)
    return tuple(kept_overdue), tuple(kept_credits), tuple(totals), covered


# Openings never claim an earlier reminder: what was sent before is said in `_history_line`, from
# the record, with its dates. Figures are the plan's, never a description such as "two weeks".
_OPENING = {
    "friendly": (
        "This is a friendly reminder that the following {invoices} now past due. If you have "
        "already paid, thank you, and please ignore this message."
    ),
    "firm": (
        "Our records show the following {invoices} unpaid, the oldest now {days} days past due. "
        "Please arrange payment, or let us know if there is a problem we can help with."
    ),
    "final": (
        "This is a final notice about the following {invoices} unpaid, the oldest now {days} "
        "days past due. Please pay the balance now, or reply to this email today to discuss it."
    ),
}


def _subject_label(plan: Plan) -> str:
    if plan.stage == "final":
        return "Final notice: payment overdue"
    if plan.first_contact:
        return "Payment reminder" if plan.stage == "friendly" else "Payment overdue"
    if len(plan.history) == 1:
        return "Second reminder: payment overdue"
    return "Further reminder: payment overdue"


def reminder_subject(plan: Plan, *, business: str) -> str:
    numbers = ", ".join(i.number for i in plan.overdue)
    label = "invoice" if len(plan.overdue) == 1 else "invoices"
    return f"{_subject_label(plan)}: {label} {numbers} ({business})"


def _day(value: date) -> str:
    return f"{value:%d %b %Y}"


def _history_line(plan: Plan) -> list[str]:
    if plan.first_contact:
        return []
    dates = [_day(r.sent_on) for r in plan.history]
    said = dates[0] if len(dates) == 1 else f"{', '.join(dates[:-1])} and {dates[-1]}"
    about = "this" if len(plan.overdue) == 1 else "these"
    return [f"We wrote to you about {about} on {said}.", ""]


def reminder_text(plan: Plan, *, customer_name: str, business: str, today: date) -> str:
    """The reminder email. Every figure comes from the data, formatted one way."""
    phrase = "invoice is" if len(plan.overdue) == 1 else "invoices are"
    days = plan.overdue[0].days_overdue(today)
    opening = _OPENING[plan.stage].format(invoices=phrase, days=days)
    lines = [f"Dear {customer_name},", "", *_history_line(plan), opening, ""]
    for inv in plan.overdue:
        lines.append(
            f"  Invoice {inv.number}: {money(inv.balance, inv.currency)}, due "
            f"{_day(inv.due_date)}, {inv.days_overdue(today)} days overdue"
        )
    for credit in plan.credits:
        lines.append(
            f"  Credit {credit.number}: {money(credit.balance, credit.currency)}, "
            f"dated {_day(credit.due_date)}"
        )
    lines.append("")
    for currency, total in plan.totals:
        label = "Total now due" if len(plan.totals) == 1 else f"Total now due in {currency}"
        lines.append(f"  {label}: {money(total, currency)}")
    lines += [
        "",
        "If anything here looks wrong, reply to this email and a person will look into it.",
        "",
        "Kind regards,",
        business,
    ]
    return "\n".join(lines)


# Any amount: with a currency code before it (what the text must always write), or bare.
# They are found as in every other draft: one rule for what an amount or a date is.
# (Imported here, beside the validator that uses them.)
from mailagent.agents.datefinders import take_dates  # noqa: E402
from mailagent.agents.factfinders import Scan, mentions, take_figures, take_money  # noqa: E402

# Every code babel knows counts as a currency here, as it always has.
_ISO_CODES = frozenset(list_currencies())
# Words that speak of an earlier reminder: true only when one was sent and is on the record.
_HISTORY_CLAIMS = re.compile(
    r"\b(second|third|again|further reminder|another reminder|final notice|last reminder|"
    r"we wrote|as we (?:said|wrote|mentioned)|previous(?:ly)?|earlier (?:reminder|letter|email|"
    r"message|notice)|(?:already|recently) (?:reminded|wrote|written|sent|contacted)|"
    r"reminded you|still (?:unpaid|outstanding|due|open|overdue|not paid|awaiting))\b",
    re.IGNORECASE,
)


def reminder_problems(
    text: str, plan: Plan, *, other_numbers: frozenset[str] = frozenset()
) -> list[str]:
    """Why a reminder (subject and body) must not be saved: an invoice number, amount, currency
    or date that is not exactly the data's, a figure of theirs missing, or a word about an
    earlier reminder that the record of sent mail does not bear out."""
    return (
        _amount_problems(text, plan)
        + _invoice_problems(text, plan, other_numbers)
        + _date_problems(text, plan)
        + history_problems(text, plan.history, final=plan.stage == "final")
    )


def _amount_problems(text: str, plan: Plan) -> list[str]:
    problems = []
    items = plan.overdue + plan.credits
    allowed = {(i.currency, abs(i.balance)) for i in items} | {
        (i.currency, i.balance) for i in items
    }
    allowed |= set(plan.totals)
    scan = Scan(text)
    take_dates(scan)  # "14 Oct 2026" holds no amount
    currencies = {i.currency for i in items}
    for found in take_money(scan, language="en", currencies=currencies, codes=_ISO_CODES):
        if (found.currency, found.value) not in allowed:
            problems.append(
                f"{found.currency} {found.figure} is not one of the customer's balances or totals"
            )
    for figure in take_figures(scan):
        problems.append(f"the amount {figure} is written without its currency")
    for currency, total in plan.totals:
        if money(total, currency) not in text:
            problems.append(f"the total due in {currency} is missing or wrong")
    return problems


def _invoice_problems(text: str, plan: Plan, other_numbers: frozenset[str]) -> list[str]:
    problems = []
    for inv in plan.overdue + plan.credits:
        if not mentions(inv.number, text):
            problems.append(f"invoice {inv.number} is missing")
        elif money(inv.balance, inv.currency) not in text:
            problems.append(f"invoice {inv.number} does not show its balance exactly")
    ours = {i.number for i in plan.overdue + plan.credits}
    for number in sorted(other_numbers - ours):
        if mentions(number, text):
            problems.append(f"invoice {number} belongs to someone else")
    return problems


def _date_problems(text: str, plan: Plan) -> list[str]:
    known = {i.due_date for i in plan.overdue + plan.credits}
    known |= {r.sent_on for r in plan.history}
    return [
        f"the date {d.literal} is not in the data"
        for d in take_dates(Scan(text))
        if d.value not in known
    ]


def history_problems(
    text: str, history: tuple[SentReminder, ...], *, final: bool = False
) -> list[str]:
    """Claims about earlier reminders that the sent mail does not bear out."""
    claims = {m.group(0).lower() for m in _HISTORY_CLAIMS.finditer(text)}
    if not history:
        return [f"says {c!r}, but no reminder was sent before" for c in sorted(claims)]
    problems = []
    if "final notice" in claims and not final:
        problems.append("says 'final notice' in a reminder that is not the final one")
    if "second" in claims and len(history) != 1:
        problems.append(f"says 'second', but {len(history)} reminders were sent before")
    if "third" in claims and len(history) != 2:
        problems.append(f"says 'third', but {len(history)} reminders were sent before")
    return problems
