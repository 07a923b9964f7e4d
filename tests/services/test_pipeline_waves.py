"""A pass processes its messages in waves: model calls side by side (MODEL_CONCURRENCY), the
database on one thread, a conversation in order."""

from __future__ import annotations

import pytest

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, InboundEmail, Ticket
from mailagent.services.pipeline import inbox_run_once
from mailagent.services.processing import decide
from tests.openai_stub import StubServer

pytestmark = pytest.mark.django_db


def question(n: int, *, answers: int | None = None) -> bytes:
    thread = f"In-Reply-To: <q{answers}@shop.example>\n" if answers is not None else ""
    return (
        f"From: Customer {n} <c{n}@shop{n}.example>\nTo: agent@acme.example\n"
        f"Subject: {'Re: ' if thread else ''}Delivery question {answers or n}\n"
        f"Message-ID: <q{n}@shop.example>\n{thread}Date: Tue, 24 Nov 2026 09:00:00 +0000\n\n"
        f"Hello, could you tell me when order 1000{n} will ship?\n"
    ).encode()


@pytest.fixture
def stub(settings):
    server = StubServer(delay=0.3).start()
    settings.AGENT_MODEL, settings.OPENAI_MODEL = "openai", "stub-model"
    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = server.base_url, "test"
    settings.OPENAI_MAX_RETRIES = 0
    yield server
    server.stop()


def test_model_calls_of_one_pass_run_side_by_side(settings, stub):
    settings.MODEL_CONCURRENCY = 4
    for n in range(8):
        (settings.INBOX_DIR / f"{n}.eml").write_bytes(question(n))
    report = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert report.counts["processed"] == 8
    assert len(stub.requests) == 8
    assert stub.max_in_flight == 4
    assert Ticket.objects.count() == 8
    assert AuditEvent.objects.filter(action="ticket.triaged").count() == 8


def test_one_at_a_time_when_concurrency_is_one(settings, stub):
    settings.MODEL_CONCURRENCY = 1
    for n in range(3):
        (settings.INBOX_DIR / f"{n}.eml").write_bytes(question(n))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert (len(stub.requests), stub.max_in_flight) == (3, 1)


def test_a_reply_in_the_same_pass_joins_its_parent_s_ticket(settings, stub):
    settings.MODEL_CONCURRENCY = 8
    (settings.INBOX_DIR / "1.eml").write_bytes(question(1))
    (settings.INBOX_DIR / "2.eml").write_bytes(question(2))
    (settings.INBOX_DIR / "3.eml").write_bytes(question(3, answers=1))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    parent = InboundEmail.objects.get(message_id="<q1@shop.example>")
    reply = InboundEmail.objects.get(message_id="<q3@shop.example>")
    assert reply.ticket_id == parent.ticket_id
    assert Ticket.objects.count() == 2
    assert AuditEvent.objects.filter(action="ticket.reply_received").count() == 1


def test_a_failure_in_one_message_of_a_wave_leaves_the_others_written(settings, monkeypatch):
    for n in range(3):
        (settings.INBOX_DIR / f"{n}.eml").write_bytes(question(n))
    real = decide.prepared_assess

    def fail_second(prepared, *, proposal):
        if prepared.parsed.message_id == "<q1@shop.example>":
            raise RuntimeError("disk full")
        return real(prepared, proposal=proposal)

    monkeypatch.setattr(decide, "prepared_assess", fail_second)
    report = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert report.counts == {"processed": 2, "quarantined": 1}
    failed = InboundEmail.objects.get(message_id="", status="quarantined")
    assert "disk full" in failed.error
    assert Ticket.objects.count() == 2
