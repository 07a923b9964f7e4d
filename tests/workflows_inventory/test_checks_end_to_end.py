"""The daily checks over one shop's real-shaped exports of Monday 30 November 2026: each
exception with its numbers, the alert as staff receive it, and purchase orders that reach a
supplier only after a person approves them through the magic link."""

from __future__ import annotations

import re

import pytest
import time_machine

from mailagent.models import Draft, OutboundEmail
from mailagent.services.approvals import approval_decide
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_run
from tests.workflows_inventory.conftest import DAY, STAFF, at

pytestmark = pytest.mark.django_db

NORTHMILL = "orders@northmill.example"
SEATCO = "sales@seatco.example"


def _run() -> WorkflowRun:
    with time_machine.travel(at("2026-11-30 19:00"), tick=False):
        return workflow_run(name="inventory", options={"day": DAY})


def _by_check(run: WorkflowRun) -> dict[tuple[str, str], dict]:
    return {(e["check"], e["sku"]): e for e in run.outputs["exceptions"]}


class TestEachCheckWithItsNumbers:
    def test_the_exceptions_are_these_five_and_no_others(self, shop):
        run = _run()
        assert run.status == WorkflowRun.Status.DONE
        assert sorted(_by_check(run)) == [
            ("drift", "RCT-TH10"),
            ("low_cover", "PAP-A4-5"),
            ("negative", "LBL-100"),
            ("oversold", "CHR-ERG"),
            ("sold_not_in_stock_export", "MUG-BLU"),
        ]

    def test_low_cover_counts_28_days_of_standing_orders_only(self, shop):
        # PAP-A4-5 sold 10 + 12 + 6 in the window; the cancelled order's 10, the 50 of
        # 20 October and the 40 of 1 December are outside it.
        found = _by_check(_run())[("low_cover", "PAP-A4-5")]
        assert found["numbers"] == {
            "stock": 8,
            "sold": 28,
            "window_days": 28,
            "per_day": "1.00",
            "cover_days": "8.0",
            "threshold_days": 14,
        }
        assert found["text"] == (
            "8 in stock, 28 sold in the last 28 days (1.00 a day): 8.0 days of cover, under 14"
        )
        assert found["reorder"] == 20

    def test_negative_and_oversold_stock(self, shop):
        found = _by_check(_run())
        assert found[("oversold", "CHR-ERG")]["numbers"] == {
            "on_hand": 2,
            "committed": 3,
            "available": -1,
        }
        assert found[("negative", "LBL-100")]["text"] == "stock is -3: 3 sold that were not there"

    def test_a_sku_sold_in_woocommerce_but_not_in_the_stock_export(self, shop):
        found = _by_check(_run())[("sold_not_in_stock_export", "MUG-BLU")]
        assert found["numbers"] == {"sold": 3, "window_days": 28}

    def test_stock_that_moved_between_the_morning_and_evening_exports(self, shop):
        found = _by_check(_run())[("drift", "RCT-TH10")]
        assert found["numbers"]["earlier"] == 30
        assert found["numbers"]["later"] == 12
        assert found["numbers"]["change"] == -18

    def test_a_smaller_move_than_the_threshold_is_no_exception(self, shop, settings):
        settings.STOCK_DRIFT_UNITS = 18
        assert ("drift", "RCT-TH10") not in _by_check(_run())

    def test_a_longer_cover_target_flags_more(self, shop, settings):
        settings.STOCK_COVER_DAYS = 35  # RCT-TH10: 12 in stock, 10 sold in 28 days = 33.6 days
        found = _by_check(_run())
        assert found[("low_cover", "RCT-TH10")]["numbers"]["cover_days"] == "33.6"
        assert ("low_cover", "STP-HD") not in found  # 40 in stock, 14 sold: 80 days


