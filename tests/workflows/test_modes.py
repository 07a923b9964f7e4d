"""Workflow modes: off, shadow, draft, auto; auto is refused for anything customer-facing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailagent.conf import Mode, SettingsError, admins_excluding, workflow_mode
from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, Draft, InboundEmail, OutboundEmail, Ticket
from mailagent.services.pipeline import inbox_run_once
from tests.conftest import outbox_messages

ROOT = Path(__file__).resolve().parents[2]
QUESTION = (
    b"From: Priya Raman <owner@greenleafcafe.example>\r\nTo: agent@acme.example\r\n"
    b"Subject: Grinder timer\r\nMessage-ID: <g1@greenleafcafe.example>\r\n\r\n"
    b"How do I reset the grinder timer?\r\n"
)
REFUND = (
    b"From: Tom <tom@miller.example>\r\nTo: agent@acme.example\r\nSubject: Money back\r\n"
    b"Message-ID: <r1@miller.example>\r\n\r\nPlease refund the $300 for the broken grinder.\r\n"
)


@pytest.mark.parametrize("name", ["TRIAGE_MODE", "REMINDER_MODE"])
def test_auto_is_refused_for_customer_facing_work(name):
    with pytest.raises(SettingsError, match=f"{name}=auto is refused"):
        workflow_mode(name, "auto")


def test_auto_is_accepted_for_the_digest_and_typos_are_named():
    assert workflow_mode("DIGEST_MODE", "AUTO") is Mode.AUTO
    with pytest.raises(SettingsError, match="TRIAGE_MODE='drafts' is not a mode"):
        workflow_mode("TRIAGE_MODE", "drafts")


def test_the_program_refuses_to_start_with_auto_replies():
    env = dict(os.environ, TRIAGE_MODE="auto", DJANGO_SETTINGS_MODULE="config.settings")
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "TRIAGE_MODE=auto is refused" in run.stderr


def test_error_mail_for_admins_never_goes_to_the_agent_inbox():
    admins = admins_excluding(["Agent@Acme.example", "boss@acme.example"], "agent@acme.example")
    assert admins == [("boss@acme.example", "boss@acme.example")]


@pytest.mark.django_db
def test_shadow_triage_records_what_it_would_do_and_sends_nothing(settings, smtp_server):
    settings.TRIAGE_MODE = Mode.SHADOW
    (settings.INBOX_DIR / "a.eml").write_bytes(QUESTION)
    (settings.INBOX_DIR / "b.eml").write_bytes(REFUND)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert not Draft.objects.exists()
    assert Ticket.objects.count() == 2
    assert AuditEvent.objects.filter(action="shadow.would_draft").count() == 1
    assert AuditEvent.objects.filter(action="shadow.would_escalate").count() == 1
    assert smtp_server.received == [] and not OutboundEmail.objects.exists()
    assert outbox_messages(settings) == []


@pytest.mark.django_db
def test_triage_off_keeps_mail_raw_for_later(settings):
    settings.TRIAGE_MODE = Mode.OFF
    (settings.INBOX_DIR / "a.eml").write_bytes(QUESTION)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert InboundEmail.objects.get().status == InboundEmail.Status.RECEIVED
    settings.TRIAGE_MODE = Mode.DRAFT
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert InboundEmail.objects.get().status == InboundEmail.Status.PROCESSED
    assert Draft.objects.count() == 1


@pytest.mark.django_db
def test_digest_off_and_shadow_send_nothing(settings, smtp_server, capsys):
    from django.core.management import call_command

    settings.DIGEST_MODE = Mode.OFF
    call_command("send_digest")
    assert "DIGEST_MODE=off" in capsys.readouterr().out
    settings.DIGEST_MODE = Mode.SHADOW
    call_command("send_digest")
    assert "not sent" in capsys.readouterr().out
    assert smtp_server.received == [] and not OutboundEmail.objects.exists()
    assert AuditEvent.objects.filter(action="shadow.would_send_digest").count() == 1
    settings.DIGEST_MODE = Mode.AUTO
    call_command("send_digest")
    assert len(smtp_server.received) == 1
