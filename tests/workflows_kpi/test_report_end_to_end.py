"""The Monday report, end to end: five weeks of real-shaped exports, mail and orders in, the mail
the SMTP server receives out, every figure equal to the one worked out independently."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.management import call_command

from mailagent.models import (
    AuditEvent,
    Customer,
    Draft,
    ImportRun,
    InboundEmail,
    Invoice,
    OutboundEmail,
    Ticket,
)
from mailagent.workflows.models import WorkflowRun
from tests.workflows_kpi import expected
from tests.workflows_kpi.conftest import RECIPIENTS
from tests.workflows_kpi.history import WEEK, at

pytestmark = pytest.mark.django_db
WEEKS = ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]


def monday_report(smtp_server) -> list:
    with time_machine.travel(at("2026-11-30", "08:00"), tick=False):
        call_command("kpi_report")
    return [m for m in smtp_server.messages() if "weekly report" in m["Subject"]]


def plain_line(plain: str, name: str) -> list[str]:
    """A figure's line of the plain-text mail: this week | last week | average [| change]."""
    found = re.search(rf"^- {re.escape(name)}: ([^|\n]+\|.+)$", plain, re.MULTILINE)
    assert found, f"no line for {name!r} in the mail"
    return [part.strip() for part in found.group(1).split("|")]


def usd(amount: Decimal) -> str:
    return f"USD {amount:,.2f}"


def eur(amount: Decimal) -> str:
    return f"EUR {amount:,.2f}"


