"""`shadow --last N`: what the agent would do with past mail; nothing stored, nothing sent."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from mailagent.models import (
    ApprovalLink,
    AuditEvent,
    Customer,
    Draft,
    InboundEmail,
    OutboundEmail,
    Ticket,
)
from mailagent.services.invoices import export_import
from tests.conftest import outbox_messages

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "mailagent" / "demo"


def test_shadow_reports_and_reaches_neither_smtp_nor_the_outbox(settings, smtp_server, tmp_path):
    for eml in sorted((DEMO / "inbox").glob("*.eml")):
        shutil.copy(eml, settings.INBOX_DIR / eml.name)
    for export in sorted((DEMO / "accounting").glob("*.csv")):
        export_import(data=export.read_bytes(), file_name=export.name, today=_today())
    events_before = AuditEvent.objects.count()
    call_command("shadow", "--last", "10", "--out", str(tmp_path))

    assert smtp_server.received == []
    assert outbox_messages(settings) == []
    assert not OutboundEmail.objects.exists()
    for model in (InboundEmail, Ticket, Draft, ApprovalLink):
        assert not model.objects.exists(), model
    assert AuditEvent.objects.count() == events_before
    assert not Customer.objects.filter(reminders_paused=True).exists()

    (csv_path,) = tmp_path.glob("*.csv")
    rows = list(csv.DictReader(csv_path.open()))
    replies = [r for r in rows if r["workflow"] == "reply"]
    assert len(replies) == 10
    reminders = [r for r in rows if r["workflow"] == "reminder"]
    assert {r["key"] for r in reminders} >= {"Sunrise Bakery", "Miller & Sons Hardware"}
    by_key = {r["key"]: r for r in rows}
    assert by_key["Miller & Sons Hardware"]["outcome"] == "escalate to a person"
    assert any(r["outcome"] == "draft a reply" and r["draft"] for r in replies)
    (html_path,) = tmp_path.glob("*.html")
    assert "Nothing was stored as pending and nothing was sent" in html_path.read_text()


def _today():
    from datetime import date

    return date(2026, 11, 24)
