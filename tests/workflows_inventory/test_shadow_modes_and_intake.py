"""Around the checks: shadow runs that send and change nothing, the mode the registry allows,
a malformed export refused whole with its name, line and reason, and exports mailed in."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from mailagent.conf import Mode, SettingsError
from mailagent.integrations.maildir import FolderSource
from mailagent.models import (
    ApprovalLink,
    AuditEvent,
    Draft,
    InboundEmail,
    Invoice,
    OutboundEmail,
    Ticket,
)
from mailagent.services.pipeline import inbox_run_once
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.registry import mode_checked, workflow_named
from mailagent.workflows.runner import workflow_run
from tests.workflows_inventory.conftest import DAY, INVENTORY, at, drop

pytestmark = pytest.mark.django_db


class TestShadow:
    def test_shadow_records_what_it_would_do_and_sends_and_drafts_nothing(
        self, shop, smtp_server, tmp_path, capsys
    ):
        with time_machine.travel(at("2026-12-01 07:00"), tick=False):
            call_command("shadow", workflow="inventory", last=1, out=tmp_path / "shadow")
        (run,) = WorkflowRun.objects.filter(workflow="inventory")
        assert (run.mode, run.status, run.key) == ("shadow", "done", DAY)
        assert [a["decision"] for a in run.actions] == ["record", "record", "record"]
        assert smtp_server.received == []
        assert not Draft.objects.exists() and not OutboundEmail.objects.exists()
        assert not ApprovalLink.objects.exists()
        written = sorted(p.name for p in (tmp_path / "shadow").iterdir())
        assert len(written) == 4  # the alert as HTML and text, and two purchase orders
        text = next((tmp_path / "shadow").glob("*.txt")).read_text()
        assert "[SHADOW RUN: this alert was not sent to anyone]" in text
        assert "8.0 days of cover, under 14" in text
        assert "Nothing was sent and nothing was changed" in capsys.readouterr().out


class TestModes:
    def test_auto_is_refused_because_a_purchase_order_is_medium_risk(self):
        inventory = workflow_named("inventory")
        with pytest.raises(SettingsError, match="INVENTORY_MODE=auto is refused"):
            mode_checked(inventory, "auto")
        assert inventory.default_mode is Mode.OFF
        assert inventory.action("draft_purchase_order").tier.value == "medium"

    def test_off_checks_nothing(self, shop, settings, smtp_server):
        settings.INVENTORY_MODE = Mode.OFF
        assert workflow_run(name="inventory", options={"day": DAY}) is None
        assert not WorkflowRun.objects.exists() and smtp_server.received == []


class TestMalformedExports:
    def test_a_bad_stock_export_is_refused_whole_and_named_in_the_alert(self, shop, smtp_server):
        Path(shop, "inventory_export_evening.csv").unlink()
        drop(shop, "inventory_export_malformed.csv", "2026-11-30 18:00")
        with time_machine.travel(at("2026-11-30 19:00"), tick=False):
            run = workflow_run(name="inventory", options={"day": DAY})
        reason = (
            "inventory_export_malformed.csv: Shopify inventory export: line 5: the available "
            "(not editable) 'lots' is not a number; nothing in this file was used."
        )
        assert run.outputs["refused"] == [reason]
        # The morning export is what is checked: none of the malformed one's rows are.
        assert run.outputs["stock_from"] == "inventory_export_morning.csv"
        assert not [e for e in run.outputs["exceptions"] if e["check"] == "drift"]
        (alert,) = [m for m in smtp_server.messages() if "stock alert" in m["Subject"]]
        assert reason in alert.get_body(("plain",)).get_content()

    def test_without_a_stock_export_of_the_day_nothing_is_claimed(self, shop, smtp_server):
        with time_machine.travel(at("2026-11-29 19:00"), tick=False):
            run = workflow_run(name="inventory", options={"day": "2026-11-29"})
        assert run.outputs["exceptions"] == []
        assert (
            run.outputs["notes"][0]
            == "No stock export was dropped on 2026-11-29: stock was not checked."
        )
        assert smtp_server.received == []


def _mail(settings, attachment: str, data: bytes) -> None:
    msg = EmailMessage()
    msg["From"] = "Shop <exports@shop.example>"
    msg["To"] = "agent@acme.example"
    msg["Subject"] = "Inventory export"
    msg["Message-ID"] = "<inv-1@shop.example>"
    msg["Date"] = "Mon, 30 Nov 2026 18:00:00 -0500"
    msg.set_content("Attached.")
    msg.add_attachment(data, maintype="text", subtype="csv", filename=attachment)
    (settings.INBOX_DIR / "export.eml").write_bytes(bytes(msg))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))


class TestMailedExports:
    @pytest.fixture
    def mailed(self, shop, settings):
        settings.ACCOUNTING_EXPORT_SENDERS = ["exports@shop.example"]
        settings.TRUSTED_AUTHSERV_ID = ""
        return shop

    def test_a_mailed_stock_export_is_kept_for_the_checks_and_makes_no_ticket(
        self, mailed, settings
    ):
        data = (INVENTORY / "stock_list.csv").read_bytes()
        _mail(settings, "stock list.csv", data)
        assert InboundEmail.objects.get().status == InboundEmail.Status.PROCESSED
        assert not Ticket.objects.exists() and not Invoice.objects.exists()
        event = AuditEvent.objects.get(action="export.received_by_email")
        assert "SKU and quantity list, 3 SKUs, kept for the inventory checks" in event.summary
        (kept,) = [p for p in mailed.iterdir() if p.name.endswith("stock-list.csv")]
        assert kept.read_bytes() == data

    def test_a_malformed_mailed_export_is_refused_and_not_kept(self, mailed, settings):
        before = sorted(p.name for p in mailed.iterdir())
        _mail(settings, "stock.csv", (INVENTORY / "stock_list_malformed.csv").read_bytes())
        email = InboundEmail.objects.get()
        assert email.status == InboundEmail.Status.QUARANTINED
        assert "SKU 'PAP-A4-5' is listed twice (lines 2 and 4)" in email.error
        assert sorted(p.name for p in mailed.iterdir()) == before