def average(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_each_recipient_gets_the_report_in_html_with_charts_and_in_plain_text(
    business, smtp_server
):
    mails = monday_report(smtp_server)

    assert sorted(m["To"] for m in mails) == sorted(RECIPIENTS)
    mail = mails[0]
    assert mail["Subject"] == "Acme Supplies weekly report, 2026-W48 (Mon 23 to Sun 29 Nov 2026)"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for heading in (
        "1. WHAT CHANGED (facts)",
        "2. WHY IT MIGHT HAVE CHANGED (guesses, not findings)",
        "3. WHAT TO WATCH",
        "4. WHAT NEEDS A PERSON",
    ):
        assert heading in plain
    assert html.count("<svg") == 3  # one chart for each of the three biggest changes
    for part in ("what-changed", "why", "watch", "needs-person"):
        assert f'data-part="{part}"' in html
    guesses = re.findall(r'data-part="why">([^<]+)<', html)
    assert guesses and all(g.startswith("Guess: ") for g in guesses)
    assert "/kpi/r/" in plain


def test_money_figures_equal_the_exports_to_the_cent_and_per_currency(business, smtp_server):
    plain = monday_report(smtp_server)[0].get_body(("plain",)).get_content()

    for currency, show in (("USD", usd), ("EUR", eur)):
        invoiced = [expected.invoiced(w).get(currency, Decimal(0)) for w in WEEKS]
        collected = [expected.collected(w).get(currency, Decimal(0)) for w in WEEKS]
        owed = [expected.outstanding(expected.week_days(w)[1]).get(currency, 0) for w in WEEKS]
        for name, values in (
            (f"Invoiced ({currency})", invoiced),
            (f"Collected ({currency})", collected),
            (f"Outstanding ({currency})", owed),
        ):
            this, last, avg, *_ = plain_line(plain, name)
            assert (this, last, avg) == (
                show(values[-1]),
                show(values[-2]),
                show(average(values[:-1])),
            ), name
    # USD 660.00 (the rest of A-2003) + 1,000.25 (part of A-2005): never added to the EUR 395.00.
    assert plain_line(plain, "Collected (USD)")[0] == "USD 1,660.25"
    assert plain_line(plain, "Collected (EUR)")[0] == "EUR 395.00"
    assert "Collected:" not in plain  # no figure adds the two currencies up


def test_days_sales_outstanding_and_aging_follow_the_same_invoices(business, smtp_server):
    monday_report(smtp_server)
    report = WorkflowRun.objects.get(key=WEEK).outputs
    figures = {f["key"]: f for f in report["figures"]}

    for currency in ("USD", "EUR"):
        dso = [expected.dso(w, currency) for w in WEEKS]
        row = figures[f"dso:{currency}"]
        assert [row["history"][w] for w in WEEKS] == [
            str(v) if v is not None else None for v in dso
        ]
    aging = expected.aging(expected.week_days(WEEK)[1])
    for table in report["aging"]:
        shown = {b["label"]: Decimal(b["amount"]) for b in table["buckets"] if b["count"]}
        assert shown == dict(aging[table["currency"]])
    assert {t["currency"] for t in report["aging"]} == {"USD", "EUR"}


def test_support_and_draft_figures_count_the_weeks_conversations(business, smtp_server):
    monday_report(smtp_server)
    figures = {f["key"]: f for f in WorkflowRun.objects.get(key=WEEK).outputs["figures"]}

    for week in WEEKS:
        want = expected.tickets(week)
        got = {key: figures[key]["history"][week] for key in figures}
        assert got["tickets_received"] == want["received"], week
        assert got["tickets_answered"] == want["answered"], week
        assert got["tickets_escalated"] == want["escalated"], week
        first = want["first_response_hours"]
        assert got["first_response_hours"] == (None if first is None else str(first)), week
        assert got["drafts_unchanged"] == want["unchanged"], week
        assert got["drafts_edited"] == want["edited"], week
        assert got["drafts_rejected"] == want["rejected"], week
        assert got["reminders_sent"] == want["reminders_sent"], week
        minutes = 6 * want["answered"] + 10 * want["reminders_sent"]
        assert got["minutes_saved"] == minutes, week
    # The Sunday 23:30 message was the week before's, though it was already Monday in UTC.
    assert figures["tickets_received"]["history"]["2026-W47"] == 2


def test_orders_and_revenue_come_from_both_shops_exports_per_currency(business, smtp_server):
    plain = monday_report(smtp_server)[0].get_body(("plain",)).get_content()

    shopify, woo = expected.shopify_orders(WEEK), expected.woocommerce_orders(WEEK)
    assert plain_line(plain, "Orders")[0] == str(shopify[0] + woo[0])
    assert plain_line(plain, "Revenue (USD)")[0] == usd(shopify[1])
    assert plain_line(plain, "Revenue (EUR)")[0] == eur(woo[1])
    last = expected.shopify_orders("2026-W47"), expected.woocommerce_orders("2026-W47")
    assert plain_line(plain, "Revenue (USD)")[1] == usd(last[0][1])
    assert plain_line(plain, "Revenue (EUR)")[1] == eur(last[1][1])


def test_the_report_calls_out_three_changes_and_keeps_facts_apart_from_guesses(
    business, smtp_server
):
    monday_report(smtp_server)
    report = WorkflowRun.objects.get(key=WEEK).outputs

    assert len(report["changes"]) == 3
    assert len(report["what_changed"]) == 3
    assert not any(line.startswith("Guess") for line in report["what_changed"])
    assert all(line.startswith("Guess: ") for line in report["why"])
    needs = " ".join(report["needs_person"])
    assert "1 escalated ticket waits for a person" in needs
    assert "USD 9,600.00 on 1 invoice is more than 90 days overdue" in needs
    assert "USD 900.00 on 1 disputed invoice waits" in needs


def test_the_report_changes_nothing_but_its_own_record_and_mail(business, smtp_server):
    def state():
        return {
            model.__name__: sorted(
                tuple(str(v) for v in row) for row in model.objects.values_list()
            )
            for model in (Invoice, Customer, Ticket, Draft, InboundEmail, ImportRun)
        }

    before, events = state(), set(AuditEvent.objects.values_list("pk", flat=True))
    sent_before = OutboundEmail.objects.count()

    monday_report(smtp_server)

    assert state() == before
    new = AuditEvent.objects.exclude(pk__in=events).values_list("action", flat=True)
    assert set(new) == {"workflow.act", "workflow.done", "notice.sent"}
    assert OutboundEmail.objects.count() - sent_before == len(RECIPIENTS)
    assert set(OutboundEmail.objects.filter(kind="report").values_list("status", flat=True)) == {
        "sent"
    }