class TestTheAlert:
    def test_staff_receive_one_alert_in_html_and_text_with_the_numbers(self, shop, smtp_server):
        _run()
        alerts = [m for m in smtp_server.messages() if "stock alert" in m["Subject"]]
        assert len(alerts) == 1
        alert = alerts[0]
        assert alert["Subject"] == "Acme Supplies stock alert, 2026-11-30: 5 exceptions"
        assert sorted(a.strip() for a in alert["To"].split(",")) == sorted(STAFF)
        text = alert.get_body(("plain",)).get_content()
        html = alert.get_body(("html",)).get_content()
        line = "8 in stock, 28 sold in the last 28 days (1.00 a day): 8.0 days of cover, under 14"
        for body in (text, html):
            assert line in body
            assert "2 on hand but 3 committed to orders: -1 available" in body
            assert "30 in inventory_export_morning.csv, 12 in inventory_export_evening.csv" in body
            assert "MUG-BLU" in body
        assert "- orders@northmill.example" not in text  # listed by supplier name
        assert "Northmill Paper <orders@northmill.example>: 20 x PAP-A4-5" in text
        assert "SeatCo <sales@seatco.example>: 5 x CHR-ERG" in text
        assert OutboundEmail.objects.get(kind=OutboundEmail.Kind.INVENTORY_ALERT).status == "sent"


def _token_for(draft: Draft, messages) -> str:
    """The token of the one approval link for this draft in the approval requests received."""
    found = [
        token
        for m in messages
        for token in re.findall(
            rf"/review/{draft.pk}/([^/\s]+)/", m.get_body(("plain",)).get_content()
        )
    ]
    assert len(found) == 1, found
    return found[0]


class TestPurchaseOrders:
    def test_each_known_supplier_gets_one_draft_that_waits(self, shop, smtp_server):
        run = _run()
        drafts = {d.to_addresses[0]: d for d in Draft.objects.filter(kind="purchase_order")}
        assert set(drafts) == {NORTHMILL, SEATCO}  # LBL-100 has no supplier: no order
        assert all(d.status == Draft.Status.PENDING for d in drafts.values())
        assert "- PAP-A4-5 (A4 copier paper / 5 reams): 20" in drafts[NORTHMILL].body
        assert "- CHR-ERG (Ergonomic chair): 5" in drafts[SEATCO].body
        sent_to = [r for m in smtp_server.received for r in m.rcpt_tos]
        assert NORTHMILL not in sent_to and SEATCO not in sent_to
        assert [a["decision"] for a in run.actions] == ["act", "wait", "wait"]

    def test_the_order_goes_once_and_only_after_the_approval(
        self, shop, smtp_server, django_capture_on_commit_callbacks
    ):
        _run()
        draft = Draft.objects.get(kind="purchase_order", to_addresses=[NORTHMILL])
        token = _token_for(draft, smtp_server.messages())
        # The owner clicks the link the same evening, well within its lifetime.
        with time_machine.travel(at("2026-11-30 20:00")):
            with django_capture_on_commit_callbacks(execute=True):
                decision = approval_decide(draft_id=draft.pk, token=token, action="approve")
            assert decision.draft is not None
            draft.refresh_from_db()
            assert draft.status == Draft.Status.SENT
            with django_capture_on_commit_callbacks(execute=True):
                again = approval_decide(draft_id=draft.pk, token=token, action="approve")
            assert again.draft is None and again.check.state == "used"  # the link is spent
        to_supplier = [m for m in smtp_server.received if NORTHMILL in m.rcpt_tos]
        assert len(to_supplier) == 1
        order = to_supplier[0].message
        assert order["Subject"] == "Purchase order from Acme Supplies: 1 item"
        assert "PAP-A4-5" in order.get_body(("plain",)).get_content()
        assert not [m for m in smtp_server.received if SEATCO in m.rcpt_tos]

    def test_a_second_run_drafts_no_second_order_while_one_waits(self, shop, smtp_server):
        _run()
        run = _run()
        assert Draft.objects.filter(kind="purchase_order").count() == 2
        assert any("already waits for approval" in note for note in run.outputs["notes"])
