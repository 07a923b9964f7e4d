"""Secrets never appear in logs, prompts or audit rows, even when things go wrong."""

from __future__ import annotations

import logging

import pytest
from django.core import serializers

from mailagent.integrations.maildir import FolderSource
from mailagent.logs import RedactingFilter, redact
from mailagent.models import AuditEvent, Draft, InboundEmail, OutboundEmail, Ticket
from mailagent.services.drafts import draft_approve
from mailagent.services.outbound import draft_send
from mailagent.services.pipeline import inbox_run_once
from tests.openai_stub import StubServer

pytestmark = pytest.mark.django_db

SECRETS = {
    "SECRET_KEY": "sk-django-7f3a9c" * 4,
    "SMTP_PASSWORD": "smtp-pass-5be21d",
    "IMAP_PASSWORD": "imap-pass-90c4e1",
    "OPENAI_API_KEY": "sk-model-key-33aa1f",
}


def everything_stored() -> str:
    rows = []
    for model in (AuditEvent, InboundEmail, Ticket, Draft, OutboundEmail):
        rows.append(serializers.serialize("json", model.objects.all()))
    for outbound in OutboundEmail.objects.all():
        rows.append(bytes(outbound.raw).decode("utf-8", "replace"))
    return "\n".join(rows)


def test_no_secret_reaches_logs_prompts_audit_or_mail(settings, smtp_server, caplog):
    for name, value in SECRETS.items():
        setattr(settings, name, value)
    settings.SMTP_USER = "agent"  # the test server offers no AUTH: the login fails, loudly
    stub = StubServer().start()
    settings.AGENT_MODEL, settings.OPENAI_MODEL = "openai", "stub-model"
    settings.OPENAI_BASE_URL, settings.OPENAI_MAX_RETRIES = stub.base_url, 0
    caplog.set_level(logging.DEBUG)
    try:
        (settings.INBOX_DIR / "a.eml").write_bytes(
            b"From: Priya <owner@greenleafcafe.example>\r\nTo: agent@acme.example\r\n"
            b"Subject: Grinder\r\nMessage-ID: <s1@greenleafcafe.example>\r\n\r\n"
            b"How do I reset the grinder timer?\r\n"
        )
        inbox_run_once(source=FolderSource(settings.INBOX_DIR))
        draft = Draft.objects.get()
        draft_approve(draft_id=draft.pk, approver="owner@acme.example")
        draft_send(draft_id=draft.pk)
    finally:
        stub.stop()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.FAILED  # the login failed; the reason is recorded
    prompts = "\n".join(str(r["messages"]) for r in stub.requests)
    stored = everything_stored()
    for name, value in SECRETS.items():
        assert value not in caplog.text, f"{name} in the logs"
        assert value not in prompts, f"{name} in a prompt"
        assert value not in stored, f"{name} in the database or in sent mail"


def test_the_log_filter_redacts_secrets_and_shortens_addresses(settings):
    settings.SMTP_PASSWORD = "smtp-pass-5be21d"
    args = ("smtp-pass-5be21d", "dana@marina.example")
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "login %s failed for %s", args, None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "login [redacted] failed for d***@marina.example"
    assert redact("no secrets here", ["", "abc"]) == "no secrets here"
